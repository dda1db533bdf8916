"""What each store provides to the mixins written once for both stores (accounts, money, results, basemap).

A mixin calls these; :class:`geo.storage.gpkg_store.GpkgStore` and :class:`geo.storage.postgis_store.PostgisStore`
define them (their own methods come first in the MRO), and ``AccountsMixin`` defines ``_acting``.
"""

from __future__ import annotations

from typing import Any

from geo.model.roles import Action, Actor


class StoreHooks:
    """The store's transaction, SQL and audit primitives, and the acting-user check."""

    def _read(self) -> Any:
        """A read transaction (one snapshot), as a context manager yielding the connection."""
        raise NotImplementedError

    def _write(self, bump: bool = True) -> Any:
        """A write transaction; ``bump``: the data changed (page caches reload)."""
        raise NotImplementedError

    def _exec(self, con: Any, sql: str, params: dict | None = None) -> Any:
        """SQL both backends speak (``:name`` parameters): the rows of a query, or the row count of a change."""
        raise NotImplementedError

    def _audit_row(self, con: Any, user: str, action: str, project_id: str | None, revision: int | None,
                   before: str | None, after: str | None, note: str = "") -> None:
        """One audit row, in the caller's transaction."""
        raise NotImplementedError

    def _acting(self, user: Actor | str, action: Action) -> Actor:
        """The acting user, if their role may take ``action`` at all (else refused)."""
        raise NotImplementedError

    def _keep_copy(self, reason: str) -> None:
        """Before a change that replaces much at once: keep the store as it was (the GeoPackage's rolling
        ``backups/auto-<reason>-*``; a database server's own backups cover PostGIS, so there it does nothing)."""
