import pandas as pd
import pytest

from geo.ingest.validate import DataError, Problem, parse_int, validate_funding, validate_projects

GOOD = {"project_id": "P1", "name_vi": "Kênh mương", "name_en": "Canal", "description": "",
        "commune_code": "03424", "content_area": "1", "status": "proposal", "start_year": "2022",
        "end_year": "2024", "quality": "illustrative"}


def problems_for(**changes):
    row = {**GOOD, **changes}
    return validate_projects(pd.DataFrame([row]), "p.csv", ["03424"])


def test_good_row_has_no_problem():
    assert problems_for() == []


@pytest.mark.parametrize("field, value, column", [
    ("commune_code", "99999", "commune_code"),
    ("content_area", "11", "content_area"),
    ("content_area", "tea", "content_area"),
    ("status", "funded", "status"),
    ("start_year", "202", "start_year"),
    ("end_year", "2021", "end_year"),     # before start
    ("name_vi", "", "name_vi"),
    ("quality", "guess", "quality"),
])
def test_bad_values_name_row_and_column(field, value, column):
    probs = problems_for(**{field: value})
    assert [(p.row, p.column) for p in probs] == [(2, column)]
    assert "p.csv, row 2, column" in str(probs[0])


def test_duplicate_ids_and_missing_columns():
    df = pd.DataFrame([GOOD, GOOD])
    assert any("duplicate" in p.message for p in validate_projects(df, "p.csv", ["03424"]))
    assert [p.message for p in validate_projects(df.drop(columns=["status"]), "p.csv", [])] == ["missing column 'status'"]


def test_funding_amounts():
    df = pd.DataFrame({"project_id": ["P1"] * 3, "source": ["oda_grant", "bank", "ngo"],
                       "need": ["1.000.000", "5", "abc"], "committed": ["10", "0", "0"], "disbursed": ["20", "0", "0"]})
    got = {(p.row, p.column) for p in validate_funding(df, "f.csv")}
    assert got == {(2, "disbursed"), (3, "source"), (4, "need")}


@pytest.mark.parametrize("text, value", [("1.234.567", 1234567), ("1,234,567", 1234567), ("12", 12),
                                         ("12.0", 12), ("1.5", None), ("x", None), (3.0, 3)])
def test_parse_int(text, value):
    assert parse_int(text) == value


def test_data_error_lists_every_problem():
    err = DataError([Problem("a.csv", "bad", 3, "need"), Problem("a.csv", "worse")])
    assert str(err).splitlines() == ["a.csv, row 3, column 'need': bad", "a.csv: worse"]
