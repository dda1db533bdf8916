"""Model: the vocabulary every layer shares: schema (columns, enums, funding sources, statuses, DAC codes,
provenance), :class:`~geo.model.dataset.Dataset`, :class:`~geo.model.filters.Filters`,
:class:`~geo.model.donors.DonorProfile`, :class:`~geo.model.config.AtlasConfig` and the ``Lang`` /
``UnitVersion`` types.

May import the standard library, pandas/geopandas/pyproj and nothing else of ``geo``.
"""
