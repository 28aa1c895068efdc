"""The language snplan speaks: Swedish by default, English when the locale or `--lang` asks.

Messages are written in English in the code (the msgid, which `pybabel extract` collects into
`snplan.pot`) and translated through gettext catalogs shipped as package data
(`messages/sv/LC_MESSAGES/snplan.po`, compiled to `.mo` by `pybabel compile`). A committee's
users read Swedish, so Swedish is the default even where the locale says nothing (C, POSIX, an
unset LANG in CI); only a locale whose language is English, or `--lang en`, gives English.

This module imports only the standard library: every stage may ask it, and `snplan
--version` and the validation snapshot still come before anything heavy is imported.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

DOMAIN = "snplan"
DIRECTORY = Path(__file__).resolve().parent
LANGUAGES = ("sv", "en")
DEFAULT = "sv"
# The environment variables gettext reads, in its order of precedence.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_language = DEFAULT
_catalog: gettext.NullTranslations | None = None


def from_locale(environ: Mapping[str, str]) -> str:
    """The language the locale asks for: English when the first locale variable set names
    English (`en_GB.UTF-8`, `en`, `LANGUAGE=en:sv`), Swedish otherwise."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            first = value.split(":", 1)[0]
            code = first.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return "en" if code == "en" else DEFAULT
    return DEFAULT


def requested(arguments: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a command line: its `--lang X` (or `--lang=X`) when it names a
    language snplan has, else the locale's. Read before the commands' help is made, which
    needs the language before the command line is parsed."""
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        value = None
        if argument == "--lang" and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
        if value is not None and value.lower() in LANGUAGES:
            return value.lower()
    return from_locale(environ)


def use(language: str) -> None:
    """Speak `language` from now on (one of LANGUAGES)."""
    global _language, _catalog
    if language not in LANGUAGES:
        raise ValueError(language)
    if language != _language:
        _language, _catalog = language, None


def current() -> str:
    return _language


def _translations() -> gettext.NullTranslations:
    global _catalog
    if _catalog is None:
        if _language == "en":
            _catalog = gettext.NullTranslations()
        else:
            _catalog = gettext.translation(DOMAIN, DIRECTORY, languages=[_language],
                                           fallback=True)
    return _catalog


def _(message: str) -> str:
    """`message` in the language in use (the English text where the catalog lacks it, which
    a test forbids)."""
    return _translations().gettext(message)


def N_(message: str) -> str:
    """Marks a message kept in a constant for extraction; it is translated where it is used
    (the language may change after the constant was made)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` things (`1 fil`, `3 filer`)."""
    return _translations().ngettext(singular, plural, count)


use(from_locale(os.environ))
