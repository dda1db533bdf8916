"""Shared fixtures: the bundled dataset and tiny hand-made layers with known answers."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.storage.store import BundledStore, Dataset


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory):
    """A store seeded once per session from the bundled data; tests get copies."""
    from geo.storage.gpkg_store import STORE_FILE, GpkgStore

    path = tmp_path_factory.mktemp("atlas-template") / STORE_FILE
    store = GpkgStore(path)
    store.load()
    store.checkpoint()
    return path


@pytest.fixture(autouse=True)
def atlas_data_dir(tmp_path_factory, seeded_store_file, monkeypatch):
    """Every test gets its own store directory (ATLAS_DATA_DIR) with a fresh copy of the seeded store."""
    from geo.storage.gpkg_store import STORE_FILE

    d = tmp_path_factory.mktemp("atlas-data")
    shutil.copyfile(seeded_store_file, d / STORE_FILE)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(d))
    return d


@pytest.fixture
def store(atlas_data_dir):
    """The test's own store (what default_store() returns)."""
    from geo.storage.gpkg_store import open_default

    return open_default()


@pytest.fixture(scope="session")
def ds() -> Dataset:
    """The bundled dataset, loaded once."""
    return BundledStore().load()


@pytest.fixture
def tiny_communes() -> gpd.GeoDataFrame:
    """Two 1 km × 1 km communes side by side, in the metric CRS (100 ha each)."""
    return gpd.GeoDataFrame(
        {"code": ["00001", "00002"], "name": ["Một", "Hai"]},
        geometry=[box(500_000, 2_470_000, 501_000, 2_471_000), box(501_000, 2_470_000, 502_000, 2_471_000)],
        crs="EPSG:9205",
    )


@pytest.fixture
def tiny_projects() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three projects with known totals: see test_funding for the expected sums."""
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C"],
        "commune_code": ["00001", "00001", "00002"],
        "content_area": [1, 3, 3],
        "status": ["committed", "idea", "cancelled"],
        "start_year": [2021, 2023, 2022],
        "end_year": [2022, 2025, 2022],
        "donor": ["JICA", "", ""],
    })
    funding = pd.DataFrame({
        "project_id": ["A", "A", "B", "C"],
        "source": ["oda_grant", "state_budget", "ngo", "oda_grant"],
        "need": [1_000, 200, 500, 300],
        "committed": [600, 200, 0, 0],
        "disbursed": [100, 50, 0, 0],
    })
    return projects, funding


# --- real browser ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of the app served by ``streamlit run`` on a free port, with a throw-away data dir."""
    from tests.browser import require_browser, streamlit_server

    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url


@pytest.fixture
def offline_browser():
    """Headless Chromium that may only reach loopback; see tests/browser.py."""
    from playwright.sync_api import sync_playwright

    from tests.browser import OfflineBrowser, require_browser

    require_browser()
    with sync_playwright() as pw:
        b = OfflineBrowser(pw)
        try:
            yield b
        finally:
            b.close()


# --- Streamlit AppTest ------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _apptest_like_a_running_server(monkeypatch):
    """Make every AppTest run behave like a server after its first page load.

    AppTest re-detects the ``pages/`` folder before every run, so each run would be a server's
    very first one (old auto-navigation mode, which ``_shared.lang()`` leaves with a rerun that
    would drop the run's click). A real server flips the flag once per process; mirror that
    steady state here. The first-request path itself is tested in a real browser
    (tests/test_e2e_app.py).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
