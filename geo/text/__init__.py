"""Text: the bilingual catalogue (:mod:`geo.text.i18n`) and the locale formatters (:mod:`geo.text.fmt`).

Imports nothing from ``geo`` but :mod:`geo.model`. Ingest, storage, output and the CLI use it to say
things in the reader's language (validation problems are worded where they are found); analysis may not
import it, so every figure is computed without words attached.
"""
