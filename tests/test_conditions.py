"""A programme's conditions in one line, in each language."""

from __future__ import annotations

from bot.conditions import conditions_line
from index.schema import Programme


def _programme(**fields: object) -> Programme:
    base: dict = {
        "id": "x-p",
        "centre": "x",
        "title": "P",
        "summary": "s",
        "for_whom": "f",
        "verified": "2026-11-01",
        "sources": [{"url": "https://x.example.org", "date": "undated"}],
    }
    base.update(fields)
    return Programme.model_validate(base)


def test_conditions_in_one_line_per_language() -> None:
    programme = _programme(
        eligibility={
            "gender": "women",
            "age_min": 45,
            "jobseeker": "required",
            "jobseeker_agency": ["actiris"],
            "residence": "brussels-region",
        }
    )
    assert (
        conditions_line(programme, "en")
        == "For women aged 45 and over, registered as job seekers (Actiris), living in the Brussels Region."
    )
    assert (
        conditions_line(programme, "fr")
        == "Pour les femmes de 45 ans et plus, inscrites comme demandeuses d'emploi (Actiris), domiciliées en Région bruxelloise."
    )
    assert conditions_line(programme, "nl").startswith("Voor vrouwen van 45 jaar of ouder, ingeschreven als werkzoekende (Actiris)")
    young = _programme(eligibility={"age_min": 18, "age_max": 25})
    assert conditions_line(young, "en") == "For people aged 18 to 25."
    assert conditions_line(_programme(eligibility={"gender": "any"}), "en") is None
    assert conditions_line(_programme(), "en") is None
