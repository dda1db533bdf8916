"""End-to-end: two app servers (two ``streamlit run`` processes) on one PostGIS database, in a real browser.

What a district office behind a reverse proxy sees: an edit saved through one replica is shown by the other on
its next reload, because every page cache is keyed on the database's own data version (``store.version()``).
"""

from __future__ import annotations

import pytest

from geo.text.i18n import t
from tests.helpers import require_browser, streamlit_process, wait_app_idle

pytestmark = pytest.mark.browser


def _projects_shown(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("overview.metric_projects", "vi"))
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(".", "").replace(",", ""))


def test_an_edit_through_one_replica_is_shown_by_the_other_after_a_reload(postgis_url, offline_browser, tmp_path):
    from geo.storage.postgis_store import PostgisStore

    require_browser()
    envs = [{"ATLAS_DATABASE_URL": postgis_url, "ATLAS_DATA_DIR": str(tmp_path / name)} for name in ("a", "b")]
    with streamlit_process(envs[0]) as (url_a, _), streamlit_process(envs[1]) as (url_b, _):
        page_a = offline_browser.page
        page_b = offline_browser.context.new_page()
        for page, url in ((page_a, url_a), (page_b, url_b)):
            page.goto(url + "/overview")
            wait_app_idle(page)
        n = _projects_shown(page_a)
        assert _projects_shown(page_b) == n  # both replicas show the one database

        # An office saves a change on the shared database (through the store, as the data page does): a deletion.
        store = PostgisStore(postgis_url)
        version = store.version()
        store.delete_project("TD-004", store.get_project("TD-004").revision, "Minh")
        assert store.version() != version

        for page in (page_b, page_a):  # replica B never saw the edit: its caches must follow the database
            page.reload()
            wait_app_idle(page)
            page.locator('[data-testid="stMetric"]').first.wait_for()
            assert _projects_shown(page) == n - 1
        assert not page_b.get_by_text("Traceback").count()
    assert offline_browser.blocked == [], offline_browser.blocked
