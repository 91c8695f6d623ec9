"""Numbers, weights, dates and names as people write them, through Babel.

"4,5 voix", "1 membre", "5 jours francs", "mardi 1er décembre 2026 à 14 h 00": every number
and date a person reads goes through here, in French or English. Weights stay
:class:`~decimal.Decimal`; this module only turns them into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from config.models import GovernanceLookupError, Groupement
from meetings.schedule import Quarter
from meetings.wording.i18n import language_of, translator
from meetings.wording.typography import NBSP

PARIS = ZoneInfo("Europe/Paris")

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_DAY = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}
_TIME = {"fr": f"H'{NBSP}h{NBSP}'mm", "en": "HH:mm"}
_AT = {"fr": " 'à' ", "en": " 'at' "}
_CENT = Decimal("0.01")


def _locale(language: str) -> str:
    return _LOCALES[language_of(language)]


# --- numbers -----------------------------------------------------------------------------


def weight(amount: Decimal | int, language: str = "fr") -> str:
    """A weight as people write it: ``4,5`` in French, ``4.5`` in English.

    Display only: a threshold such as 2/3 of 16 shows two decimals at most.
    """
    value = Decimal(amount)
    if value != value.quantize(_CENT, rounding=ROUND_HALF_EVEN):
        value = value.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return format_decimal(value, locale=_locale(language), decimal_quantization=False)


def voices(amount: Decimal | int, language: str = "fr") -> str:
    """``4,5 voix``, ``1 vote``, ``4.5 votes``."""
    _ = translator(language)
    return _.ngettext("{weight} vote", "{weight} votes", amount).format(
        weight=weight(amount, language)
    )


def percent(share: Fraction, language: str = "fr") -> str:
    """An exact share as a percentage rounded to one decimal, for display only: ``44,4 %``."""
    tenths = round(share * 1000)  # half to even, as the weights are shown
    locale = Locale.parse(_locale(language))
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return format_percent(Decimal(tenths).scaleb(-3), format=pattern, locale=locale)


def members(count: int, language: str = "fr") -> str:
    """``0 membre``, ``1 membre``, ``2 membres``: French keeps 0 and 1 singular."""
    _ = translator(language)
    return _.ngettext("{n} member", "{n} members", count).format(n=count)


def clear_days(count: int, language: str = "fr") -> str:
    """``1 jour franc``, ``5 jours francs``."""
    _ = translator(language)
    return _.ngettext("{n} clear day", "{n} clear days", count).format(n=count)


# --- dates and times --------------------------------------------------------------------


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: times must carry a time zone")


def _day_pattern(local_day: date, language: str) -> str:
    pattern = _DAY[language]
    if language == "fr" and local_day.day == 1:
        # French writes the first of the month as an ordinal: "mardi 1er décembre".
        pattern = pattern.replace("d MMMM", "d'er' MMMM")
    return pattern


def day(moment: datetime, language: str = "fr", zone: ZoneInfo = PARIS) -> str:
    """``mardi 15 décembre 2026``, the wall-clock day of ``moment`` in ``zone``."""
    _aware(moment)
    lang = language_of(language)
    local = moment.astimezone(zone)
    return format_datetime(local, _day_pattern(local.date(), lang), locale=_locale(lang))


def clock(moment: datetime, language: str = "fr", zone: ZoneInfo = PARIS) -> str:
    """``14 h 00`` (``14:00`` in English)."""
    _aware(moment)
    lang = language_of(language)
    return format_datetime(moment.astimezone(zone), _TIME[lang], locale=_locale(lang))


def moment(value: datetime, language: str = "fr", zone: ZoneInfo = PARIS) -> str:
    """``mardi 15 décembre 2026 à 14 h 00``."""
    _aware(value)
    lang = language_of(language)
    local = value.astimezone(zone)
    pattern = _day_pattern(local.date(), lang) + _AT[lang] + _TIME[lang]
    return format_datetime(local, pattern, locale=_locale(lang))


def long_date(value: date, language: str = "fr") -> str:
    """``1er décembre 2026``, ``15 décembre 2026``."""
    lang = language_of(language)
    pattern = _day_pattern(value, lang).replace("EEEE ", "")
    return format_date(value, pattern, locale=_locale(lang))


def short_date(value: date, language: str = "fr") -> str:
    """``09/12/2026``: how a date is typed back in a command."""
    return value.strftime("%d/%m/%Y")


def example_time(value: datetime, zone: ZoneInfo = PARIS) -> str:
    """``15/12/2026 18:00``: an example of what to type, on the day of ``value``."""
    return f"{short_date(value.astimezone(zone).date())} 18:00"


def quarter(period: Quarter, language: str = "fr") -> str:
    """``1er trimestre 2027``, ``2e trimestre 2027``; ``Q1 2027`` in English."""
    _ = translator(language)
    labels = {
        1: _("Q1 {year}"),
        2: _("Q2 {year}"),
        3: _("Q3 {year}"),
        4: _("Q4 {year}"),
    }
    return labels[period.number].format(year=period.year)


# --- text --------------------------------------------------------------------------------


def capitalized(text: str) -> str:
    """The first letter in capital, the rest as it is ("Procès-verbal (PDF)", "Tuesday 15
    December"): ``str.capitalize`` would lower the rest."""
    return text[:1].upper() + text[1:]


def quoted(text: str, language: str = "fr") -> str:
    """« text » in French, “text” in English."""
    _ = translator(language)
    return _("“{text}”").format(text=text.strip())


@dataclass(frozen=True)
class Name:
    """A member's name and its article, so that French reads "donne pouvoir au Département".

    In a template, ``{holder}`` gives the bare name, ``{holder:le}`` the name with its
    article, ``{holder:Le}`` the same at the start of a sentence, ``{holder:à}`` and
    ``{holder:de}`` the name after "à" and "de", contracted as French requires (au, du,
    aux, des). A name without an article stays bare after its preposition.
    """

    text: str
    article: str | None = None

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        if not spec:
            return self.text
        preposition = spec.lower()
        if preposition not in ("le", "à", "de"):
            raise ValueError(f"unknown name form {spec!r}; use le, à or de")
        article = self.article
        if article is None:
            joined = self.text if preposition == "le" else f"{preposition} {self.text}"
        elif preposition == "le":
            joined = _with_article(article, self.text)
        else:
            joined = _contract(preposition, article, self.text)
        return joined[0].upper() + joined[1:] if spec[0].isupper() else joined


def _with_article(article: str, text: str) -> str:
    return f"{article}{text}" if article.endswith("'") else f"{article} {text}"


_CONTRACTIONS = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def _contract(preposition: str, article: str, text: str) -> str:
    contracted = _CONTRACTIONS.get((preposition, article))
    if contracted is not None:
        return f"{contracted} {text}"
    return f"{preposition} {_with_article(article, text)}"


def name_of(groupement: Groupement, participant_id: str) -> Name:
    """The name of a member or advisory participant, with its article from the configuration.

    A participant since removed from the configuration is shown by its id, so that old
    records still read.
    """
    try:
        participant = groupement.participant(participant_id)
    except GovernanceLookupError:
        return Name(participant_id)
    return Name(participant.name, participant.article)
