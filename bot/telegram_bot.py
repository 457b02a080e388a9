"""The Telegram bot: questions, locations, buttons and commands on python-telegram-bot v22.

Every handler reads the engine once from `BotState`, so a /reload swaps it for new updates
while answers in flight finish on the old one. Searching runs in a worker thread, never on the
event loop. Nothing here logs message text, names or the token.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlparse

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import eligibility, reply, telegram_eligibility
from bot.conversations import ConversationStore
from bot.engine import Answer, Engine
from bot.gaps import GapStore
from bot.i18n import detect_language, phrase
from bot.places import find_place, gazetteer_for, nearest_centres
from bot.settings import Settings
from bot.telegram_format import answer_keyboard, callback, language_keyboard, split_html, start_keyboard, without_feedback
from index.embedder import Embedder
from index.schema import LANGUAGES
from index.store import POINTER

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
REMEMBERED_QUESTIONS = 20


class ServeError(Exception):
    """The bot cannot start; the message says why in one line, without secrets."""


@dataclass
class BotState:
    """What the handlers share: settings, the current engine, the gaps store, anonymous counters."""

    settings: Settings
    embedder: Embedder
    engine: Engine
    gaps: GapStore | None = None
    conversations: ConversationStore | None = None
    stats: Counter = field(default_factory=Counter)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        if self.gaps is None:
            self.gaps = GapStore(self.settings.gaps_path, self.settings.retention_days, self.settings.record_gaps)
        if self.conversations is None:
            self.conversations = ConversationStore(self.settings.data_dir / "conversations.sqlite")
        self.gaps.purge()

    async def reload(self) -> Engine:
        """Load the newest built index off the event loop and swap it in with one assignment.

        Answers already running keep the engine they started with; a failed load raises and
        leaves the current engine serving."""
        async with self.reload_lock:
            engine = await asyncio.to_thread(Engine.from_settings, self.settings, self.embedder)
            self.engine = engine
            self.stats["reloads"] += 1
            return engine


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data["state"]


def _language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The learner's chosen language, else Telegram's language_code, else English."""
    chosen = context.chat_data.get("lang") if context.chat_data is not None else None
    if chosen in LANGUAGES:
        return chosen
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    code = code.split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def _hint(update: Update) -> str | None:
    return update.effective_user.language_code if update.effective_user else None


async def _send_html(message: Message, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None) -> Message | None:
    """Send `text` (HTML) in as many messages as needed; the buttons go on the last one, returned."""
    sent = None
    chunks = split_html(text)
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        sent = await message.get_bot().send_message(
            message.chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup if last else None
        )
    return sent


async def _say(message: Message, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None) -> None:
    """Send one fixed phrase (escaped like any other text)."""
    await _send_html(message, reply.render_html([reply.Block("text", text)]), markup)


async def _send_answer(message: Message, answer: Answer, engine: Engine, lang: str) -> Message | None:
    """The answer text, then the centre's pin carrying the buttons (or the buttons on the text).

    Returns the message that carries the buttons."""
    keyboard = answer_keyboard(answer, engine, lang)
    centre = engine.index.centres.get(answer.best.centre) if answer.confident and answer.best and answer.best.centre else None
    location = centre.location if centre else None
    sent = await _send_html(message, answer.html, None if location else keyboard)
    if centre is not None and location is not None:
        name = centre.name.get(lang)
        title = name if location.precision == "street" else phrase(lang, "venue_approx", name=name)
        sent = await message.get_bot().send_venue(
            message.chat_id, location.lat, location.lon, title[:128], reply.format_address(centre, lang)[:256], reply_markup=keyboard
        )
    return sent


def _remember_question(context: ContextTypes.DEFAULT_TYPE, message_id: int, question: str, answer: Answer) -> None:
    """Keep, in memory only, the last few questions of this chat so that a 👎 can say what it was about."""
    asked = context.chat_data.setdefault("asked", {})
    asked[message_id] = (question, answer.lang, answer.score)
    while len(asked) > REMEMBERED_QUESTIONS:
        asked.pop(next(iter(asked)))


