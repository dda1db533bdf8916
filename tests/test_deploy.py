"""The shared-server deployment (issue 20): ``deploy/serve`` runs a real nginx in front of two app processes on
loopback, and a browser and plain HTTP check what a user behind it gets: compressed and cached bundles, a
working websocket (the page reacts to a click), each browser kept on one process, uploads up to the app's own
limit reaching the app and larger ones refused with a sentence in both languages, HTTPS, and a clean stop.

Skipped without nginx locally; a failure in CI (ATLAS_REQUIRE_NGINX=1)."""

from __future__ import annotations

import gzip
import http.client
import os
import re

import pytest

from geo.cli.serve import upload_limit_mb
from geo.ingest import imports
from geo.text.i18n import t
from tests.helpers import (
    MAP_FRAME,
    MAP_READY,
    OfflineBrowser,
    add_account,
    browser_sign_in,
    deployment,
    http_get,
    node_cookies,
    port_open,
    require_browser,
    wait_app_idle,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory, request):
    """deploy/serve with two app processes on a store with an administrator; each process has had one session
    (Streamlit's first run of a server drops that session's first widget change, see test_e2e_map)."""
    from geo.storage.gpkg_store import STORE_FILE, GpkgStore

    data_dir = tmp_path_factory.mktemp("atlas-deploy")
    store = GpkgStore(data_dir / STORE_FILE)
    add_account(store, "admin1")
    store.checkpoint()
    with deployment(env={"ATLAS_DATA_DIR": str(data_dir)}, processes=2) as dep:
        cookies = node_cookies(dep)
        assert len(cookies) == 2, cookies  # nginx spreads browsers over both processes
        if require_browser_quietly():
            chromium = request.getfixturevalue("chromium")  # the module's one browser (tests/conftest.py)
            for value in cookies.values():
                b = OfflineBrowser(chromium)
                try:
                    b.context.add_cookies([{"name": "atlas_node", "value": value, "url": dep.url}])
                    b.page.goto(dep.url)
                    wait_app_idle(b.page)
                finally:
                    b.close()
        yield dep, cookies


def require_browser_quietly() -> bool:
    try:
        require_browser()
    except pytest.skip.Exception:
        return False
    return True


def first_bundle(url: str) -> str:
    _, _, body = http_get(url + "/", {"Accept-Encoding": "identity"})
    return re.search(r'src="\./(static/js/index\.[^"]+\.js)"', body.decode()).group(1)


