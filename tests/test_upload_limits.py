"""Upload limits stated once and correctly (issue 18): the server's cap is the ingest limit, each uploader is
capped at the limit of what it reads and says so in the page's language."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from geo.ingest import imports, indicator_csv, layer_import, limits
from geo.ingest.validate import DataError
from geo.text.i18n import t
from tests.helpers import assert_bilingual

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_the_servers_upload_cap_is_the_largest_ingest_limit():
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] == limits.megabytes(limits.MAX_UPLOAD_BYTES)  # not Streamlit's 200 MB
    assert limits.MAX_UPLOAD_BYTES == max(imports.MAX_BYTES, layer_import.MAX_LAYER_BYTES)


def _uploaders(at):
    return {u.proto.label: u.proto for u in at.get("file_uploader")}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_uploader_states_its_own_limit_once(app_page, signed_in, lang):
    at = app_page("pages/data.py", lang, **signed_in())
    assert not at.exception
    ups = _uploaders(at)
    # The browser only enforces the server's cap; a table over 20 MB gets the app's own bilingual refusal
    # (tests/test_deploy.py uploads one through nginx), never Streamlit's English "File must be 20.0MB or smaller".
    assert {u.max_upload_size_mb for u in ups.values()} == {limits.megabytes(limits.MAX_UPLOAD_BYTES)}
    captions = [c.value for c in at.caption]
    table = t("common.upload_limit", lang, mb="20", types="CSV, TXT, XLSX")
    layer = t("common.upload_limit", lang, mb="50", types="GEOJSON, JSON, ZIP, GPKG, KML, KMZ, CSV")  # events come as CSV
    iati = t("common.upload_limit", lang, mb="50", types="XML")  # a donor's IATI activity file
    assert captions.count(table) == 1 and captions.count(layer) == 1 and captions.count(iati) == 1
    assert sum("MB" in c for c in captions) == 3  # the template help no longer repeats it


def test_the_priority_indicator_upload_states_the_table_limit(app_page):
    at = app_page("pages/funding.py", "vi")
    assert not at.exception
    assert [u for u in _uploaders(at).values() if u.label == t("priority.extra_upload", "vi")]
    assert t("common.upload_limit", "vi", mb="20", types="CSV") in [c.value for c in at.caption]


def test_an_oversized_indicator_csv_is_refused_before_it_is_read():
    data = "xã,giá trị\n".encode() + "Bản Bo,1\n".encode() * (limits.MAX_TABLE_BYTES // 9 + 1)
    with pytest.raises(DataError) as err:
        indicator_csv.read_indicator_csv(data, "lon.csv")
    (p,) = err.value.problems
    assert p.key == "err.file_too_big_split" and p.file == "lon.csv"
    assert_bilingual(err.value.problems)
    assert "20 MB" in p.text("vi")
