"""A throwaway PostgreSQL + PostGIS cluster for the tests: initdb into a temp dir, a free loopback port, stop at the end.

As root (CI, this machine) the server runs as the ``postgres`` OS user (the server refuses root). Each test gets
its own database copied from a template that is seeded once (``CREATE DATABASE … TEMPLATE``: a fast file copy).
No server binaries: the tests skip, except with ``ATLAS_REQUIRE_POSTGIS=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

TEMPLATE = "atlas_template"


def server_bin() -> Path | None:
    """The bin folder of an installed PostgreSQL with PostGIS, or None (benchmarks use it without pytest)."""
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        version = Path(d).parent.name
        if (Path(d) / "initdb").exists() and glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"):
            return Path(d)
    return None


def require_postgis() -> Path:
    """The server's bin folder; skip (or fail in CI) when PostgreSQL with PostGIS is not installed."""
    found = server_bin()
    if found is None:
        msg = "PostgreSQL 15 with PostGIS not installed (apt install postgresql-15 postgresql-15-postgis-3)"
        if os.environ.get("ATLAS_REQUIRE_POSTGIS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int
    user: str

    def url(self, db: str, password: str = "") -> str:
        auth = f"{self.user}:{password}" if password else self.user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=120)

    def sql(self, statement: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname={db}", autocommit=True) as con:
            con.execute(statement)

    def new_database(self) -> str:
        name = f"atlas_{uuid.uuid4().hex[:10]}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")  # faster than WAL_LOG for small
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.root / "data"), "-U", self.user, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.restart()

    def restart(self) -> None:
        """Start the server (again, after :meth:`stop`)."""
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self.root}' -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")

    def kill(self) -> None:
        """A crash: SIGKILL the postmaster and every server process (no shutdown, no checkpoint).
        :meth:`restart` then runs crash recovery."""
        import signal

        postmaster = int((self.root / "data" / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:  # ppid
                children.append(int(stat.parent.name))
        for pid in [postmaster, *children]:  # the postmaster first, so it restarts nothing
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in [postmaster, *children]):
            if time.monotonic() > deadline:
                raise TimeoutError("server processes survived SIGKILL")
            time.sleep(0.05)
        # A dead postmaster's lock file stays; if nobody reaps it here (a zombie keeps its pid), the new server
        # would take it for a live one. After a real crash the pid is gone and the server removes the file itself.
        for lock in (self.root / "data" / "postmaster.pid", self.root / f".s.PGSQL.{self.port}.lock"):
            lock.unlink(missing_ok=True)

    def running(self) -> bool:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "status"],
                              capture_output=True).returncode == 0


def _state(pid: int) -> str:
    try:
        return next((line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:")), "").lower()
    except OSError:
        return "zombie"


def start_cluster(template: bool = True) -> Cluster:
    """A running cluster whose template database holds the seeded store (the caller stops it with :func:`remove`).
    ``template=False``: the server alone (benchmarks seed their own databases)."""
    from geo.storage import postgis_store

    bin_dir = require_postgis()
    root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
    cluster = Cluster(bin_dir, root, free_port(), "postgres")
    cluster.start()
    if not template:
        return cluster
    try:
        cluster.sql(f"CREATE DATABASE {TEMPLATE}")
        url = cluster.url(TEMPLATE)
        postgis_store.PostgisStore(url).open()  # extension + seed, once
        postgis_store.dispose(url)  # a template must have no connections
    except BaseException:
        remove(cluster)
        raise
    return cluster


def remove(cluster: Cluster) -> None:
    try:
        if cluster.running():
            cluster.stop()
    finally:
        shutil.rmtree(cluster.root, ignore_errors=True)