def test_bundles_are_sent_compressed_and_cached_for_a_year(served):
    dep, _ = served
    bundle = first_bundle(dep.url)
    status, headers, body = http_get(f"{dep.url}/{bundle}", {"Accept-Encoding": "gzip"})
    _, _, plain = http_get(f"http://127.0.0.1:{dep.app_ports[0]}/{bundle}")  # the app itself, uncompressed
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain  # the same script, in well under half the bytes
    assert len(body) < len(plain) / 2
    cache = headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache
    # The page itself is compressed too, and never cached (it names the bundles of the running version).
    _, headers, body = http_get(dep.url + "/", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and b"static/js/index." in gzip.decompress(body)
    assert "no-cache" in headers["Cache-Control"]


def test_pages_are_sent_with_brotli_when_nginx_has_it(served):
    """Debian's brotli modules compress a little better than gzip: the proxied text per response, the bundles
    once, when the cache of bundles is built (the ``brotli`` command)."""
    from geo.cli.serve import brotli_available, brotli_static_available

    if not (brotli_available() and brotli_static_available()):
        if os.environ.get("ATLAS_REQUIRE_NGINX") == "1":
            pytest.fail("brotli for nginx is missing; CI installs libnginx-mod-http-brotli-filter, "
                        "libnginx-mod-http-brotli-static and brotli")
        pytest.skip("libnginx-mod-http-brotli-filter, libnginx-mod-http-brotli-static or brotli not installed")
    dep, _ = served
    _, headers, _ = http_get(dep.url + "/_stcore/host-config", {"Accept-Encoding": "br, gzip"})
    assert headers["Content-Encoding"] == "br"
    bundle = first_bundle(dep.url)
    _, headers, br = http_get(f"{dep.url}/{bundle}", {"Accept-Encoding": "br, gzip"})
    _, _, gz = http_get(f"{dep.url}/{bundle}", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "br" and "immutable" in headers["Cache-Control"]
    assert len(br) < len(gz)


def test_an_upload_over_the_limit_is_refused_in_both_languages(served):
    dep, _ = served
    limit = upload_limit_mb()
    conn = http.client.HTTPConnection("127.0.0.1", dep.port, timeout=30)
    conn.putrequest("PUT", "/_stcore/upload_file/session/file")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str((limit + 2) * 2**20))
    conn.endheaders()  # nginx answers from the declared length, before a byte of the file is sent
    r = conn.getresponse()
    page = r.read().decode()
    conn.close()
    assert r.status == 413
    assert t("serve.too_large", "vi", limit=limit) in page and t("serve.too_large", "en", limit=limit) in page


@pytest.mark.browser
def test_the_map_loads_through_nginx_and_a_click_shows_the_commune(served, offline_browser):
    dep, _ = served
    page = offline_browser.page
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(dep.url)
    wait_app_idle(page)
    page.locator(MAP_FRAME).wait_for()
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(MAP_READY)
    communes = page.frame_locator(MAP_FRAME).locator("path.td-commune")
    assert communes.count() == 13
    # The websocket runs through nginx both ways: a click reaches the app and its answer reaches the page.
    communes.nth(0).click(force=True)  # 03390, Thị trấn Tam Đường
    page.get_by_role("heading", name="Thị trấn Tam Đường").wait_for()
    assert sockets and all(u.startswith(dep.url.replace("http", "ws") + "/_stcore/stream") for u in sockets)
    assert offline_browser.blocked == [], offline_browser.blocked


@pytest.mark.browser
def test_each_browser_stays_on_one_process(served, chromium):
    """Two people: each one's page, bundles, health checks and widget runs are answered by one process, and
    they are not the same process."""
    dep, cookies = served
    seen: list[set[str]] = []
    for _ in range(2):
        b = OfflineBrowser(chromium)
        try:
            b.context.add_cookies([{"name": "atlas_node", "value": cookies[sorted(cookies)[len(seen)]],
                                    "url": dep.url}])
            answered: set[str] = set()
            b.page.on("response", lambda r, a=answered: a.add(r.headers.get("x-atlas-process") or "")
                      if r.url.startswith(dep.url) and "/static/" not in r.url else None)
            b.page.goto(dep.url)
            wait_app_idle(b.page)
            b.page.get_by_role("link", name="Tổng quan").first.click()  # a page change: a script run
            wait_app_idle(b.page)
            seen.append(answered - {""})
        finally:
            b.close()
    assert all(len(s) == 1 for s in seen), seen
    assert seen[0] != seen[1], seen
    # A first visit without the cookie gets one, and the following requests stay where it was sent.
    _, headers, _ = http_get(dep.url + "/")
    value = re.match(r"atlas_node=([^;]+)", headers["Set-Cookie"]).group(1)
    first = headers["X-Atlas-Process"]
    for _ in range(5):
        _, h, _ = http_get(dep.url + "/_stcore/health", {"Cookie": f"atlas_node={value}"})
        assert h["X-Atlas-Process"] == first


@pytest.mark.browser
def test_an_upload_under_the_app_limit_reaches_the_app(served, offline_browser, tmp_path):
    """nginx lets a file through up to the app's largest limit, so the app itself says why a 21 MB project
    table is refused (nginx's default would have cut it at 1 MB with a bare error)."""
    dep, _ = served
    big = tmp_path / "du_an.csv"
    big.write_bytes(b"a" * (imports.MAX_BYTES + 2**20))
    page = offline_browser.page
    browser_sign_in(page, dep.url)
    page.locator('.st-key-atlas_nav').get_by_text("Quản lý dữ liệu").click()
    wait_app_idle(page)
    page.get_by_role("tab", name=t("data.tab_import", "vi")).click()
    page.locator('input[type="file"]').first.set_input_files(str(big))
    limit = imports.MAX_BYTES // 2**20
    page.get_by_text(f"giới hạn là {limit} MB").first.wait_for(state="attached", timeout=120_000)
    assert not page.locator('[data-testid="stException"]').count()


def alpn(port: int) -> str | None:
    import socket
    import ssl

    ctx = ssl._create_unverified_context()
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        return tls.selected_alpn_protocol()


def test_https_with_a_self_signed_certificate_and_stop_stops_everything(tmp_path):
    with deployment(env={"ATLAS_DATA_DIR": str(tmp_path)}, processes=1, tls=True) as dep:
        assert dep.url.startswith("https://")
        status, headers, body = http_get(f"{dep.url}/{first_bundle(dep.url)}", {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "Secure" in http_get(dep.url + "/")[1]["Set-Cookie"]
        assert alpn(dep.port) == "h2"  # HTTP/2: the ~100 bundles of a first visit share one connection
        assert all(port_open(p) for p in (dep.port, *dep.app_ports))
        dep.proc.terminate()
        assert dep.proc.wait(timeout=40) == 0
        assert not any(port_open(p) for p in (dep.port, *dep.app_ports))  # nginx and the app process are gone


def test_the_server_site_from_render_is_valid_nginx(tmp_path):
    """What deploy/install-server writes (all addresses, the office's certificate, a redirect from port 80, three
    processes) is a site nginx accepts, with the upload limit and the bilingual pages it names."""
    import subprocess
    import sys

    from geo.cli.serve import main_conf
    from tests.helpers import ROOT, require_nginx

    nginx = require_nginx()
    out = tmp_path / "site"
    subprocess.run([str(ROOT / "deploy" / "selfsigned-cert"), str(tmp_path / "cert"), "atlas.example.vn"],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "geo", "serve", "--render", str(out), "--port", "443", "--host", "",
                    "--processes", "3", "--app-port", "8601", "--server-name", "atlas.example.vn",
                    "--cert", str(tmp_path / "cert" / "atlas.crt"), "--key", str(tmp_path / "cert" / "atlas.key"),
                    "--redirect-port", "80"], check=True, capture_output=True)  # bundles: the cache serve uses
    site = (out / "tam-duong-atlas.conf").read_text()
    assert "listen 443 ssl http2;" in site and "return 301 https://" in site
    assert [f"127.0.0.1:{p}" in site for p in (8601, 8602, 8603)] == [True] * 3
    assert f"client_max_body_size {upload_limit_mb() + 1}m;" in site
    assert t("serve.too_large", "en", limit=upload_limit_mb()) in (out / "pages" / "_atlas" / "413.html").read_text()
    state = tmp_path / "state"
    (state / "tmp").mkdir(parents=True)
    (state / "nginx.conf").write_text(main_conf(state, out / "tam-duong-atlas.conf"))
    check = subprocess.run([nginx, "-t", "-p", str(state), "-c", str(state / "nginx.conf"), "-e",
                            str(state / "error.log")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_when_an_app_process_dies_serve_stops_everything_and_says_so(tmp_path):
    from pathlib import Path

    with deployment(env={"ATLAS_DATA_DIR": str(tmp_path)}, processes=1) as dep:
        children = Path(f"/proc/{dep.proc.pid}/task/{dep.proc.pid}/children").read_text().split()
        app = next(int(c) for c in children if b"streamlit" in Path(f"/proc/{c}/cmdline").read_bytes())
        os.kill(app, 9)
        assert dep.proc.wait(timeout=40) == 1
        assert not port_open(dep.port)  # nginx went with it: no proxy left answering 502 to nobody
        said = t("serve.died", "en", cmd=f"app process on port {dep.app_ports[0]}", code=-9, logs="")
        assert said.split(";")[0] in dep.log.read_text()  # "A process stopped (app process on port …, exit -9)"
