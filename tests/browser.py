"""Real-browser test support: a Streamlit server on a free port and headless Chromium that may
only talk to loopback. Used by the ``browser`` fixtures in ``conftest.py``.

Readiness is waited on through real signals (the health endpoint, the app's
"running" indicator disappearing, elements present), never fixed sleeps.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def require_browser() -> None:
    """Skip without Chromium locally; fail in CI (ATLAS_REQUIRE_BROWSER=1)."""
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    if os.environ.get("ATLAS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it (apt-get install chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = log.read_text(errors="replace") if log and log.exists() else ""
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {output}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit not healthy at {url} after {timeout}s")


@contextmanager
def streamlit_process(env: dict[str, str] | None = None, script: str = "app.py", log: Path | None = None,
                      timeout: float = 90) -> Iterator[tuple[str, int]]:
    """Start ``streamlit run`` on a free loopback port; yield (base URL, pid); stop it on exit.

    Output goes to ``log`` (a temp file by default), never to an unread pipe that could fill up
    and stall the server.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        log = log or Path(tmp) / "server.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                                    stdout=out, stderr=subprocess.STDOUT, text=True)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_healthy(url, proc, timeout, log)
                yield url, proc.pid
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


@contextmanager
def streamlit_server(env: dict[str, str] | None = None, script: str = "app.py") -> Iterator[str]:
    """Start ``streamlit run`` on a free loopback port; yield its base URL."""
    with streamlit_process(env, script) as (url, _pid):
        yield url


def is_loopback(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parsed.hostname or "") in LOOPBACK


class OfflineBrowser:
    """A Chromium page whose non-loopback requests are aborted and recorded in ``blocked``."""

    def __init__(self, playwright, viewport: tuple[int, int] = (1400, 1000)):
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _route(self, route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()
        self.browser.close()


def wait_app_idle(page, timeout: float = 60_000, settle_ms: int = 400) -> None:
    """Wait until Streamlit has rendered and finished running the script.

    "Finished" must hold for ``settle_ms``: a script may rerun itself right after a
    run ends (app.py does once per server start), which a single check would miss.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """(settle) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]')
                && !document.querySelector('[data-testid="stStatusWidget"]');
            if (!idle) { window.__atlasIdleSince = undefined; return false; }
            window.__atlasIdleSince = window.__atlasIdleSince || performance.now();
            return performance.now() - window.__atlasIdleSince >= settle;
        }""",
        arg=settle_ms,
        timeout=timeout,
        polling=100,
    )
