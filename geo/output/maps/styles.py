"""Colours shared by the web map and the print maps, so a status reads the same on screen and on paper.

>>> from geo.model import schema
>>> list(STATUS_COLORS) == [s.key for s in schema.STATUSES]
True
"""

from __future__ import annotations

from geo.model import schema

#: Marker colour per project status (rejected and cancelled greys; pipeline light → implemented dark).
STATUS_COLORS: dict[str, str] = dict(zip(
    [s.key for s in schema.STATUSES],
    ("#fdb863", "#e08214", "#b35806", "#5e3c99", "#2166ac", "#1b7837", "#595959", "#8c8c8c"), strict=True,
))
