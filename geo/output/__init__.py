"""Output: everything a person sees or takes away: the web map (``maps.webmap``), print maps
(``maps.render``), reports (``reports``), pitch decks and one-pagers (``pitch``) and data exports
(``exports``), each carrying provenance.

May import every layer below (storage, ingest, analysis, text, model); never :mod:`geo.cli` or Streamlit.
"""
