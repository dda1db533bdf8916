"""Tam Đường Investment Atlas: the logic behind the app, the command line and every export.

Subpackages are layers; each may import only the ones below it (checked by import-linter, see
``pyproject.toml`` and ``docs/ARCHITECTURE.md``)::

    cli      the ``python -m geo`` commands
    output   web map, print maps, reports, pitch decks and one-pagers, data exports
    storage  the storage interface and its implementations (GeoPackage)
    ingest   reading files, validation, name matching, project and layer import
    analysis | text   figures (no words, no I/O)  |  the bilingual catalogue and formatters
    model    schema, Dataset, Filters, DonorProfile, AtlasConfig, Lang / UnitVersion

Streamlit is never imported here (only ``app.py`` and ``pages/``).
"""

__version__ = "0.2.0"
