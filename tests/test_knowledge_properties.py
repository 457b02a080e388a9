"""Property-based: the knowledge loader, fed arbitrary bytes or arbitrary YAML, reports problems
as file:line and never raises. Seeds are fixed (derandomize) and examples bounded, so CI is
repeatable and fast."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.knowledge import Knowledge, load_knowledge
from index.off_topic import OFF_TOPIC_FILE
from index.places_file import PLACES_FILE
from tests.support.helpers import OFF_TOPIC, SHIPPED_KNOWLEDGE

BOUNDED = settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.dates(min_value=dt.date(1900, 1, 1))
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=4),
    max_leaves=15,
)
SHIPPED_CENTRE = next((SHIPPED_KNOWLEDGE / "centres").glob("*.md"))


def _check(folder: str, name: str, content: bytes) -> None:
    """Write one file into a knowledge folder that has only the shipped places, load it, check
    what is reported (`folder` "" puts the file at the top, as places.yaml is)."""
    with tempfile.TemporaryDirectory(prefix="knowledge-") as tmp:
        root = Path(tmp)
        shutil.copy(SHIPPED_KNOWLEDGE / PLACES_FILE, root / PLACES_FILE)
        (root / OFF_TOPIC_FILE).write_text(OFF_TOPIC, encoding="utf-8")
        (root / folder).mkdir(exist_ok=True)
        path = root / folder / name
        path.write_bytes(content)
        _assert_reported_as_file_and_line(load_knowledge(root), path, content.count(b"\n") + 1)


def _assert_reported_as_file_and_line(knowledge: Knowledge, path: Path, lines: int) -> None:
    assert knowledge.problems or knowledge.documents, "neither loaded nor reported"
    if not knowledge.documents:
        assert knowledge.errors, "a file that was not loaded must come with an error"
    for problem in knowledge.problems:
        assert problem.path in (str(path), str(path.parent), str(path.parent.parent))
        assert 0 <= problem.line <= lines + 1, (str(problem), lines)
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")
        assert problem.message.strip()


@BOUNDED
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_reported_never_raised(content: bytes) -> None:
    _check("programmes", "anything.md", content)


@BOUNDED
@given(st.text(max_size=300))
def test_arbitrary_text_after_a_front_matter_fence(content: str) -> None:
    _check("faq", "anything.md", ("---\n" + content).encode("utf-8", "surrogatepass"))


@BOUNDED
@given(yaml_values, st.text(max_size=80))
def test_arbitrary_yaml_front_matter(data: object, body: str) -> None:
    front = yaml.safe_dump(data, allow_unicode=True)
    content = f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass")
    _check("centres", "anything.md", content)


@BOUNDED
@given(st.data())
def test_a_real_centre_with_one_field_replaced_by_arbitrary_yaml(data: st.DataObject) -> None:
    text = SHIPPED_CENTRE.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    record = yaml.safe_load(front)
    field = data.draw(st.sampled_from(sorted(record)), label="field")
    record[field] = data.draw(yaml_values, label="value")
    content = f"---\n{yaml.safe_dump(record, allow_unicode=True, sort_keys=False)}---\n{body}".encode("utf-8", "surrogatepass")
    _check("centres", SHIPPED_CENTRE.name, content)


@BOUNDED
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_places_are_reported_never_raised(content: bytes) -> None:
    _check("", PLACES_FILE, content)


@BOUNDED
@given(yaml_values)
def test_arbitrary_yaml_as_places_is_reported_never_raised(data: object) -> None:
    _check("", PLACES_FILE, yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass"))
