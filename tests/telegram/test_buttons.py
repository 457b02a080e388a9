"""The button protocol: callback data within 64 bytes, decoded as encoded, one handler per action."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.telegram.app import BUTTON_HANDLERS
from bot.telegram.buttons import ARITY, Action, decode, encode, pattern, without_feedback


def test_callback_data_over_64_bytes_is_refused() -> None:
    assert InlineKeyboardButtonLimit.MAX_CALLBACK_DATA == 64
    assert encode(Action.FEEDBACK, "1", "x" * 59) == "fb:1:" + "x" * 59
    assert encode(Action.FEEDBACK, "1", "x" * 60) is None
    assert encode(Action.SHOW, "é" * 30) is None  # 5 + 60 bytes


@pytest.mark.parametrize("action", list(Action))
def test_every_action_decodes_as_encoded_and_routes_to_its_own_handler(action: Action) -> None:
    args = [f"a{n}" for n in range(ARITY[action] - 1)] + ["last:with#colon:en"]
    data = encode(action, *args)
    assert data is not None and decode(data) == (action, args)
    assert [other for other in Action if pattern(other).match(data)] == [action]
    assert action in BUTTON_HANDLERS


def test_data_this_version_never_wrote_is_not_decoded() -> None:
    assert decode(None) is None and decode("") is None and decode("nope:1") is None
    assert decode("fb:1") is None  # feedback needs a verdict and a passage
    with pytest.raises(ValueError):
        encode(Action.CHECK, "a", "1")
    with pytest.raises(ValueError):
        encode(Action.CHECK, "a:b", "1", "v", "t")


def test_feedback_row_is_removed() -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Map", url="https://example.org")],
            [InlineKeyboardButton("👍", callback_data="fb:1:a"), InlineKeyboardButton("👎", callback_data="fb:0:a")],
        ]
    )
    remaining = without_feedback(markup)
    assert remaining is not None and len(remaining.inline_keyboard) == 1
