"""Ingest: turning files into checked data: reading bundled layers, validation with file/row/column
problems, commune-name matching, project CSV/Excel import, layer import, donor files, ``atlas.toml``.

May import :mod:`geo.analysis`, :mod:`geo.text` and :mod:`geo.model`; never storage or output.
"""
