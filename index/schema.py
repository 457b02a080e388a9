"""The shape of the knowledge staff write: centres, programmes and FAQ entries.

Modelled loosely on Open Referral HSDS (organisation, service, location, schedule, eligibility,
languages) but flattened so that a non-programmer can edit a file in a text editor.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeGuard, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Lang = Literal["en", "fr", "nl"]
"""A language the bot answers in and the knowledge is written in."""

LANGUAGES: tuple[Lang, ...] = get_args(Lang)
"""Languages the bot answers in, in order of fallback."""


def is_lang(value: object) -> TypeGuard[Lang]:
    """Whether `value` is one of the bot's languages (e.g. a Telegram language_code already cut to two letters)."""
    return value in LANGUAGES


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = get_args(Day)

BRUSSELS_BOUNDS = ((50.76, 50.92), (4.24, 4.49))
"""(lat min, lat max), (lon min, lon max): a box around the Brussels-Capital Region."""

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9][0-9 ./()-]{5,}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_SOURCE_DATE = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_AS_OF = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-\d{4})?$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a valid id: use lower-case letters, digits and dashes, e.g. 'maks-open-studio'")
    return value


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not a web address: it must start with https:// (or http://) and contain no spaces")
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError(f"{value!r} is not a phone number: use digits, spaces and an optional leading +")
    return value


def _check_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f'{value!r} is not a time: write it as HH:MM in quotes, e.g. "09:00"')
    return value


def _check_language_code(value: str) -> str:
    if not _LANGUAGE_CODE.match(value):
        raise ValueError(f"{value!r} is not a language code: use two letters such as en, fr, nl, ar")
    return value


def _year_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) else value


def _check_as_of(value: str) -> str:
    if not _AS_OF.match(value):
        raise ValueError(
            f'{value!r} is not a date the answer can show in every language: write a year, a month, a date or two years in quotes, e.g. "2013", "2013-09", "2013-09-06" or "2013-2017"'
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Url = Annotated[str, AfterValidator(_check_url)]
Email = Annotated[str, AfterValidator(_check_email)]
Phone = Annotated[str, AfterValidator(_check_phone)]
Time = Annotated[str, AfterValidator(_check_time)]
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]
AsOf = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(_check_as_of)]
"""When an old fact held (`as_of`): the answer says "as of 2013" ("en 2013", "in 2013")."""


