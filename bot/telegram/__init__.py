"""The Telegram bot on python-telegram-bot v22.

`app` builds the application and wires the handlers; each feature has its own module:
`commands` (learner commands), `messages` (questions, places, locations), `callbacks` (one
handler per button action), `eligibility` (the guided check), `admin` (operators' commands,
errors, index watcher); `buttons` is the one button protocol, `send` the one way to send,
`context` the typed state every handler shares.
"""
