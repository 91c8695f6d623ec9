"""The French catalog is complete and consistent with the code, and languages are chosen
the documented way: the person's setting, then Telegram's language code, then French."""

from __future__ import annotations

import string
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import bot
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog_path, choose_language, translator

BOT_DIR = Path(bot.__file__).parent
KEYWORDS = {"_": None, "N_": None}


@cache
def extracted() -> dict[str, list[str]]:
    """Every message marked in bot/, with where it is used ("file:line")."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(BOT_DIR), keywords=KEYWORDS
    ):
        assert isinstance(message, str), f"{filename}:{lineno}: plural forms are not used"
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@cache
def french() -> Catalog:
    with catalog_path("fr").open("rb") as source:
        return read_po(source, locale="fr")


def placeholders(text: str) -> Counter[str]:
    return Counter(
        field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field
    )


def french_entries() -> dict[str, str]:
    return {str(m.id): str(m.string) for m in french() if m.id}


def test_extraction_finds_the_messages() -> None:
    # Guard against an extraction that silently finds nothing (wrong path, wrong keywords).
    messages = extracted()
    assert len(messages) > 50
    assert "Only a coordinator can do this." in messages
    assert "Who you are for the bot" in messages  # marked with N_ in bot/app.py
    assert "This ballot does not exist." in messages  # N_ in a table, translated later


def test_every_message_has_a_french_translation() -> None:
    entries = french_entries()
    missing = {m: where for m, where in extracted().items() if not entries.get(m, "").strip()}
    assert missing == {}


def test_translations_keep_exactly_the_placeholders() -> None:
    entries = french_entries()
    mismatched = {
        message: (sorted(placeholders(message)), sorted(placeholders(entries[message])))
        for message in extracted()
        if message in entries and placeholders(message) != placeholders(entries[message])
    }
    assert mismatched == {}


def test_no_obsolete_message_in_the_catalog() -> None:
    obsolete = set(french_entries()) - set(extracted())
    assert obsolete == set()
    assert dict(french().obsolete) == {}


def test_no_translation_is_fuzzy() -> None:
    # gettext ignores fuzzy entries: a fuzzy translation would silently show English.
    assert [m.id for m in french() if m.id and m.fuzzy] == []


def test_the_compiled_catalog_gives_every_translation() -> None:
    _ = translator("fr")
    entries = french_entries()
    wrong = {m: _(m) for m in extracted() if _(m) != entries[m]}
    assert wrong == {}


def test_french_typography_before_double_punctuation() -> None:
    """French puts a space before « : ; ? ! » and inside guillemets."""
    offenders = []
    for message in extracted():
        translated = translator("fr")(message)
        for index, char in enumerate(translated):
            before = translated[index - 1] if index else " "
            if (
                char in ":;?!"
                and before not in " \u00a0\u202f"
                and not _not_punctuation(translated, index)
            ):
                offenders.append(translated)
                break
    assert offenders == []


def _not_punctuation(text: str, index: int) -> bool:
    # Times like 14:00, formats like HH:MM and URLs (https://) are not punctuation.
    following = text[index + 1 : index + 3]
    return following == "//" or (
        index + 1 < len(text) and (text[index + 1].isalnum() or text[index - 1].isupper())
    )


def test_english_is_the_language_of_the_code() -> None:
    _ = translator("en")
    assert {m: _(m) for m in extracted()} == {m: m for m in extracted()}


def test_an_unknown_language_is_french() -> None:
    assert translator("de")("Only a coordinator can do this.") == (
        "Seul un coordonnateur peut faire cela."
    )
    assert translator("")("Help") == "Aide"


def test_the_languages() -> None:
    assert LANGUAGES == ("fr", "en")
    assert DEFAULT_LANGUAGE == "fr"
    assert catalog_path("fr").exists()
    assert not catalog_path("en").exists()


@pytest.mark.parametrize(
    ("setting", "telegram_code", "expected"),
    [
        ("en", "fr", "en"),
        ("fr", "en", "fr"),
        (None, "en-GB", "en"),
        (None, "en_US", "en"),
        (None, "EN", "en"),
        (None, "fr-CA", "fr"),
        (None, "de", "fr"),
        (None, None, "fr"),
        ("", "", "fr"),
        ("", "en", "en"),
        # A setting the bot cannot honour gives way to the app's language.
        ("de", "en", "en"),
        ("xx", None, "fr"),
    ],
)
def test_choose_language(setting: str | None, telegram_code: str | None, expected: str) -> None:
    assert choose_language(setting, telegram_code) == expected