def _addressed_text(message: Message, bot: Bot) -> str | None:
    """The question in `message`, or None when a group message is not meant for the bot."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return text
    mention = f"@{bot.username}"
    if bot.username and mention.lower() in text.lower():
        return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
    return None


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the learner with the common paths as buttons."""
    lang = _language(update, context)
    await _say(update.effective_message, phrase(lang, "welcome"), start_keyboard(lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot understands."""
    lang = _language(update, context)
    await _say(update.effective_message, phrase(lang, "help"))


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say exactly what is kept and for how long."""
    lang = _language(update, context)
    settings = _state(context).settings
    text = phrase(lang, "privacy", days=str(settings.retention_days)) if settings.record_gaps else phrase(lang, "privacy_off")
    await _say(update.effective_message, text)


async def centres_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List every centre with its one-line summary, each a button to its details."""
    lang = _language(update, context)
    engine = _state(context).engine
    blocks = [reply.Block("text", phrase(lang, "centres_intro"))]
    for centre in sorted(engine.index.centres.values(), key=lambda c: c.name.get(lang).lower()):
        blocks.append(reply.Block("item", f"{centre.name.get(lang)}: {centre.summary.get(lang)}", "•"))
    await _send_html(update.effective_message, reply.render_html(blocks))


async def eligibility_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start the guided 'can I join?' check over every programme with published conditions."""
    state = _state(context)
    await telegram_eligibility.start_check(update.effective_message, state.engine, state.conversations, _language(update, context), None)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the three languages as buttons."""
    lang = _language(update, context)
    await update.effective_message.reply_text(phrase(lang, "choose_language"), reply_markup=language_keyboard())


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question, or list the nearest centres when only a place was typed."""
    message = update.effective_message
    question = _addressed_text(message, context.bot)
    if question is None:
        return
    state = _state(context)
    engine = state.engine  # read once: a reload must not change it under this answer
    chosen = context.chat_data.get("lang") if context.chat_data is not None else None
    if await telegram_eligibility.on_typed_answer(message, engine, state.conversations, question):
        return
    if eligibility.CAN_I_JOIN.match(question):
        lang = detect_language(question, chosen or _hint(update))
        await telegram_eligibility.start_check(message, engine, state.conversations, lang, context.chat_data.get("last_centre"))
        return
    place = find_place(question, gazetteer_for(state.settings.knowledge_dir))
    if place is not None:
        state.stats["places"] += 1
        lang = _language(update, context)
        pairs = nearest_centres(place.lat, place.lon, list(engine.index.centres.values()))
        await _send_html(message, reply.render_html(reply.nearest_reply(pairs, lang, place.name)))
        return
    answer = await asyncio.to_thread(engine.answer, question, _hint(update), lang=chosen)
    state.stats["questions"] += 1
    state.stats[f"{answer.kind}"] += 1
    state.stats[f"lang_{answer.lang}"] += 1
    sent = await _send_answer(message, answer, engine, answer.lang)
    if answer.kind == "unsure":
        passage = answer.best.passage if answer.best else None
        await asyncio.to_thread(state.gaps.record, "unsure", question, answer.lang, answer.score, passage)
    elif sent is not None and answer.kind == "answer":
        _remember_question(context, sent.message_id, question, answer)
        context.chat_data["last_centre"] = answer.best.centre if answer.best else None


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the centres nearest to a shared location."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE and _addressed_text(message, context.bot) is None:
        return
    lang = _language(update, context)
    state = _state(context)
    state.stats["locations"] += 1
    location = message.location
    pairs = nearest_centres(location.latitude, location.longitude, list(state.engine.index.centres.values()))
    await _send_html(message, reply.render_html(reply.nearest_reply(pairs, lang, None)))


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents: say kindly what the bot understands."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE:
        return
    _state(context).stats["unsupported"] += 1
    await message.reply_text(phrase(_language(update, context), "unsupported"))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button press is acknowledged, then does something visible."""
    query = update.callback_query
    lang = _language(update, context)
    state = _state(context)
    engine = state.engine
    kind, _, rest = (query.data or "").partition(":")
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(phrase(lang, "expired"))
        return
    if kind == "fb":
        verdict, _, passage = rest.partition(":")
        up = verdict == "1"
        rated = context.chat_data.setdefault("rated", [])
        if message.message_id in rated:  # a double tap counts once (checked before any await)
            await query.answer(phrase(lang, "feedback_thanks"))
            return
        rated[:] = [*rated[-(REMEMBERED_QUESTIONS - 1) :], message.message_id]
        state.stats["feedback_up" if up else "feedback_down"] += 1
        await asyncio.to_thread(state.gaps.feedback, passage, up)
        if not up:
            question, asked_lang, score = context.chat_data.get("asked", {}).get(message.message_id, (None, None, None))
            await asyncio.to_thread(state.gaps.record, "thumbs_down", question, asked_lang, score, passage)
        await query.answer(phrase(lang, "feedback_thanks"))
        await query.edit_message_reply_markup(without_feedback(message.reply_markup))
        return
    if kind == "lang" and rest in LANGUAGES:
        context.chat_data["lang"] = rest
        await query.answer()
        await query.edit_message_text(phrase(rest, "language_set"))
        return
    await query.answer()
    if kind == "el":
        await telegram_eligibility.on_check_button(update, engine, state.conversations, lang)
    elif kind == "show":
        answer = await asyncio.to_thread(engine.answer_for, rest, lang)
        if answer is None:
            await message.reply_text(phrase(lang, "expired"))
        else:
            await _send_answer(message, answer, engine, lang)
    elif kind == "alts":
        await _send_options(message, engine, [t for t in rest.split(",") if t], lang)
    elif kind == "contact":
        await _send_contact(message, engine, rest, lang)
    elif kind == "path":
        await _send_path(message, engine, rest, lang)
    else:
        await message.reply_text(phrase(lang, "expired"))


async def _send_options(message: Message, engine: Engine, targets: list[str], lang: str) -> None:
    rows = []
    for target in targets:
        data = callback("show", target)
        if data and engine.knows(target):
            rows.append([InlineKeyboardButton(engine.title_of(target, lang)[:60], callback_data=data)])
    if not rows:
        await message.reply_text(phrase(lang, "no_options"))
        return
    await message.reply_text(phrase(lang, "options_intro"), reply_markup=InlineKeyboardMarkup(rows))


async def _send_contact(message: Message, engine: Engine, centre_id: str, lang: str) -> None:
    centre = engine.index.centres.get(centre_id)
    if centre is None:
        await message.reply_text(phrase(lang, "expired"))
        return
    contact = reply.contact_line(centre)
    key = "contact_for" if centre.phone or centre.email else "contact_none"
    text = phrase(lang, key, name=centre.name.get(lang), contact=contact or "")
    if key == "contact_none" and centre.website:
        text += f"\n{centre.website}"
    await _say(message, text)


async def _send_path(message: Message, engine: Engine, path: str, lang: str) -> None:
    if path == "course":
        await message.reply_text(phrase(lang, "course_prompt"))
    elif path == "near":
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(phrase(lang, "button_share_location"), request_location=True)]], resize_keyboard=True, one_time_keyboard=True
        )
        await message.reply_text(phrase(lang, "near_prompt"), reply_markup=keyboard)
    elif path == "person":
        blocks = [reply.Block("text", phrase(lang, "person_intro"))]
        for centre in sorted(engine.index.centres.values(), key=lambda c: c.name.get(lang).lower()):
            contact = reply.contact_line(centre)
            if contact:
                blocks.append(reply.Block("item", f"{centre.name.get(lang)}: {contact}", "•"))
        await _send_html(message, reply.render_html(blocks))
    else:
        await message.reply_text(phrase(lang, "expired"))


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in _state(context).settings.admin_ids


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: load the newest built index; answers in flight finish on the old one."""
    lang = _language(update, context)
    if not _is_admin(update, context):
        await update.effective_message.reply_text(phrase(lang, "not_admin"))
        return
    try:
        engine = await _state(context).reload()
    except Exception as error:  # keep serving the old index whatever went wrong
        log.warning("reload failed: %s", type(error).__name__)
        await update.effective_message.reply_text(phrase(lang, "reload_failed", reason=str(error)[:300]))
        return
    await update.effective_message.reply_text(phrase(lang, "reloaded", version=engine.index.version, passages=str(len(engine.index.passages))))


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: anonymous counters since start."""
    if not _is_admin(update, context):
        await update.effective_message.reply_text(phrase(_language(update, context), "not_admin"))
        return
    state = _state(context)
    lines = [f"index {state.engine.index.version}"] + [f"{key}: {value}" for key, value in sorted(state.stats.items())]
    await update.effective_message.reply_text("\n".join(lines))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error's class, place and update id (never text), and apologise to the learner."""
    error = context.error
    where = ""
    if error is not None and error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s%s", update_id, type(error).__name__, where)
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(error, NetworkError):
        try:
            await context.bot.send_message(update.effective_chat.id, phrase(_language(update, context), "sorry"))
        except TelegramError:
            pass


async def watch_index(state: BotState) -> None:
    """Reload whenever `telecentre build` points CURRENT at a new version (every few seconds)."""
    pointer = state.settings.index_dir / POINTER
    while True:
        await asyncio.sleep(state.settings.index_watch_seconds)
        try:
            version = pointer.read_text(encoding="utf-8").strip()
        except (OSError, ValueError):  # missing, unreadable or not text: keep serving
            continue
        if version and version != state.engine.index.version:
            try:
                engine = await state.reload()
                log.warning("now serving index %s", engine.index.version)
            except Exception as error:  # the old index keeps serving
                log.warning("new index %s not loaded (%s): still serving %s", version, type(error).__name__, state.engine.index.version)
                await asyncio.sleep(state.settings.index_watch_seconds * 5)


async def _start_watching(application: Application) -> None:
    state: BotState = application.bot_data["state"]
    if state.settings.index_watch_seconds > 0:
        application.bot_data["watcher"] = asyncio.create_task(watch_index(state))


async def _stop_watching(application: Application) -> None:
    watcher = application.bot_data.pop("watcher", None)
    if watcher is not None:
        watcher.cancel()


def file_url(api_url: str) -> str:
    """Telegram's file URL beside its API URL: …/bot → …/file/bot."""
    return re.sub(r"/bot$", "/file/bot", api_url.rstrip("/"))


def build_application(state: BotState) -> Application:
    """The PTB application with every handler, a flood-safe rate limiter and concurrent updates."""
    settings = state.settings
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    application = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .rate_limiter(AIORateLimiter(max_retries=5))
        .concurrent_updates(True)
        .post_init(_start_watching)
        .post_shutdown(_stop_watching)
        .build()
    )
    application.bot_data["state"] = state
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("privacy", privacy_command))
    application.add_handler(CommandHandler(["centres", "centers"], centres_command))
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CommandHandler("eligibility", eligibility_command))
    application.add_handler(CommandHandler("reload", reload_command))
    application.add_handler(CommandHandler("stats", stats_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGES & filters.TEXT & ~filters.COMMAND, on_text))
    # Only new messages: a shared live location sends an edit every few seconds for hours.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, on_location))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & (
                filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
                | filters.Document.ALL | filters.ANIMATION | filters.CONTACT
            ),
            on_unsupported,
        )
    )
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


