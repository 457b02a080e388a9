"""A programme's published conditions (who may join) as one line a learner reads at a glance.

The guided check that asks about them one at a time is bot/eligibility.py.
"""

from __future__ import annotations

from bot.i18n import phrase
from index.schema import Lang, Programme


def conditions_line(programme: Programme, lang: Lang) -> str | None:
    """The key conditions in one line: 'For women aged 45 and over, registered as job seekers with Actiris.'"""
    rules = programme.eligibility
    if rules is None:
        return None
    women = rules.gender == "women"
    parts = [phrase(lang, "cond_women" if women else ("cond_men" if rules.gender == "men" else "cond_people"))]
    if rules.age_min is not None and rules.age_max is not None:
        parts.append(phrase(lang, "cond_age_range", low=str(rules.age_min), high=str(rules.age_max)))
    elif rules.age_min is not None:
        parts.append(phrase(lang, "cond_age_min", low=str(rules.age_min)))
    elif rules.age_max is not None:
        parts.append(phrase(lang, "cond_age_max", high=str(rules.age_max)))
    if rules.jobseeker in ("required", "priority"):
        agencies = ", ".join(a.capitalize() if a != "vdab" else "VDAB" for a in rules.jobseeker_agency or [])
        key = "cond_jobseeker_women" if women else "cond_jobseeker"
        text = phrase(lang, key) + (f" ({agencies})" if agencies else "")
        parts.append(text if rules.jobseeker == "required" else phrase(lang, "cond_priority", who=text))
    if rules.residence == "brussels-region":
        parts.append(phrase(lang, "cond_brussels_women" if women else "cond_brussels"))
    if len(parts) == 1:
        return None if not women and rules.gender != "men" else parts[0] + "."
    return parts[0] + " " + ", ".join(parts[1:]) + "."
