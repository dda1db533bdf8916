import math

import pytest

from geo.analysis.classify import NO_DATA_COLOR, PALETTES, classify


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_every_value_gets_a_class_and_top_value_the_darkest(scheme):
    values = [0, 5, 10, 50, 100, 200, 400, 800, 1600, 3200]
    c = classify(values, scheme=scheme, k=5)
    assert len(c.upper_bounds) == 5
    assert c.upper_bounds[-1] == 3200
    assert c.classes[values.index(3200)] == 4
    assert c.color_of(3200) == PALETTES["reds"][-1]
    assert c.classes == tuple(sorted(c.classes))  # monotone in value


def test_equal_interval_bounds_are_equal_steps():
    c = classify([0, 10, 30, 60, 100], scheme="equal_interval", k=4)
    assert c.upper_bounds == (25.0, 50.0, 75.0, 100.0)
    assert c.classes == (0, 0, 1, 2, 3)


def test_few_distinct_values_never_make_empty_classes():
    c = classify([0, 0, 0, 7], k=5)
    assert len(c.upper_bounds) == 2
    assert set(c.classes) == {0, 1}
    assert c.colors[-1] == PALETTES["reds"][-1]


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
