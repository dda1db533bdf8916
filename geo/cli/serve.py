"""``serve``: the shared-server deployment (issue 20), nginx in front of several app processes.

``atlas serve --port P [--processes N]`` (also ``deploy/serve``) runs it all in the foreground on loopback:
N ``streamlit run app.py`` processes on ports P+1 … P+N and nginx on P with the site of
``deploy/nginx/tam-duong-atlas.conf.in``: gzip for text, Streamlit's hashed bundles from disk precompressed
once with a one-year immutable cache header, the websocket proxied, uploads bounded by the app's own largest
limit, and sticky sessions by a cookie. Ctrl-C (or SIGTERM) stops everything it started. ``--render DIR``
writes the site and its error pages for a real server instead (``deploy/install-server``).

Nothing here needs root: nginx runs from a temporary prefix with its own pid, logs and temp folders.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from html import escape
from importlib import metadata
from pathlib import Path

from geo.cli.commands import help_of, option_help
from geo.model.config import BUNDLED_DATA_DIR
from geo.text import i18n

ROOT = BUNDLED_DATA_DIR.parent
DEPLOY = ROOT / "deploy"
SITE_TEMPLATE = DEPLOY / "nginx" / "tam-duong-atlas.conf.in"
SELF_SIGNED = DEPLOY / "selfsigned-cert"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
#: Debian's libnginx-mod-http-brotli-filter (optional): brotli for the proxied text responses.
BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"
#: ... and -static with Debian's ``brotli`` command: the bundles precompressed once as .br too (~10 % under .gz).
BROTLI_STATIC_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
BROTLI_QUALITY = 9  # 11 is ~3 % smaller again but twenty times slower to build
#: Text files of Streamlit's bundle worth precompressing (fonts in woff2 and images are compressed already).
COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".map", ".txt", ".html", ".ttf", ".otf")
#: The slack nginx allows over the app's own upload limit: the multipart framing around the file.
MULTIPART_SLACK_MB = 1


def upload_limit_mb() -> int:
    """The app's largest upload, in MB (a layer file; a project table is smaller): what the uploader accepts."""
    from geo.ingest import imports, layer_import

    return max(imports.MAX_BYTES, layer_import.MAX_LAYER_BYTES) // 2**20


def nginx_binary() -> str | None:
    """nginx to run: ``$ATLAS_NGINX`` if set (like ``$ATLAS_CHROMIUM`` for the browser), else Debian's."""
    if os.environ.get("ATLAS_NGINX"):
        return shutil.which(os.environ["ATLAS_NGINX"])
    for name in NGINX_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def brotli_available() -> bool:
    """Debian's brotli filter for nginx (libnginx-mod-http-brotli-filter) is installed."""
    return Path(BROTLI_MODULE).exists()


def brotli_static_available() -> bool:
    """Bundles can be precompressed as .br (the ``brotli`` command) and nginx can send them (brotli-static)."""
    return Path(BROTLI_STATIC_MODULE).exists() and shutil.which("brotli") is not None


def streamlit_static_dir() -> Path:
    spec = importlib.util.find_spec("streamlit")  # located, not imported: Streamlit stays in app.py and pages/
    if spec is None or not spec.origin:
        raise FileNotFoundError("streamlit is not installed (pip install -r requirements.txt)")
    return Path(spec.origin).parent / "static"


def default_static_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tam-duong-atlas"


def precompressed_static(cache: Path | None = None) -> Path:
    """A copy of Streamlit's ``static/static`` bundles with a ``.gz`` beside each text file, built once per
    Streamlit version under ``cache`` (nginx's ``gzip_static`` then sends the ``.gz`` without compressing per
    request). Returns the folder to use as nginx ``root`` (it holds ``static/``)."""
    br = brotli_static_available()
    dest = (cache or default_static_cache()) / f"streamlit-{metadata.version('streamlit')}-static{'-br' * br}"
    if (dest / "static").is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=dest.parent))
    try:
        shutil.copytree(streamlit_static_dir() / "static", work / "static")
        texts = [p for p in (work / "static").rglob("*")
                 if p.is_file() and p.suffix in COMPRESSIBLE and p.stat().st_size > 512]
        for path in texts:
            data = path.read_bytes()
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            if len(packed) < len(data):
                path.with_name(path.name + ".gz").write_bytes(packed)
        for i in range(0, len(texts) if br else 0, 64):
            subprocess.run(["brotli", "-q", str(BROTLI_QUALITY), "-k", "-f", *map(str, texts[i:i + 64])], check=True)
        for d in (work, *[p for p in work.rglob("*") if p.is_dir()]):
            d.chmod(0o755)
        if br:
            (work / ".br").touch()  # this cache holds .br files: nginx may send them
        try:
            work.rename(dest)  # atomic: a concurrent build that finished first wins
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def write_pages(pages_root: Path, limit_mb: int) -> None:
    """nginx's own answers (too large, app not reachable), in both languages, from the catalogue."""
    folder = pages_root / "_atlas"
    folder.mkdir(parents=True, exist_ok=True)
    for name, key in (("413.html", "serve.too_large"), ("502.html", "serve.unavailable")):
        parts = [f"<p lang=\"{lang}\">{escape(i18n.t(key, lang, limit=limit_mb))}</p>" for lang in i18n.LANGS]
        title = escape(" · ".join(i18n.t("app.title", lang) for lang in i18n.LANGS))
        folder.joinpath(name).write_text(
            f"<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n"
            f"<body>\n{chr(10).join(parts)}\n</body></html>\n", encoding="utf-8")


