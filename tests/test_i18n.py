"""The French catalog is complete and consistent with the code, every French sentence gets
French spacing, and languages are chosen the documented way: the person's setting, then
Telegram's language code, then French."""

from __future__ import annotations

import string
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from meetings.wording.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    catalog_path,
    choose_language,
    translator,
)
from meetings.wording.typography import french_spacing

ROOT = Path(__file__).resolve().parent.parent
# Every package whose text a person may read; voting/ and config/ speak to developers only.
SOURCES = ("bot", "meetings")

Key = tuple[str | None, str | tuple[str, str]]
"""(context, message), the message being (singular, plural) for a plural form."""


@cache
def extracted() -> dict[Key, list[str]]:
    """Every message marked in the sources, with where it is used ("file:line")."""
    found: dict[Key, list[str]] = {}
    for source in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(str(ROOT / source)):
            if isinstance(message, tuple):
                singular, plural = message[0], message[1]
                if context is None and not isinstance(plural, str):
                    # pgettext(context, message) arrives as (context, message).
                    raise AssertionError(f"{filename}:{lineno}: unexpected {message!r}")
                key: Key = (context, (singular, plural))
            else:
                key = (context, message)
            found.setdefault(key, []).append(f"{source}/{filename}:{lineno}")
    return found


@cache
def french() -> Catalog:
    with catalog_path("fr").open("rb") as source:
        return read_po(source, locale="fr")


def key_of(message: Message) -> Key:
    identifier = message.id
    if isinstance(identifier, tuple | list):
        return (message.context, (str(identifier[0]), str(identifier[1])))
    return (message.context, str(identifier))


def french_entries() -> dict[Key, tuple[str, ...]]:
    entries: dict[Key, tuple[str, ...]] = {}
    for message in french():
        if not message.id:
            continue
        strings = message.string
        entries[key_of(message)] = (
            tuple(strings) if isinstance(strings, tuple | list) else (str(strings),)
        )
    return entries


def sources(key: Key) -> tuple[str, ...]:
    message = key[1]
    return message if isinstance(message, tuple) else (message,)


def placeholders(text: str) -> Counter[str]:
    return Counter(
        field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field
    )


def test_extraction_finds_the_messages() -> None:
    # Guard against an extraction that silently finds nothing (wrong path, wrong keywords).
    messages = extracted()
    assert len(messages) > 100
    assert (None, "Only a coordinator can do this.") in messages
    assert (None, "who you are for the bot") in messages  # marked with N_ in a table
    assert (None, ("{n} member", "{n} members")) in messages  # ngettext
    assert ("members", "present") in messages  # pgettext


def test_every_message_has_a_french_translation() -> None:
    entries = french_entries()
    missing = {
        key: where
        for key, where in extracted().items()
        if not all(text.strip() for text in entries.get(key, ("",)))
    }
    assert missing == {}


def test_translations_keep_exactly_the_placeholders() -> None:
    entries = french_entries()
    mismatched = {
        key: translated
        for key in extracted()
        if key in entries
        for translated in entries[key]
        if placeholders(translated) != placeholders(sources(key)[-1])
    }
    assert mismatched == {}


def test_no_obsolete_message_in_the_catalog() -> None:
    obsolete = set(french_entries()) - set(extracted())
    assert obsolete == set()
    assert dict(french().obsolete) == {}


def test_no_translation_is_fuzzy() -> None:
    # gettext ignores fuzzy entries: a fuzzy translation would silently show English.
    assert [m.id for m in french() if m.id and m.fuzzy] == []


def translate(key: Key, language: str) -> tuple[str, ...]:
    _ = translator(language)
    context, message = key
    if isinstance(message, tuple):
        return (_.ngettext(*message, 1), _.ngettext(*message, 2))
    if context is not None:
        return (_.pgettext(context, message),)
    return (_(message),)


def test_the_compiled_catalog_gives_every_translation_with_french_spacing() -> None:
    entries = french_entries()
    wrong = {
        key: translate(key, "fr")
        for key in extracted()
        if translate(key, "fr") != tuple(french_spacing(text) for text in entries[key])
    }
    assert wrong == {}


def test_no_french_sentence_breaks_before_double_punctuation() -> None:
    """French puts a non-breaking space before « : ; ? ! » and inside guillemets."""
    offenders = [
        text
        for key in extracted()
        for text in translate(key, "fr")
        if any(f" {mark}" in text for mark in ":;?!»") or "« " in text
    ]
    assert offenders == []


def test_numbers_keep_their_units() -> None:
    assert translator("fr").ngettext("{weight} vote", "{weight} votes", 2) == "{weight}\u00a0voix"
    assert translator("fr").ngettext("{n} clear day", "{n} clear days", 5) == (
        "{n}\u00a0jours francs"
    )


def test_english_is_the_language_of_the_code() -> None:
    assert {key: translate(key, "en") for key in extracted()} == {
        key: sources(key) if isinstance(key[1], tuple) else (key[1],) for key in extracted()
    }


def test_an_unknown_language_is_french() -> None:
    assert translator("de")("Only a coordinator can do this.") == (
        "Seul un coordonnateur peut faire cela."
    )
    assert translator("")("this help") == "cette aide"


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
