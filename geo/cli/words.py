"""Argparse's own words ("usage:", "options", "the following arguments are required", ...) in the CLI's language.

Argparse has no option for its language: it calls the module-level names ``argparse._`` (``gettext.gettext``)
and ``argparse.ngettext`` when it builds a parser (group titles, the ``-h`` help), formats help and reports an
error. The standard route, a compiled gettext catalogue for the process-wide ``messages`` domain, would be a
second catalogue beside :mod:`geo.text.i18n` and would change every other gettext user of the process. So
:func:`argparse_words` swaps those two names for look-ups in the one catalogue (keys ``cli.argparse.*``) for
the time of one :func:`geo.cli.main.main` call and puts the originals back after, even on ``SystemExit``.
A message argparse raises that is not in :data:`MESSAGES` (a programming error, never a user's) stays English.
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Callable, Iterator

from geo.text import i18n

#: Argparse's message id (its English text, ``%``-placeholders and all) → catalogue key. Each key's English
#: text is the message id itself, so English output is argparse's own (tests/test_cli_help.py checks both).
MESSAGES: dict[str, str] = {
    "usage: ": "cli.argparse.usage",
    "options": "cli.argparse.options",
    "positional arguments": "cli.argparse.positional",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ignored explicit argument %r": "cli.argparse.ignored_explicit",
    "can't open '%(filename)s': %(error)s": "cli.argparse.cant_open",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "cli.argparse.unknown_parser",
}

#: ``ngettext``'s (singular, plural) message ids → catalogue key of one text for both (Vietnamese nouns do not
#: inflect; the English text keeps argparse's two forms: ``…_one`` and ``…_other`` keys).
PLURALS: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "cli.argparse.expected_n",
}


def argparse_words(lang: str) -> contextlib.AbstractContextManager[None]:
    """While open, argparse writes its own words in ``lang`` (``"vi"`` or ``"en"``).

    >>> with argparse_words("vi"):
    ...     argparse.ArgumentParser(prog="atlas").format_usage()
    'cách dùng: atlas [-h]\\n'
    >>> argparse.ArgumentParser(prog="atlas").format_usage()
    'usage: atlas [-h]\\n'
    """
    return _swapped(_gettext(lang), _ngettext(lang))


#: Placeholder words that read the same in every language: units, formats and values typed as they are.
LITERAL_WORDS = frozenset({"N", "DPI", "VND", "YYYY", "MM", "DD", "all"})
_WORD = re.compile(r"[A-Za-z_]+")


def placeholder(action: argparse.Action) -> str | tuple[str, ...] | None:
    """The placeholder argparse shows for ``action`` (``FILE``, ``KEY[,KEY]``), None where it shows none (a
    flag, a list of choices, a group of sub-commands, whose words come from the catalogue already)."""
    if action.nargs == 0 or isinstance(action, argparse._SubParsersAction):
        return None
    if action.metavar is not None:
        return action.metavar
    if action.choices is not None:
        return None
    return action.dest.upper() if action.option_strings else action.dest


def localise_placeholders(parser: argparse.ArgumentParser, lang: str) -> None:
    """Shows the placeholders of ``parser`` and its sub-commands in ``lang``: ``--out TỆP_RA`` in Vietnamese.

    Each word of a placeholder has a key ``cli.metavar.<word in lower case>`` whose English text is the word
    in capitals, so English help stays argparse's own (a positional's lower-case name stays lower case in
    both languages); a word without a key is a bug (``KeyError``), never an English word on a Vietnamese page. The actions' ``dest`` is untouched: only what is shown changes.

    >>> p = argparse.ArgumentParser(prog="atlas")
    >>> _ = p.add_argument("--out")
    >>> localise_placeholders(p, "vi")
    >>> p.format_usage()
    'usage: atlas [-h] [--out TỆP_RA]\\n'
    """
    def word(m: re.Match[str]) -> str:
        if m[0] in LITERAL_WORDS:
            return m[0]
        text = i18n.t(f"cli.metavar.{m[0].lower()}", lang)
        return text.lower() if m[0].islower() else text

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser: once each
                localise_placeholders(sub, lang)
            continue
        shown = placeholder(action)
        if isinstance(shown, str):
            action.metavar = _WORD.sub(word, shown)
        elif shown is not None:
            action.metavar = tuple(_WORD.sub(word, part) for part in shown)


def _gettext(lang: str) -> Callable[[str], str]:
    def gettext(message: str) -> str:
        key = MESSAGES.get(message)
        return i18n.t(key, lang) if key else message
    return gettext


def _ngettext(lang: str) -> Callable[[str, str, int], str]:
    def ngettext(singular: str, plural: str, n: int) -> str:
        key = PLURALS.get((singular, plural))
        if key is None:
            return singular if n == 1 else plural
        return i18n.t(f"{key}_{'one' if n == 1 else 'other'}", lang)
    return ngettext


@contextlib.contextmanager
def _swapped(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
