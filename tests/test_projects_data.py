"""Checks on the committed illustrative project pipeline (data/projects.csv, data/project_funding.csv)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # allow plain `pytest` without an installed package
    sys.path.insert(0, str(ROOT))

from geo.model.schema import (  # noqa: E402
    CODE_PATTERN,
    CONTENT_AREAS,
    FUNDING_COLUMNS,
    PROJECT_COLUMNS,
    PROJECT_REQUIRED,
    SOURCE_BY_KEY,
    STATUS_BY_KEY,
    Quality,
)
from tests.helpers import XSS, XSS_ID  # noqa: E402

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return pd.read_csv(DATA / "projects.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def funding() -> pd.DataFrame:
    df = pd.read_csv(DATA / "project_funding.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("need", "committed", "disbursed"):
        df[col] = df[col].astype("int64")
    return df


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return pd.read_csv(DATA / "units.csv", dtype=str)


def test_columns_match_schema(projects, funding):
    assert list(projects.columns) == list(PROJECT_COLUMNS)
    assert list(funding.columns) == list(FUNDING_COLUMNS)


def test_required_fields_present_and_ids_unique(projects):
    for col in PROJECT_REQUIRED:
        assert (projects[col].str.strip() != "").all(), col
    assert projects["project_id"].is_unique
    assert projects["project_id"].str.fullmatch(r"TD-\d{3}").all()


def test_project_count(projects):
    assert 48 <= len(projects) <= 60


def test_every_content_area_has_three_projects(projects):
    counts = projects["content_area"].astype(int).value_counts()
    for code in CONTENT_AREAS:
        assert counts.get(code, 0) >= 3, f"content area {code} has {counts.get(code, 0)} projects"
    assert set(counts.index) <= set(CONTENT_AREAS)


def test_every_commune_has_two_projects(projects, units):
    counts = projects["commune_code"].value_counts()
    for code in units["code"]:
        assert counts.get(code, 0) >= 2, f"commune {code} has {counts.get(code, 0)} projects"


def test_commune_codes_exist(projects, units):
    assert projects["commune_code"].str.fullmatch(CODE_PATTERN.pattern).all()
    assert set(projects["commune_code"]) <= set(units["code"])


def test_statuses_valid_and_all_present(projects):
    assert set(projects["status"]) <= set(STATUS_BY_KEY)
    # The illustrative pipeline predates the approval workflow's appraisal and rejection steps (issue 15): its
    # ideas and proposals are proposals now, nothing in it has been appraised or rejected.
    assert set(projects["status"]) == set(STATUS_BY_KEY) - {"appraised", "rejected"}


def test_sources_valid(funding):
    assert set(funding["source"]) <= set(SOURCE_BY_KEY)


def test_years_sane(projects):
    start = projects["start_year"].astype(int)
    end = projects["end_year"].astype(int)
    assert (start <= end).all()
    assert start.between(2021, 2027).all() and end.between(2021, 2027).all()


def test_quality_illustrative(projects):
    assert (projects["quality"] == Quality.ILLUSTRATIVE.value).all()


def test_text_is_nfc(projects):
    for col in ("name_vi", "name_en", "description", "lead_agency", "donor"):
        for value in projects[col]:
            assert unicodedata.normalize("NFC", value) == value, (col, value)


def test_donor_only_once_approved_for_pitching(projects):
    early = projects["status"].isin(["proposal"])
    assert (projects.loc[early, "donor"] == "").all()
    pitched_on = projects["status"].isin(["approved", "committed", "implementing", "completed"])
    assert (projects.loc[pitched_on, "donor"] != "").all()


def test_points_inside_district(projects):
    pts = projects[projects["lon"] != ""]
    assert 8 <= len(pts) <= 15
    assert (pts["lat"] != "").all()
    assert pts["lon"].astype(float).between(103.42, 103.78).all()
    assert pts["lat"].astype(float).between(22.17, 22.49).all()
    assert (projects.loc[projects["lon"] == "", "lat"] == "").all()


def test_funding_invariants(funding):
    assert (funding["disbursed"] >= 0).all()
    assert (funding["disbursed"] <= funding["committed"]).all()
    assert (funding["committed"] <= funding["need"]).all()
    assert (funding["need"] > 0).all()
    for col in ("need", "committed", "disbursed"):
        assert (funding[col] % 1_000_000 == 0).all(), f"{col} not rounded to millions"
    assert not funding.duplicated(["project_id", "source"]).any()


def test_funding_by_status(projects, funding):
    merged = funding.merge(projects[["project_id", "status"]], on="project_id", how="left", validate="many_to_one")
    assert merged["status"].notna().all(), "funding row for unknown project"
    assert set(projects["project_id"]) == set(funding["project_id"]), "project without funding"

    early = merged[merged["status"].isin(["proposal", "cancelled"])]
    assert (early["committed"] == 0).all() and (early["disbursed"] == 0).all()

    pitched = merged[merged["status"] == "approved"]
    assert (pitched["disbursed"] == 0).all()
    assert (pitched["committed"] == 0).mean() >= 0.5

    by_project = merged.groupby(["project_id", "status"])[["need", "committed", "disbursed"]].sum().reset_index()
    active = by_project[by_project["status"].isin(["committed", "implementing"])]
    assert (active["committed"] > 0).all()
    assert (active["disbursed"] < active["committed"]).all()

    done = by_project[by_project["status"] == "completed"]
    assert (done["disbursed"] >= 0.95 * done["committed"]).all()
    assert (done["committed"] >= 0.9 * done["need"]).all()


def test_projects_mix_international_and_counterpart(funding):
    groups = funding.assign(group=funding["source"].map(lambda k: SOURCE_BY_KEY[k].group))
    per_project = groups.groupby("project_id")["group"].agg(set)
    assert per_project.map(lambda g: "international" in g).all()
    assert per_project.map(lambda g: g == {"international", "counterpart"}).mean() >= 0.8


def test_hostile_name_only_in_the_test_fixture(projects, funding, ds, hostile_ds):
    """The HTML-named test project is never shipped (it would count in totals); tests add it themselves."""
    assert not projects["project_id"].str.contains("XSS").any() and not (funding["project_id"] == XSS_ID).any()
    for col in ("name_vi", "name_en", "description", "lead_agency"):
        assert not projects[col].str.contains("[<>]").any(), col
    # The fixture is the bundle plus exactly that row, read by the app's own loader.
    assert len(hostile_ds.projects) == len(ds.projects) + 1
    row = hostile_ds.projects[hostile_ds.projects["project_id"] == XSS_ID]
    assert len(row) == 1
    r = row.iloc[0]
    assert r["name_vi"] == XSS and r["name_en"] == XSS
    assert int(r["content_area"]) == 10 and r["status"] == "proposal"
    assert r["quality"] == Quality.ILLUSTRATIVE.value
    assert r["description"] == "Hàng kiểm thử: tên chứa HTML phải hiển thị như văn bản"
    assert (hostile_ds.funding["project_id"] == XSS_ID).sum() >= 1


def test_files_sorted_and_unix_newlines():
    for name, keys in (("projects.csv", ["project_id"]), ("project_funding.csv", ["project_id", "source"])):
        raw = (DATA / name).read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        df = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
        assert df.equals(df.sort_values(keys).reset_index(drop=True)), name


def test_rebuild_matches_committed():
    result = subprocess.run(
        [sys.executable, str(DATA / "build_projects.py"), "--check"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
