"""The words of each language, through one gettext catalog.

Messages are written in English in the code and translated in
``meetings/wording/locale/<lang>/LC_MESSAGES/scrutin.po``. The catalogs are read with Babel
and compiled in memory at start, so no build step or binary file is needed. French is the
default: a person's own setting comes first, then Telegram's ``language_code``, then French.

Every French translation goes through :func:`~meetings.wording.typography.french_spacing`,
so the catalog is written with ordinary spaces and the reader gets non-breaking ones.
"""

from __future__ import annotations

import gettext
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from meetings.wording.typography import french_spacing

DOMAIN = "scrutin"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    path = catalog_path(language)
    if not path.exists():
        # English is the language of the code: its messages need no catalog.
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _short(code: str | None) -> str | None:
    return code.replace("-", "_").split("_")[0].lower() if code else None


def language_of(code: str | None) -> str:
    """``fr``/``en`` from a locale such as ``fr_FR`` or Telegram's ``en-US``; else French."""
    short = _short(code)
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def choose_language(setting: str | None, client_code: str | None) -> str:
    """The person's own choice, else their app's language, else French."""
    for candidate in (setting, client_code):
        short = _short(candidate)
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


class Translator:
    """``_`` for one language: ``_("…")``, ``_.ngettext(…)``, ``_.pgettext(…)``."""

    def __init__(self, language: str) -> None:
        self.language = language_of(language)
        self._translations = _catalog(self.language)
        self._locale = Locale.parse(self.language)

    def _typeset(self, text: str) -> str:
        return french_spacing(text) if self.language == "fr" else text

    def __call__(self, message: str) -> str:
        return self._typeset(self._translations.gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        """A message whose translation depends on where it stands (``context``)."""
        return self._typeset(self._translations.pgettext(context, message))

    def ngettext(self, singular: str, plural: str, count: int | Decimal) -> str:
        """The singular or plural form, as this language's grammar agrees with ``count``.

        Decimals follow the CLDR rules: French says "1,5 voix exprimée", English
        "1.5 votes".
        """
        number = 1 if self._locale.plural_form(abs(Decimal(count))) == "one" else 2
        return self._typeset(self._translations.ngettext(singular, plural, number))


@cache
def translator(language: str) -> Translator:
    return Translator(language)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message
