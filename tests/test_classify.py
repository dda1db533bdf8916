import math

import pytest

from geo.analysis.classify import NO_DATA_COLOR, PALETTES, ZERO, ZERO_COLOR, classify


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_every_value_gets_a_class_and_top_value_the_darkest(scheme):
    values = [1, 5, 10, 50, 100, 200, 400, 800, 1600, 3200]
    c = classify(values, scheme=scheme, k=5)
    assert len(c.upper_bounds) == 5
    assert c.upper_bounds[-1] == 3200
    assert c.classes[values.index(3200)] == 4
    assert c.color_of(3200) == PALETTES["reds"][-1]
    assert c.classes == tuple(sorted(c.classes))  # monotone in value


def test_equal_interval_bounds_are_equal_steps():
    c = classify([1, 10, 30, 60, 100], scheme="equal_interval", k=4)
    assert c.upper_bounds == (25.75, 50.5, 75.25, 100.0)  # (100 − 1) / 4 steps from the smallest value above 0
    assert c.classes == (0, 0, 1, 2, 3)


def test_few_distinct_values_never_make_empty_classes():
    c = classify([0, 0, 0, 7], k=5)
    assert c.upper_bounds == (7.0,)
    assert set(c.classes) == {ZERO, 0}
    assert c.colors[-1] == PALETTES["reds"][-1]


def test_zero_is_a_class_of_its_own_not_the_bottom_of_a_range():
    # Filtered communes with no project: gap 0. They are "0", and the lowest range starts at the smallest gap.
    values = [0, 0, 0, 30e6, 450e6, 900e6, 1.2e9, 2e9, 3.1e9, 4e9, 5e9]
    c = classify(values, "quantiles", k=5)
    assert c.classes[:3] == (ZERO, ZERO, ZERO)
    assert c.color_of(0) == ZERO_COLOR and ZERO_COLOR not in c.colors
    rows = c.legend_classes()
    assert rows[0].kind == "zero"
    assert rows[1].kind == "range" and rows[1].lower == 30e6  # not 0
    assert all(r.kind != "no_data" for r in rows)


def test_few_distinct_values_make_one_class_per_value():
    # Tea: 0 ha in most communes, one commune with 800 ha → classes "0" and "800", never "0–800".
    c = classify([0, 0, 0, 800.4, 0, 0], "natural_breaks", k=5)
    assert [(r.kind, r.lower, r.upper) for r in c.legend_classes()] == [("zero", 0, 0), ("value", 800.4, 800.4)]
    c = classify([0, 1, 2, 2, 1, 3], "quantiles", k=5)  # reported events 0–3: one class per count
    assert c.exact and c.intervals() == [(1, 1), (2, 2), (3, 3)]
    assert [c.color_of(v) for v in (1, 2, 3)] == list(c.colors)


def test_only_zeros_and_missing_values():
    c = classify([0, math.nan, 0], k=5)
    assert [r.kind for r in c.legend_classes()] == ["zero", "no_data"]
    assert c.color_of(0) == ZERO_COLOR and c.color_of(math.nan) == NO_DATA_COLOR
    assert c.color_of(5) != NO_DATA_COLOR  # a value outside the classified set still gets a colour


def test_negative_values_keep_zero_inside_the_scheme():
    c = classify([-3, 0, 2, 5, 9, 12, 20, 40], "equal_interval", k=3)
    assert ZERO not in c.classes and not c.zero


def test_nan_is_no_data():
    c = classify([1.0, math.nan, 3.0], k=2)
    assert c.classes[1] == -1
    assert c.color_of(math.nan) == NO_DATA_COLOR


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scheme 'fisher'"):
        classify([1, 2], scheme="fisher")


def test_intervals_chain():
    c = classify([1, 2, 3, 4, 5, 6], scheme="equal_interval", k=3)
    ivs = c.intervals()
    assert ivs[0][0] == 1 and ivs[-1][1] == 6
    assert all(a[1] == b[0] for a, b in zip(ivs, ivs[1:]))


def test_screen_and_print_use_the_same_palette_per_indicator():
    from geo.analysis.indicators import INDICATORS
    from geo.output.maps import render, webmap

    for key in INDICATORS:
        assert webmap.INDICATOR_PALETTES[key] == render.palette_for(key) == INDICATORS[key].palette
        assert INDICATORS[key].palette in PALETTES
