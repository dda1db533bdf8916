"""Shared fixtures: the bundled dataset (and a copy with a hostile project name), tiny hand-made layers with
known answers, a page of the app in a language (AppTest), a real browser. Helpers live in tests/helpers.py."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.storage.store import BundledStore, Dataset
from tests.helpers import APP, bundled_dataset, hostile_bundle
from tests.stores import backend  # noqa: F401  (the fixture: one store per implementation)

# A Streamlit script served by tests/test_e2e_print.py, not a module of doctests: importing it would run the page.
collect_ignore = ["print_export_app.py"]


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns groups into node-id suffixes
def pytest_collection_modifyitems(config, items):
    """Under ``pytest -n`` (``--dist loadgroup``), a browser module runs on one worker, so its
    module-scoped server and warm-up start once; every other test is spread one by one."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(autouse=True, scope="session")
def _password_hashing_at_test_cost():
    """Accounts made by the tests are hashed with a 1 MiB argon2id instead of the product's 64 MiB, t=3, p=4
    (0.001 s instead of 0.23 s per hash, several hundred hashes per run). Argon2 hashes carry their own
    parameters, so app servers started by the tests verify them as cheaply. The product's parameters and the
    upgrade of a weaker hash on sign-in are tested in tests/test_password_cost.py."""
    from argon2 import PasswordHasher

    from geo.storage import accounts

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_HASHER", PasswordHasher(memory_cost=1024, time_cost=1, parallelism=1))
        yield


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


@pytest.fixture(scope="session")
def postgis_cluster():
    """A throwaway PostgreSQL + PostGIS server for this test process (tests/pg_cluster.py), stopped at the end.
    Skips when the server is not installed, fails instead with ATLAS_REQUIRE_POSTGIS=1 (CI)."""
    from tests import pg_cluster

    cluster = pg_cluster.start_cluster()
    yield cluster
    pg_cluster.remove(cluster)


@pytest.fixture
def postgis_url(postgis_cluster):
    """A fresh database holding the seeded store, private to the test (dropped after it)."""
    from geo.storage import postgis_store

    db = postgis_cluster.new_database()
    url = postgis_cluster.url(db)
    yield url
    postgis_store.dispose(url)
    postgis_cluster.drop_database(db)


@pytest.fixture
def store(atlas_data_dir):
    """The test's own store (what default_store() returns)."""
    from geo.storage.gpkg_store import open_default

    return open_default()


@pytest.fixture(scope="session")
def ds() -> Dataset:
    """The bundled dataset, loaded once per process (shared with helpers that need it)."""
    return bundled_dataset()


# --- a hostile project name (never in the shipped data) ----------------------------------------
@pytest.fixture(scope="session")
def hostile_bundle_dir(tmp_path_factory):
    """A copy of the bundled data folder with project TD-XSS, named ``tests.helpers.XSS``."""
    return hostile_bundle(tmp_path_factory.mktemp("atlas-hostile-bundle"))


@pytest.fixture(scope="session")
def hostile_ds(hostile_bundle_dir) -> Dataset:
    """The hostile bundle, loaded once."""
    return BundledStore(hostile_bundle_dir).load()


@pytest.fixture
def hostile_store(hostile_bundle_dir, atlas_data_dir, monkeypatch):
    """The test's store (and the app's, in AppTest) seeded from the hostile bundle via $ATLAS_BUNDLE_DIR."""
    from geo.storage.gpkg_store import STORE_FILE, open_default

    monkeypatch.setenv("ATLAS_BUNDLE_DIR", str(hostile_bundle_dir))
    (atlas_data_dir / STORE_FILE).unlink()  # seeded from the plain bundle; re-seed from the hostile one
    store = open_default()
    store.load()
    return store


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
        "status": ["committed", "proposal", "cancelled"],
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
    from tests.helpers import require_browser, streamlit_server

    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_app_url(tmp_path_factory, hostile_bundle_dir):
    """Like ``app_url``, but the store is seeded from the hostile bundle."""
    from tests.helpers import require_browser, streamlit_server

    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir), "ATLAS_BUNDLE_DIR": str(hostile_bundle_dir)}) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per browser module (starting one costs seconds); every test still gets its own
    context, so cookies, storage and sessions never carry from one test to the next."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def offline_browser(chromium):
    """A fresh Chromium context that may only reach loopback; see tests/helpers.py."""
    from tests.helpers import OfflineBrowser

    b = OfflineBrowser(chromium)
    try:
        yield b
    finally:
        b.close()


# --- accounts (issue 15) -----------------------------------------------------------------
@pytest.fixture
def signed_in(atlas_data_dir):
    """``signed_in(role="admin", communes=(), login=None, display_name="")``: an account in the test's store
    and the session state of a page signed in as it, for ``app_page(page, lang, **signed_in())``.

    Once a store has an account, the data page and every edit control need a sign-in; this is that sign-in
    (the sign-in page itself is tested through its form in tests/test_accounts_pages.py).
    """
    import time

    from geo.storage.accounts import new_session
    from geo.storage.store import default_store
    from tests.helpers import add_account

    def sign_in(role: str = "admin", communes: tuple[str, ...] = (), login: str | None = None,
                display_name: str = "") -> dict:
        store = default_store()
        name = login or f"{role.replace('_', '-')}1"
        rec = store.get_user(name) or add_account(store, name, role, communes, display_name=display_name)
        return {"auth": new_session(rec, time.time())}

    return sign_in


# --- Streamlit AppTest ------------------------------------------------------------------
@pytest.fixture(scope="session")
def app_page():
    """``app_page(page, lang, **state)``: app.py with ``page`` (e.g. "pages/map.py"; None = the start page)
    in language ``lang`` and extra session state, already run once; returns the AppTest.

    Session-scoped (it holds no state) so module-scoped page fixtures can use it too.
    """
    from streamlit.testing.v1 import AppTest

    def run(page: str | None = None, lang: str = "vi", *, timeout: float = 120, **state) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        at.session_state["lang"] = lang
        for key, value in state.items():
            at.session_state[key] = value
        if page:
            at.switch_page(page)
        return at.run()

    return run


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