async def check_telegram(settings: Settings) -> str:
    """Ask the Bot API who we are, retrying a few times; the bot's username, or a ServeError."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    bot = Bot(token, base_url=settings.telegram_api_url, base_file_url=file_url(settings.telegram_api_url))
    for attempt in range(settings.startup_retries + 1):
        try:
            async with bot:
                return bot.username
        except InvalidToken:
            raise ServeError("Telegram rejected the token: check TELECENTRE_TELEGRAM_TOKEN (from @BotFather)") from None
        except (NetworkError, RetryAfter) as error:
            if attempt == settings.startup_retries:
                host = urlparse(settings.telegram_api_url).netloc
                raise ServeError(
                    f"cannot reach the Bot API at {host} after {attempt + 1} attempts ({type(error).__name__}): "
                    "check the network or TELECENTRE_TELEGRAM_API_URL"
                ) from None
            await asyncio.sleep(min(2**attempt, 10))
        except TelegramError as error:
            raise ServeError(f"the Bot API refused to start the bot ({type(error).__name__}): check TELECENTRE_TELEGRAM_API_URL") from None
    raise AssertionError("unreachable")


class RedactToken(logging.Filter):
    """Defence in depth: whatever a library logs, the token never reaches the log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def run(settings: Settings, load_embedder: Callable[[], Embedder]) -> None:
    """Serve the bot until SIGINT/SIGTERM: long polling, or a webhook when one is configured.

    Settings are checked before `load_embedder` is called, so a missing token fails at once."""
    if settings.telegram_token is None:
        raise ServeError("TELECENTRE_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token there (see README)")
    if settings.webhook_url and settings.webhook_secret is None:
        raise ServeError("TELECENTRE_WEBHOOK_URL is set but TELECENTRE_WEBHOOK_SECRET is not: set it to a long random string")
    redact = RedactToken(settings.telegram_token.get_secret_value())
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    embedder = load_embedder()
    engine = Engine.from_settings(settings, embedder)  # refuses a missing or mismatched index first
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    username = loop.run_until_complete(check_telegram(settings))
    application = build_application(BotState(settings, embedder, engine))
    mode = "webhook" if settings.webhook_url else "long polling"
    log.warning("serving as @%s by %s with index %s", username, mode, engine.index.version)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=settings.startup_retries,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=settings.startup_retries)
