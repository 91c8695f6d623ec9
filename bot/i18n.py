"""The bot's words in French and English, through gettext catalogs.

Messages are written in English in the code and translated in
``bot/locale/<lang>/LC_MESSAGES/scrutin.po``. The catalogs are read with Babel
and compiled in memory at start, so no build step or binary file is needed.
French is the default: a person's own setting comes first, then Telegram's
``language_code``, then French.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "scrutin"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

Translate = Callable[[str], str]


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.NullTranslations:
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


def choose_language(setting: str | None, telegram_code: str | None) -> str:
    for candidate in (setting, telegram_code):
        if candidate:
            code = candidate.replace("-", "_").split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


def translator(language: str) -> Translate:
    """The ``_`` function for one language."""
    return _translations(language if language in LANGUAGES else DEFAULT_LANGUAGE).gettext


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message
