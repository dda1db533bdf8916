"""What the user narrowed the view to (:class:`Filters`): content areas, sources, statuses, years, donors,
projects in a high landslide-risk zone.

Model layer: a frozen value, hashable so it can key a cache and travel in a URL. Applying it is
:func:`geo.analysis.funding.apply_filters`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to. Empty tuple / None means "all". Hashable (a cache key)."""

    content_areas: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    donors: tuple[str, ...] = ()
    include_cancelled: bool = False
    #: Only projects whose point lies in a high landslide-risk zone (:mod:`geo.analysis.exposure`).
    high_risk: bool = False
