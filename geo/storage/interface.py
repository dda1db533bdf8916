"""The storage interface: what pages, CLI commands and exports may ask of a store.

Split by concern so a caller can say what it needs (an export only reads; the pitch page
edits donors), and combined in :class:`Store`, which :func:`geo.storage.store.default_store`
returns. Implementations satisfy these protocols structurally (no inheritance):
:class:`geo.storage.gpkg_store.GpkgStore` and :class:`geo.storage.postgis_store.PostgisStore`
(all of :class:`Store`: the local file, the shared server) and
:class:`geo.storage.store.BundledStore` (:class:`ReadOnlyStore`: the shipped files).
``tests/test_store_contract.py`` holds every implementation of :class:`Store` to the same behaviour.

Every write takes the acting user: an :class:`geo.model.roles.Actor` (or a login name), resolved against the
store's accounts and checked by :func:`geo.storage.accounts.authorize`; a role that may not write is refused
with :class:`geo.storage.records.PermissionDenied` before anything changes. A store without accounts (a fresh
install) accepts any name, as before accounts existed (see :mod:`geo.storage.accounts`).

Every write is all or nothing: a refused write (:class:`geo.ingest.validate.DataError` for bad
fields, :class:`geo.storage.records.ConflictError` for a stale revision) changes nothing, and
every accepted one changes :meth:`DatasetReader.version`.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> reader: ReadOnlyStore = BundledStore()
>>> reader.editable, len(reader.load().communes)
(False, 13)
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import geopandas as gpd
import pandas as pd

from geo.ingest.validate import Note
from geo.model import schema
from geo.model.basemap import Basemap
from geo.model.dataset import Dataset
from geo.model.filters import Filters
from geo.model.roles import Actor
from geo.storage.records import AuditEntry, DonorRecord, MoneyRecord, ProjectRecord, ResultRecord, UserRecord
from geo.storage.tables import Table

#: One project as a form or an import hands it over: its fields and its funding lines.
ProjectInput = tuple[dict, list[dict]]


class DatasetReader(Protocol):
    """The current data as one :class:`Dataset`, and a version that says when it changed."""

    def load(self) -> Dataset:
        """Every layer and its provenance."""
        ...

    def version(self) -> str:
        """Changes whenever the data changes (and only then); pages use it as a cache key."""
        ...


class DonorReader(Protocol):
    """Donor profiles, read-only; :attr:`editable` says whether the store also is a :class:`DonorStore`."""

    @property
    def editable(self) -> bool:
        """True when profiles can be saved (the pitch page shows its edit form)."""
        ...

    def list_donors(self) -> pd.DataFrame:
        """Every profile: :data:`geo.model.schema.DONOR_COLUMNS` + ``revision``, in stored order."""
        ...

    def get_donor(self, donor_id: str) -> DonorRecord | None: ...


class ReadOnlyStore(DatasetReader, DonorReader, Protocol):
    """Everything exports and read-only views need."""


class ProjectStore(Protocol):
    """Projects with revisions: writes pass the revision they read, else :class:`ConflictError`."""

    def get_project(self, project_id: str) -> ProjectRecord | None: ...

    def project_revisions(self) -> dict[str, int]:
        """The current revision of every project, by id (an import's preview keeps them)."""
        ...

    def create_project(self, project: dict, funding: list[dict], user: Actor | str = "",
                       allow_overcommit: bool = False, note: str = "") -> ProjectRecord: ...

    def update_project(self, project_id: str, project: dict, funding: list[dict], expected_revision: int,
                       user: Actor | str = "", allow_overcommit: bool = False, note: str = "") -> ProjectRecord: ...

    def delete_project(self, project_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None: ...

    def apply_projects(self, records: list[ProjectInput], base_revisions: dict[str, int | None],
                       user: Actor | str = "", note: str = "import", allow_overcommit: bool = False,
                       money: list[dict] | None = None, money_revisions: dict[str, int | None] | None = None,
                       money_gone: dict[str, int] | None = None, today: date | None = None) -> dict[str, int]:
        """Create or update many projects, all or nothing; counts ``created``/``updated``/``unchanged``.

        ``money``: money records of these projects written in the same transaction (as
        :meth:`MoneyStore.apply_money` writes them, ``money_revisions`` its ``base_revisions``) and ``money_gone``
        (record id → revision read) deleted, audited; then the counts always hold ``money_created``/
        ``money_updated``/``money_unchanged``/``money_deleted`` too: the IATI import's projects and transactions."""
        ...

    def history(self, project_id: str) -> list[AuditEntry]:
        """Every change of one project, oldest first."""
        ...

    def versions(self, project_id: str) -> list[tuple[int, str, dict]]:
        """Every restorable version: ``(entry_id, "before"|"after", state)``, oldest first."""
        ...

    def restore(self, project_id: str, entry_id: int, expected_revision: int | None, user: Actor | str = "",
                which: str = "after") -> ProjectRecord:
        """Make a recorded version current again (a new, audited change)."""
        ...

    def commune_codes(self) -> list[str]: ...

    def unit_codes_2025(self) -> list[str]: ...


class DonorStore(DonorReader, Protocol):
    """Donor profiles with revisions and an audit trail, like projects."""

    def save_donor(self, donor: dict, expected_revision: int | None, user: Actor | str = "",
                   note: str = "") -> DonorRecord:
        """Create (``expected_revision=None``) or update a profile."""
        ...

    def confirm_donor(self, donor_id: str, expected_revision: int, user: Actor | str = "",
                      on: date | None = None) -> DonorRecord: ...

    def delete_donor(self, donor_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None: ...

    def donor_history(self, donor_id: str) -> list[AuditEntry]: ...


class MoneyReader(Protocol):
    """Dated money records, read-only (exports)."""

    def money_records(self, project_id: str | None = None) -> pd.DataFrame:
        """Every record (of one project): the schema's money columns + ``revision``, by project and record id."""
        ...


class ExportSource(ReadOnlyStore, MoneyReader, Protocol):
    """What a full data export reads: the dataset, donor profiles and the money records."""


class MoneyStore(MoneyReader, Protocol):
    """Dated money records of projects (issue 16; :data:`geo.model.schema.MONEY_RECORD_COLUMNS`), with revisions.

    Whoever may edit a project may add, edit and delete its records (:data:`geo.model.roles.Action.EDIT_PROJECT`,
    commune editors in their communes); each write is audited (``money-*``). A record without a date is "date
    unknown" and stays so until someone gives it one; deleting a project deletes its records (audited)."""

    def get_money(self, record_id: str) -> MoneyRecord | None: ...

    def add_money(self, record: dict, user: Actor | str = "", note: str = "", today: date | None = None) -> MoneyRecord:
        """A new record of an existing project (``record_id`` made when empty); ``today`` bounds its date."""
        ...

    def update_money(self, record_id: str, record: dict, expected_revision: int, user: Actor | str = "",
                     note: str = "", today: date | None = None) -> MoneyRecord:
        """Replace a record if nobody changed it since ``expected_revision`` (else :class:`ConflictError`)."""
        ...

    def delete_money(self, record_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None: ...

    def money_history(self, record_id: str) -> list[AuditEntry]:
        """Every change of one record, oldest first."""
        ...

    def apply_money(self, records: list[dict], base_revisions: dict[str, int | None], user: Actor | str = "",
                    note: str = "import", today: date | None = None) -> dict[str, int]:
        """Create or replace many records (an import) in one transaction, all or nothing; counts of
        ``created``/``updated``/``unchanged``. A record id whose revision moved since ``base_revisions`` (None =
        new) raises :class:`ConflictError`; identical records are left alone (nothing written when all are)."""
        ...


class ResultsStore(Protocol):
    """Beneficiaries and result indicators of projects (issue 16 item 3), with revisions.

    Whoever may edit a project may write them (:data:`geo.model.roles.Action.EDIT_PROJECT`); each write is
    audited (``beneficiaries-save``, ``result-*``). Blank beneficiary figures are "not recorded" (never 0);
    deleting a project deletes its beneficiaries and indicators (audited)."""

    def beneficiaries(self, project_id: str | None = None) -> pd.DataFrame:
        """Every project's beneficiaries (:data:`geo.model.schema.BENEFICIARY_COLUMNS` + ``revision``)."""
        ...

    def get_beneficiaries(self, project_id: str) -> ResultRecord | None: ...

    def save_beneficiaries(self, project_id: str, record: dict, expected_revision: int | None,
                           user: Actor | str = "", note: str = "") -> ResultRecord:
        """Create (``expected_revision`` None) or replace a project's beneficiaries, else :class:`ConflictError`."""
        ...

    def result_indicators(self, project_id: str | None = None) -> pd.DataFrame:
        """Every indicator (of one project): :data:`geo.model.schema.RESULT_COLUMNS` + ``revision``;
        ``actuals`` is a dict year → value."""
        ...

    def get_indicator(self, indicator_id: str) -> ResultRecord | None: ...

    def add_indicator(self, record: dict, user: Actor | str = "", note: str = "") -> ResultRecord: ...

    def update_indicator(self, indicator_id: str, record: dict, expected_revision: int, user: Actor | str = "",
                         note: str = "") -> ResultRecord: ...

    def delete_indicator(self, indicator_id: str, expected_revision: int, user: Actor | str = "",
                         note: str = "") -> None: ...

    def results_history(self, key: str) -> list[AuditEntry]:
        """Every change of one indicator (its id) or of a project's beneficiaries (the project id)."""
        ...

    def apply_results(self, indicators: list[dict], beneficiaries: list[dict], user: Actor | str = "",
                      note: str = "") -> dict[str, int]:
        """An import (:mod:`geo.ingest.results_import`): all written in one transaction, or nothing."""
        ...


class LayerStore(Protocol):
    """Whole feature layers, replaced together with their provenance."""

    def replace_layer(self, layer: str, gdf: gpd.GeoDataFrame, provenance: schema.Provenance,
                      user: Actor | str = "", note: str = "") -> None: ...


class BasemapStore(Protocol):
    """The offline basemap (issue 19, :mod:`geo.storage.basemap`): at most one, replaced whole, audited;
    writing it needs :data:`geo.model.roles.Action.REPLACE_LAYER`. ``load()`` carries it as ``Dataset.basemap``."""

    def basemap(self) -> Basemap | None: ...

    def replace_basemap(self, basemap: Basemap | None, user: Actor | str = "", note: str = "") -> None:
        """Store ``basemap`` in place of any other (None: remove it) in one transaction."""
        ...


class FundingTotals(Protocol):
    """Sums the database computes itself, so a page need not load every funding line to show them."""

    def funding_totals_by_commune(self, filters: Filters = Filters(), unit_version: str = "2021") -> pd.DataFrame:
        """Exactly :func:`geo.analysis.funding.totals_by_commune` of the stored projects and funding lines
        (need, committed, disbursed, gap, n_projects by ``commune_code``), summed in SQL."""
        ...


class AuditLog(Protocol):
    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The latest changes of any kind, newest first."""
        ...

    def audit_between(self, start: str = "", end: str = "") -> list[AuditEntry]:
        """Every change with ``start <= ts < end`` (ISO timestamps or dates; blank = open), oldest first."""
        ...

class StoreTransfer(Protocol):
    """The whole store at once, for ``python -m geo store copy|backup|restore|check`` (geo/storage/transfer.py).

    None of these seeds an empty store. Cannot-open problems raise :class:`geo.storage.records.StoreUnavailable`."""

    def is_empty(self) -> bool:
        """True when nothing is stored here yet (no file, a 0-byte file, a database without tables)."""
        ...

    def dump_tables(self) -> list[Table]:
        """Every table (key columns included, rows in key order), read in one snapshot."""
        ...

    def replace_tables(self, tables: list[Table]) -> None:
        """Hold exactly ``tables`` afterwards, all or nothing (whatever was here before is dropped)."""
        ...

    def integrity_problems(self) -> list[Note]:
        """What the backend's own checks find (SQLite integrity check, invalid geometries…); empty when sound."""
        ...




class UserStore(Protocol):
    """Accounts (issue 15): who may sign in, with which role, office and communes.

    Passwords are kept only as argon2 hashes and never handed out (:class:`UserRecord` has none). Failed
    sign-ins are counted in the store, so a restart does not reset a lock-out. Every change but a sign-in
    is written to the audit trail (actions ``user-*``), without any password or hash.
    """

    def has_users(self) -> bool:
        """True once any account exists (then every write needs an account)."""
        ...

    def list_users(self) -> list[UserRecord]:
        """Every account, by login."""
        ...

    def get_user(self, login: str) -> UserRecord | None: ...

    def add_user(self, login: str, password: str, role: str, display_name: str = "", office: str = "",
                 communes: tuple[str, ...] = (), by: Actor | str = "") -> UserRecord:
        """A new account; ``by`` must be an admin (anyone while the store has no account yet)."""
        ...

    def public_view(self) -> bool:
        """True (the default, also for stores from before the setting) while signed-out visitors may see the
        read-only pages: map, overview, funding gaps, pitch and sources. It counts only once accounts exist."""
        ...

    def set_public_view(self, on: bool, by: Actor | str) -> bool:
        """Turn the public read-only view on or off (admins only; audited as ``public-view``)."""
        ...

    def update_user(self, login: str, by: Actor | str, *, display_name: str | None = None, role: str | None = None,
                    office: str | None = None, communes: tuple[str, ...] | None = None,
                    disabled: bool | None = None) -> UserRecord:
        """Change an account's fields (admins only); disabling ends its sessions. The last admin stays."""
        ...

    def reset_password(self, login: str, password: str, by: Actor | str) -> UserRecord:
        """Set a new password (admins only), unlock the account and end its sessions."""
        ...

    def unlock_user(self, login: str, by: Actor | str) -> UserRecord:
        """Clear the failed sign-ins (admins only)."""
        ...

    def authenticate(self, login: str, password: str) -> UserRecord:
        """The account if ``password`` is right and it is enabled and unlocked, else :class:`SignInRefused`.

        A wrong password counts a failure; :data:`geo.model.roles.MAX_FAILED_SIGN_INS` in a row lock the account.
        """
        ...

    def change_password(self, login: str, old_password: str, new_password: str) -> UserRecord:
        """A user's own password change (the current one must be right); ends their other sessions."""
        ...




class Store(ReadOnlyStore, ProjectStore, DonorStore, LayerStore, FundingTotals, AuditLog, UserStore, StoreTransfer,
            MoneyStore, ResultsStore, BasemapStore, Protocol):
    """Every concern: what the app and the CLI get from :func:`geo.storage.store.default_store`."""

    def location(self) -> str:
        """Where the data lives, for the user (a file path, a server and database name)."""
        ...

    def close(self) -> None:
        """Close the connections the store keeps open between calls (it opens them again when next used)."""
        ...
