"""Passwords are stored at the product's full argon2id cost, whatever the test suite uses for speed
(tests/conftest.py hashes test accounts cheaply), and a weaker stored hash is upgraded at the next sign-in."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from argon2 import PasswordHasher

from geo.storage import accounts
from tests.helpers import PASSWORD, ROOT, add_account

FULL_COST = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_the_cli_stores_a_new_password_at_full_argon2id_cost(atlas_data_dir):
    import sqlite3

    from geo.storage.gpkg_store import STORE_FILE

    env = dict(os.environ, ATLAS_DATA_DIR=str(atlas_data_dir))
    out = subprocess.run([sys.executable, "-m", "geo", "users", "add", "--role", "admin", "quan"],
                         input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    con = sqlite3.connect(atlas_data_dir / STORE_FILE)
    try:
        (digest,) = con.execute("SELECT password_hash FROM atlas_users WHERE login = 'quan'").fetchone()
    finally:
        con.close()
    assert digest.startswith(FULL_COST), digest.split("$")[:4]


@pytest.mark.parametrize("backend_name", ["gpkg", "postgis"])
def test_a_weaker_stored_hash_is_upgraded_at_the_next_sign_in(backend_name, atlas_data_dir, request, monkeypatch):
    if backend_name == "gpkg":
        import sqlite3

        from geo.storage.gpkg_store import STORE_FILE, GpkgStore

        store = GpkgStore(atlas_data_dir / STORE_FILE)

        def stored() -> str:
            con = sqlite3.connect(atlas_data_dir / STORE_FILE)
            try:
                return con.execute("SELECT password_hash FROM atlas_users WHERE login = 'admin1'").fetchone()[0]
            finally:
                con.close()
    else:
        import psycopg

        from geo.storage.postgis_store import PostgisStore

        url = request.getfixturevalue("postgis_url")
        store = PostgisStore(url)

        def stored() -> str:
            with psycopg.connect(url) as con:
                return con.execute("SELECT password_hash FROM atlas_users WHERE login = 'admin1'").fetchone()[0]

    add_account(store)  # at the suite's cheap cost, like an account made by an older, weaker release
    weak = stored()
    assert not weak.startswith(FULL_COST)
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher())  # the product's own hasher
    with pytest.raises(accounts.SignInRefused):
        store.authenticate("admin1", "not-the-Passw0rd")
    assert stored() == weak  # a wrong password changes nothing
    store.authenticate("admin1", PASSWORD)
    assert stored().startswith(FULL_COST)
    store.authenticate("admin1", PASSWORD)  # and the upgraded hash still lets the person in
