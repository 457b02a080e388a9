"""The staff console: a small web app, served on the bot's own event loop, for the people who
keep the knowledge up to date (what the bot could not answer, how it answers, what is stale) and
for operators (/healthz, /metrics).

`build_console_app` returns a Starlette app; `make_server` wraps it in uvicorn, following
python-telegram-bot's custom-webhook example, so `telecentre serve` can add its webhook route and
run both in one process.
"""

from bot.staff.app import build_console_app, make_server

__all__ = ["build_console_app", "make_server"]
