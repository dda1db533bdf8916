"""Storage: the one interface pages, CLI and exports read and write through, and its implementations
(the embedded GeoPackage store; the shared PostGIS store; the bundled read-only folder).

May import :mod:`geo.ingest`, :mod:`geo.analysis`, :mod:`geo.text` and :mod:`geo.model`; never output or cli.
"""