def render_site(port: int, app_ports: Sequence[int], static_root: Path, pages_root: Path, *,
                host: str = "127.0.0.1", tls: tuple[Path, Path] | None = None, server_name: str = "_",
                redirect_port: int | None = None, limit_mb: int | None = None) -> str:
    """The nginx site for ``app_ports`` behind ``host:port`` (TLS with ``(cert, key)`` when given)."""
    limit_mb = upload_limit_mb() if limit_mb is None else limit_mb
    listen = f"{host}:{port}" if host else str(port)
    tls_lines = ""
    if tls:
        tls_lines = (f"    ssl_certificate {tls[0]};\n    ssl_certificate_key {tls[1]};\n"
                     "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_cache shared:atlas_tls:1m;\n")
    redirect = ""
    if tls and redirect_port:
        rlisten = f"{host}:{redirect_port}" if host else str(redirect_port)
        redirect = (f"server {{\n    listen {rlisten};\n    server_name {server_name};\n"
                    f"    return 301 https://$host$request_uri;\n}}\n")
    brotli = static_brotli = ""
    if brotli_available():
        static_brotli = ("        brotli_static on;  # the .br made once\n" if brotli_static_available() and
                         (static_root / ".br").exists() else
                         "        brotli off;  # the .gz made once beats brotli made per request\n")
        brotli = ("    brotli on;\n    brotli_comp_level 5;\n    brotli_types text/css text/javascript "
                  "application/javascript application/json application/geo+json application/manifest+json "
                  "image/svg+xml text/plain text/xml application/xml;\n")
    values = {
        "UPSTREAMS": "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in app_ports),
        # HTTP/2 with TLS: Streamlit's first page asks for ~100 bundles; over one connection, not six at a time
        "LISTEN": f"    listen {listen}{' ssl http2' if tls else ''};",
        "SERVER_NAME": server_name,
        "TLS": tls_lines,
        "REDIRECT": redirect,
        "COOKIE_SECURE": "; Secure" if tls else "",
        "BROTLI": brotli,
        "STATIC_BROTLI": static_brotli,
        "MAX_BODY": f"{limit_mb + MULTIPART_SLACK_MB}m",
        "PAGES_ROOT": str(pages_root),
        "STATIC_ROOT": str(static_root),
    }
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def main_conf(state: Path, site: Path) -> str:
    """A whole nginx configuration for a non-root, foreground nginx under ``state``."""
    modules = f"load_module {BROTLI_MODULE};\n" if brotli_available() else ""
    if brotli_static_available():
        modules += f"load_module {BROTLI_STATIC_MODULE};\n"
    temp = "".join(f"    {kind}_temp_path {state / 'tmp' / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root the workers would otherwise be 'nobody'
    return (f"{modules}{user}worker_processes 1;\ndaemon off;\npid {state / 'nginx.pid'};\n"
            f"error_log {state / 'nginx-error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    access_log {state / 'nginx-access.log'};\n    sendfile on;\n{temp}    include {site};\n}}\n")


def self_signed_cert(folder: Path, host: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``host`` (tests, a quick look): deploy/selfsigned-cert."""
    subprocess.run([str(SELF_SIGNED), str(folder), host], check=True, stdout=subprocess.DEVNULL)
    return folder / "atlas.crt", folder / "atlas.key"


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


Procs = list[tuple[str, subprocess.Popen]]


def wait_ok(url: str, procs: Procs, timeout: float = 120, insecure: bool = False) -> None:
    import ssl

    ctx = ssl._create_unverified_context() if insecure else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=ctx) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"not ready after {timeout:.0f} s: {url}")


def app_command(port: int, limit_mb: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false", "--server.maxUploadSize", str(limit_mb)]


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:  # pragma: no cover - signal handler
    raise _Stop


def stop_all(procs: Procs, timeout: float = 15) -> None:
    """Ask every process to stop (nginx: graceful quit), then kill what is left after ``timeout``."""
    for name, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for _name, p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _render(args: argparse.Namespace) -> int:
    out = Path(args.render)
    out.mkdir(parents=True, exist_ok=True)
    limit = upload_limit_mb()
    static_root = precompressed_static(Path(args.static_cache) if args.static_cache else None)
    write_pages(out / "pages", limit)
    tls = (Path(args.cert), Path(args.key)) if args.cert else None
    if args.tls and not tls:
        tls = self_signed_cert(out, args.server_name if args.server_name != "_" else "localhost")
    ports = [args.app_port + i for i in range(args.processes)]
    site = render_site(args.port, ports, static_root, out / "pages", host=args.host, tls=tls,
                       server_name=args.server_name, redirect_port=args.redirect_port, limit_mb=limit)
    (out / "tam-duong-atlas.conf").write_text(site, encoding="utf-8")
    print(i18n.t("serve.rendered", args.lang, path=out / "tam-duong-atlas.conf", ports=", ".join(map(str, ports))))
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.render:
        return _render(args)
    nginx = nginx_binary()
    if not nginx:
        print(i18n.t("serve.no_nginx", args.lang), file=sys.stderr)
        return 1
    ports = [args.app_port + i for i in range(args.processes)]
    busy = [p for p in (args.port, *ports) if not port_free(p, args.host)]
    if busy:
        print(i18n.t("serve.port_busy", args.lang, ports=", ".join(map(str, busy))), file=sys.stderr)
        return 1
    limit = upload_limit_mb()
    static_root = precompressed_static(Path(args.static_cache) if args.static_cache else None)
    state = Path(tempfile.mkdtemp(prefix="atlas-serve-"))
    state.chmod(0o755)
    procs: Procs = []
    logs = []
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (state / "tmp" / kind).mkdir(parents=True)
        write_pages(state / "pages", limit)
        tls = (Path(args.cert), Path(args.key)) if args.cert else None
        if args.tls and not tls:
            tls = self_signed_cert(state, args.host)
        site = state / "tam-duong-atlas.conf"
        site.write_text(render_site(args.port, ports, static_root, state / "pages", host=args.host, tls=tls,
                                    limit_mb=limit), encoding="utf-8")
        conf = state / "nginx.conf"
        conf.write_text(main_conf(state, site), encoding="utf-8")
        check = subprocess.run([nginx, "-t", "-q", "-p", str(state), "-c", str(conf), "-e", str(state / "nginx-error.log")],
                               capture_output=True, text=True)
        if check.returncode:
            print(check.stderr, file=sys.stderr)
            return 1
        env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}  # one secret for all
        for port in ports:
            log = open(state / f"app-{port}.log", "w")  # noqa: SIM115 - closed in finally
            logs.append(log)
            procs.append((f"app process on port {port}",
                          subprocess.Popen(app_command(port, limit), cwd=ROOT, env=env, stdout=log,
                                           stderr=subprocess.STDOUT)))
        for port in ports:
            wait_ok(f"http://127.0.0.1:{port}/_stcore/health", procs)
        procs.append(("nginx", subprocess.Popen([nginx, "-p", str(state), "-c", str(conf), "-e",
                                                 str(state / "nginx-error.log")],
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        url = f"{'https' if tls else 'http'}://{args.host}:{args.port}"
        wait_ok(url + "/_stcore/health", procs, insecure=bool(tls))
        print(i18n.t("serve.running", args.lang, url=url, ports=", ".join(map(str, ports)),
                     logs=state), flush=True)
        while all(p.poll() is None for _name, p in procs):
            time.sleep(0.5)
        name, dead = next((name, p) for name, p in procs if p.poll() is not None)
        print(i18n.t("serve.died", args.lang, cmd=name, code=dead.returncode,
                     logs=state), file=sys.stderr)
        args.keep_logs = True
        return 1
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        signal.signal(signal.SIGTERM, _raise_stop)  # a second SIGTERM during shutdown must not skip it
        stop_all(procs)
        signal.signal(signal.SIGTERM, previous)
        for log in logs:
            log.close()
        if not args.keep_logs:
            shutil.rmtree(state, ignore_errors=True)


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("serve", lang)
    p = sub.add_parser("serve", help=help_of("serve", lang), description=i18n.t("cli.description.serve", lang))
    p.add_argument("--port", type=int, required=True, help=h("port"))
    p.add_argument("--processes", type=int, default=2, help=h("processes"))
    p.add_argument("--app-port", type=int, default=None, help=h("app-port"))
    p.add_argument("--host", default="127.0.0.1", help=h("host"))
    p.add_argument("--tls", action="store_true", help=h("tls"))
    p.add_argument("--cert", help=h("cert"))
    p.add_argument("--key", help=h("key"))
    p.add_argument("--static-cache", help=h("static-cache"))
    p.add_argument("--keep-logs", action="store_true", help=h("keep-logs"))
    p.add_argument("--render", metavar="DIR", help=h("render"))
    p.add_argument("--server-name", default="_", help=h("server-name"))
    p.add_argument("--redirect-port", type=int, default=None, help=h("redirect-port"))

    def run(args: argparse.Namespace) -> int:
        if args.processes < 1:
            p.error(i18n.t("cli.serve.processes_min", args.lang))
        if bool(args.cert) != bool(args.key):
            p.error(i18n.t("cli.serve.cert_key", args.lang))
        args.app_port = args.app_port or args.port + 1
        return _serve(args)

    p.set_defaults(func=run)
