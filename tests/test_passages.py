"""Passage text: paragraphs wrapped for editing are joined, lists are kept."""

from __future__ import annotations

import pytest

from index.passages import unwrap


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at BeCentral since September\n2020. The facts are from 2021.", "at BeCentral since September 2020. The facts are from 2021."),
        ("funded for young people aged 18 to\n25. The ESF paid.", "funded for young people aged 18 to 25. The ESF paid."),
        ("Steps:\n1. Apply\n2. Come to the\ninterview\n3. Start", "Steps:\n1. Apply\n2. Come to the interview\n3. Start"),
        ("Bring:\n- your ID\n- a CV", "Bring:\n- your ID\n- a CV"),
        ("2. A list may start anywhere\n3. on its own", "2. A list may start anywhere\n3. on its own"),
        ("One paragraph.\n\nAnother\none.", "One paragraph.\n\nAnother one."),
    ],
)
def test_a_wrapped_line_that_starts_with_a_number_is_no_list_item(text: str, expected: str) -> None:
    assert unwrap(text) == expected
