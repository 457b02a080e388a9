"""The learner's commands: /start, /help, /privacy, /centres and /language (/eligibility is in eligibility.py)."""

from __future__ import annotations

from telegram import Update

from bot.blocks import Block
from bot.i18n import phrase
from bot.telegram.buttons import language_keyboard, start_keyboard
from bot.telegram.context import Context, bot_state, learner_language
from bot.telegram.send import say, send_blocks


async def start(update: Update, context: Context) -> None:
    """Welcome the learner with the common paths as buttons."""
    if update.effective_message is not None:
        lang = learner_language(update, context)
        await say(update.effective_message, phrase(lang, "welcome"), start_keyboard(lang))


async def help_command(update: Update, context: Context) -> None:
    """Explain what the bot understands."""
    if update.effective_message is not None:
        await say(update.effective_message, phrase(learner_language(update, context), "help"))


async def privacy_command(update: Update, context: Context) -> None:
    """Say exactly what is kept and for how long."""
    if update.effective_message is None:
        return
    lang = learner_language(update, context)
    settings = bot_state(context).settings
    text = (
        phrase(lang, "privacy", days=str(settings.retention_days))
        if settings.record_gaps
        else phrase(lang, "privacy_off", days=str(settings.retention_days))
    )
    await say(update.effective_message, text)


async def centres_command(update: Update, context: Context) -> None:
    """List every centre with its one-line summary."""
    if update.effective_message is None:
        return
    lang = learner_language(update, context)
    engine = bot_state(context).engine
    blocks = [Block("text", phrase(lang, "centres_intro"))]
    for centre in sorted(engine.index.centres.values(), key=lambda c: c.name.get(lang).lower()):
        blocks.append(Block("item", f"{centre.name.get(lang)}: {centre.summary.get(lang)}", "•"))
    await send_blocks(update.effective_message, blocks)


async def language_command(update: Update, context: Context) -> None:
    """Offer the three languages as buttons."""
    if update.effective_message is not None:
        await say(update.effective_message, phrase(learner_language(update, context), "choose_language"), language_keyboard())
