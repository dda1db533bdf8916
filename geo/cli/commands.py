"""Every sub-command of ``atlas`` / ``python -m geo``: which module of :mod:`geo.cli` registers it, and its
help texts from the catalogue. Standard library and :mod:`geo.text.i18n` only, so ``atlas --help`` lists the commands without importing pandas,
GeoPandas or matplotlib; :mod:`geo.cli.main` imports a command's module only when that command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from geo.text import i18n

#: Sub-command → the module in ``geo.cli`` whose ``register(subparsers, lang)`` adds it, in help order. Its
#: help line is the catalogue's ``cli.help.<command>`` (:func:`help_of`).
COMMANDS: dict[str, str] = {
    "info": "info",
    "indicators": "info",
    "units": "units",
    "import-projects": "data",
    "import-layer": "data",
    "import-money": "data",
    "import-iati": "data",
    "template": "data",
    "export": "data",
    "import-dem": "terrain",
    "import-basemap": "terrain",
    "export-map": "maps",
    "atlas": "maps",
    "report": "report",
    "report-period": "report",
    "donors": "pitch",
    "pitch": "pitch",
    "users": "users",
    "audit": "users",
    "store": "store",
    "serve": "serve",
}


def help_of(command: str, lang: str) -> str:
    """The help line of ``command`` in ``lang`` (the list and the command itself say the same)."""
    return i18n.t(f"cli.help.{command}", lang)


def option_help(command: str, lang: str) -> Callable[..., str]:
    """``h(option, **values)``: the help of ``command``'s ``option`` in ``lang`` (``cli.help.<command>.<option>``).

    >>> option_help("units", "vi")("out")
    'tệp GeoJSON để ghi (mặc định: đầu ra chuẩn)'
    """
    return lambda option, **values: i18n.t(f"cli.help.{command}.{option}", lang, **values)


def add_provenance(p: argparse.ArgumentParser, lang: str, source_key: str = "cli.help.common.source") -> None:
    """The provenance a layer import requires (``--source``, ``--licence``, ``--date``, ``--quality``) and the
    optional ``--method``: one wording for every command that stores a layer."""
    h = option_help("common", lang)
    p.add_argument("--source", help=i18n.t(source_key, lang))
    p.add_argument("--licence", help=h("licence"))
    p.add_argument("--date", help=h("date"))
    p.add_argument("--quality", choices=["official", "approximate", "illustrative"], help=h("quality"))
    p.add_argument("--method", help=h("method"))