class Strict(BaseModel):
    """Base for every knowledge record: unknown fields are errors, text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class LocalText(Strict):
    """A text in one or more of the bot's languages; a plain string means the same in all."""

    en: str | None = None
    fr: str | None = None
    nl: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _same_everywhere(cls, value: object) -> object:
        if isinstance(value, str):
            return {lang: value for lang in LANGUAGES}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> LocalText:
        if not any(getattr(self, lang) for lang in LANGUAGES):
            raise ValueError("give the text in at least one language (en, fr or nl)")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, else in the first language that has it."""
        texts: dict[str, str | None] = {"en": self.en, "fr": self.fr, "nl": self.nl}
        own = texts.get(lang)
        if own:
            return own
        return next(text for other in LANGUAGES if (text := texts[other]))

    def has(self, lang: str) -> bool:
        return bool(getattr(self, lang, None))


class Source(Strict):
    url: Url
    date: str = Field(description="YYYY-MM-DD, YYYY-MM, YYYY or 'undated'")
    about: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_form(cls, value: object) -> object:
        if isinstance(value, (int, dt.date)):
            value = str(value) if isinstance(value, int) else value.isoformat()
        if isinstance(value, str) and value != "undated" and not _SOURCE_DATE.match(value):
            raise ValueError(f"{value!r} is not a date: write 2017-02-13, 2017-02, 2017 or undated")
        return value


class Address(Strict):
    street: LocalText | None = None
    postcode: str | None = None
    municipality: LocalText | None = None
    status: Literal["current", "unverified"] = "current"
    as_of: AsOf | None = None
    source: Url | None = None

    @field_validator("postcode", mode="before")
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        return _year_as_text(value)

    @field_validator("postcode")
    @classmethod
    def _belgian_postcode(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}", value):
            raise ValueError(f'{value!r} is not a Belgian postcode (four digits, e.g. "1070")')
        return value


class Location(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    precision: Literal["street", "landmark", "municipality"]
    landmark: str | None = None
    source: Url

    @model_validator(mode="after")
    def _landmark_named(self) -> Location:
        if self.precision == "landmark" and not self.landmark:
            raise ValueError("precision is 'landmark' but no 'landmark' is named")
        return self


class OpeningHours(Strict):
    days: list[Day] = Field(min_length=1)
    opens: Time
    closes: Time

    @model_validator(mode="after")
    def _opens_before_closes(self) -> OpeningHours:
        if self.opens >= self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")
        return self


class Closure(Strict):
    """Days a centre is closed although its hours say open: holidays, works, summer break."""

    start: dt.date
    end: dt.date
    note: LocalText | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class Session(Strict):
    """A dated information session or registration window of a programme."""

    kind: Literal["info-session", "registration"]
    date: dt.date
    end: dt.date | None = None
    time: Time | None = None
    place: LocalText | None = None
    source: Url

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.end is not None and self.end < self.date:
            raise ValueError(f"end ({self.end}) is before date ({self.date})")
        return self


class Record(Strict):
    """Fields every file has."""

    id: Id
    sources: list[Source] = Field(min_length=1)
    verified: dt.date


CentreKind = Literal["centre", "network", "outreach", "training", "for-groups"]
"""What a centre file describes: a walk-in place (`centre`), an umbrella of other centres
(`network`), help that comes to people with no fixed address (`outreach`), a training provider
(`training`), or an organisation that serves schools and associations, not individuals (`for-groups`)."""


class Site(Strict):
    """One more place of an organisation (a branch, a computer room), with its own source.

    The centre's own `address` and `location` stay its main place; sites add the others so that a
    learner near any of them finds the organisation."""

    id: Id
    name: LocalText
    address: Address | None = None
    location: Location | None = None
    hours: list[OpeningHours] | None = None
    hours_note: LocalText | None = None
    phone: Phone | None = None
    email: Email | None = None
    as_of: AsOf | None = None
    source: Url


class Centre(Record):
    kind: CentreKind = "centre"
    name: LocalText
    summary: LocalText
    website: Url | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    location: Location | None = None
    hours: list[OpeningHours] | None = None
    hours_note: LocalText | None = None
    closures: list[Closure] | None = None
    transport: LocalText | None = None
    languages: list[LanguageCode] | None = None
    accessibility: LocalText | None = None
    aliases: list[str] | None = None
    """Other names learners use for it ("Interface 3", "Bravvo"), found in questions like its name."""
    members: list[Id] | None = None
    """Ids of the centre files that belong to this network (networks only)."""
    sites: list[Site] | None = None

    @property
    def walk_in(self) -> bool:
        """A place a learner can simply walk into (the nearest-centre list shows only these)."""
        return self.kind == "centre"

    @property
    def for_groups_only(self) -> bool:
        """It serves schools and associations, never one learner on their own."""
        return self.kind == "for-groups"


class Eligibility(Strict):
    gender: Literal["any", "women", "men"] = "any"
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    jobseeker: Literal["required", "priority", "no"] | None = None
    jobseeker_agency: list[Literal["actiris", "vdab", "forem"]] | None = None
    residence: Literal["brussels-region", "any"] | None = None
    language_level: LocalText | None = None
    prerequisites: LocalText | None = None

    @model_validator(mode="after")
    def _age_range(self) -> Eligibility:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min ({self.age_min}) is above age_max ({self.age_max})")
        return self


class Programme(Record):
    centre: Id
    title: LocalText
    aliases: list[str] | None = None
    """Other names learners use for the programme, found in questions like its title."""
    summary: LocalText
    for_whom: LocalText
    eligibility: Eligibility | None = None
    instruction_languages: list[LanguageCode] | None = None
    duration: LocalText | None = None
    cost: LocalText | None = None
    certificate: LocalText | None = None
    how_to_apply: LocalText | None = None
    outcomes: LocalText | None = None
    sessions: list[Session] | None = None
    sites: list[Id] | None = None
    """Ids of the centre's `sites` where the programme runs (none: the centre's main place or unknown)."""
    as_of: AsOf | None = None


class Faq(Record):
    centre: Id | None = None
    programme: Id | None = None


RECORD_TYPES: dict[str, type[Record]] = {"centres": Centre, "programmes": Programme, "faq": Faq}
"""Which record each knowledge sub-folder holds."""
