"""A programme's conditions in one line, in each language."""

from __future__ import annotations

from bot.conditions import conditions_line
from tests.support.helpers import programme_record


def test_conditions_in_one_line_per_language() -> None:
    programme = programme_record(
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
    young = programme_record(eligibility={"age_min": 18, "age_max": 25})
    assert conditions_line(young, "en") == "For people aged 18 to 25."
    assert conditions_line(programme_record(eligibility={"gender": "any"}), "en") is None
    assert conditions_line(programme_record(), "en") is None
