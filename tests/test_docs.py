"""The operator-facing documents name every setting the code reads, with the same defaults."""

from __future__ import annotations

import re

from bot.settings import Settings
from tests.support.helpers import ROOT

SETTINGS = {f"TELECENTRE_{name.upper()}" for name in Settings.model_fields}


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*(TELECENTRE_[A-Z_]+)=", text, flags=re.MULTILINE))
    assert listed == SETTINGS, (sorted(SETTINGS - listed), sorted(listed - SETTINGS))


def test_readme_settings_table_names_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    for row in re.findall(r"^\| (`TELECENTRE_[^|]+)\|", table, flags=re.MULTILINE):
        first = re.findall(r"`(TELECENTRE_[A-Z_]+)`", row)
        named.update(first)
        prefix = first[0].rsplit("_", 1)[0] if first else ""
        named.update(f"{prefix}{suffix}" for suffix in re.findall(r"`(_[A-Z_]+)`", row))  # `TELECENTRE_WEBHOOK_URL`, `_SECRET`
    assert named == SETTINGS, (sorted(SETTINGS - named), sorted(named - SETTINGS))


def test_readme_defaults_match_the_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `TELECENTRE_FUSION`, `TELECENTRE_DENSE_WEIGHT` | `weighted`, `0.7` |" in readme
    assert Settings.model_fields["fusion"].default == "weighted" and Settings.model_fields["dense_weight"].default == 0.7
