"""The two parameters every layer passes around, as ``Literal`` types a type checker can hold us to.

``Lang`` is the reader's language (Vietnamese first, English for donors); ``UnitVersion`` is the
administrative map a figure is grouped by: the 13 communes of 2021–2025 or the units from 1 July 2025.
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["vi", "en"]
UnitVersion = Literal["2021", "2025"]

LANGS: tuple[Lang, ...] = get_args(Lang)
UNIT_VERSIONS: tuple[UnitVersion, ...] = get_args(UnitVersion)
