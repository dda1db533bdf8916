"""Analysis: pure arithmetic and spatial joins: funding totals and gaps, counterpart funds, priority
scores, donor matching, joins and aggregation, indicators, the 1 July 2025 unit reform, class breaks.

May import :mod:`geo.model` only: no text catalogue (figures carry no words), no storage, no file I/O.
"""
