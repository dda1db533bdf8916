"""The single source of truth for layers, columns and enumerations.

Every other module imports codes, labels and column names from here; nothing
else hard-codes a content area, funding source, status or column name.

Examples
--------
>>> CONTENT_AREAS[3].en
'Value-chain agriculture and forestry'
>>> [s.key for s in FUNDING_SOURCES if s.group == "counterpart"]
['state_budget', 'community', 'domestic_business']
>>> status_rank("committed") > status_rank("approved")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

# --- coordinate reference systems -------------------------------------------
#: Storage / display CRS (GeoJSON, web maps).
GEOGRAPHIC_CRS = "EPSG:4326"
#: Metric CRS for every area and length: VN-2000 / TM-3 103-00, Lai Châu's grid.
METRIC_CRS = "EPSG:9205"
#: VN-2000 / UTM zone 48N, the national grid some agencies deliver.
NATIONAL_CRS = "EPSG:3405"

# --- communes ----------------------------------------------------------------
CODE_PATTERN = re.compile(r"^\d{5}$")
COMMUNE_CODE = "code"


class Quality(str, Enum):  # noqa: UP042 -- StrEnum would change str() of members; not a refactor's call
    """How far a layer can be trusted; shown next to every map, table and export."""

    OFFICIAL = "official"
    APPROXIMATE = "approximate"
    ILLUSTRATIVE = "illustrative"


#: The quality a new project starts with in the form and the import template: never "official" unless the
#: user says so (an unchecked entry is not an official figure).
NEW_PROJECT_QUALITY = Quality.APPROXIMATE


@dataclass(frozen=True)
class Label:
    """A bilingual name. ``vi`` is shown first; ``en`` for donors.

    The atlas has two bilingual mechanisms and no third: a ``Label`` names one member of an
    enumeration or registry in this model layer (quality, content area, source, status, crop, unit),
    called as ``label(lang)``; every sentence, heading and message is a key of the catalogue
    (:func:`geo.text.i18n.t`). Nothing picks a language by indexing a pair.
    """

    vi: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


QUALITY_LABELS: dict[Quality, Label] = {
    Quality.OFFICIAL: Label("chính thức", "official"),
    Quality.APPROXIMATE: Label("gần đúng", "approximate"),
    Quality.ILLUSTRATIVE: Label("minh họa", "illustrative"),
}


@dataclass(frozen=True)
class ContentArea(Label):
    """One of the plan's ten content areas (section III)."""

    code: int = 0
    key: str = ""


CONTENT_AREAS: dict[int, ContentArea] = {
    a.code: a
    for a in [
        ContentArea("Đất sản xuất, nước sinh hoạt", "Production land and domestic water", 1, "land_water"),
        ContentArea("Sắp xếp, ổn định dân cư; phòng chống sạt lở", "Resettlement and landslide safety", 2, "resettlement"),
        ContentArea("Nông, lâm nghiệp theo chuỗi giá trị", "Value-chain agriculture and forestry", 3, "value_chain"),
        ContentArea("Hạ tầng thiết yếu", "Essential infrastructure", 4, "infrastructure"),
        ContentArea("Giáo dục, đào tạo, chuyển giao công nghệ", "Education, training and technology transfer", 5, "education"),
        ContentArea("Văn hóa gắn với du lịch", "Culture and tourism", 6, "culture_tourism"),
        ContentArea("Y tế, dinh dưỡng trẻ em", "Health and child nutrition", 7, "health"),
        ContentArea("Bình đẳng giới, phụ nữ và trẻ em", "Gender equality, women and children", 8, "gender"),
        ContentArea("Dân tộc rất ít người, có khó khăn đặc thù", "Very small and disadvantaged ethnic groups", 9, "small_groups"),
        ContentArea("Truyền thông, tuyên truyền", "Communication and outreach", 10, "communication"),
    ]
}

#: Default OECD DAC 5-digit purpose codes (CRS, IATI sector vocabulary 1) per content area, with percentages
#: summing to 100: what the IATI export states when a project names none of its own, and how an imported
#: activity's sectors find a content area. A default, not a classification the plan makes.
DAC_SECTORS: dict[int, tuple[tuple[str, int], ...]] = {
    1: (("31130", 50), ("14030", 50)),  # agricultural land resources; basic drinking water supply
    2: (("43060", 100),),  # disaster risk reduction
    3: (("31120", 100),),  # agricultural development
    4: (("43040", 100),),  # rural development (roads, power, schools in communes)
    5: (("11330", 100),),  # vocational training
    6: (("33210", 100),),  # tourism policy and administrative management
    7: (("12240", 100),),  # basic nutrition
    8: (("15170", 100),),  # women's rights organisations and government institutions
    9: (("15160", 100),),  # human rights (ethnic minorities)
    10: (("22010", 100),),  # communications policy and administrative management
}
#: A project's own DAC sectors (optional column ``dac_sectors``), overriding :data:`DAC_SECTORS`: ``code:percent``
#: pairs joined by ``;``, e.g. ``31130:50;14030:50``; 5-digit codes, each once, whole percentages 1–100 summing to 100.
DAC_SECTORS_SEP = ";"
DAC_SECTOR_PART = re.compile(r"^\s*(\d{5})\s*:\s*(\d{1,3})\s*$")


def dac_sectors_of(text: str) -> tuple[tuple[str, int], ...] | None:
    """The ``(code, percent)`` pairs of a ``dac_sectors`` cell; ``()`` when blank, None when it is malformed.

    >>> dac_sectors_of("31130:50; 14030:50")
    (('31130', 50), ('14030', 50))
    >>> dac_sectors_of(""), dac_sectors_of("31130:60;14030:50"), dac_sectors_of("3113:100")
    ((), None, None)
    """
    if not str(text or "").strip():
        return ()
    parts = [DAC_SECTOR_PART.match(p) for p in str(text).split(DAC_SECTORS_SEP)]
    if not all(parts):
        return None
    pairs = tuple((m.group(1), int(m.group(2))) for m in parts if m)
    codes = [c for c, _ in pairs]
    if len(set(codes)) != len(codes) or not all(1 <= pct <= 100 for _, pct in pairs) or sum(p for _, p in pairs) != 100:
        return None
    return pairs


SourceGroup = Literal["international", "counterpart"]


@dataclass(frozen=True)
class FundingSource(Label):
    """A funding source type from section IV of the plan."""

    key: str = ""
    group: SourceGroup = "international"


FUNDING_SOURCES: tuple[FundingSource, ...] = (
    FundingSource("Viện trợ không hoàn lại (ODA)", "ODA grant", "oda_grant", "international"),
    FundingSource("Vốn vay ưu đãi", "Concessional loan", "concessional_loan", "international"),
    FundingSource("Tổ chức phi chính phủ (NGO)", "NGO", "ngo", "international"),
    FundingSource("Doanh nghiệp, cá nhân nước ngoài", "Foreign business or individual", "foreign_business", "international"),
    FundingSource("Ngân sách nhà nước", "State budget", "state_budget", "counterpart"),
    FundingSource("Cộng đồng, tập thể, cá nhân", "Community and individuals", "community", "counterpart"),
    FundingSource("Doanh nghiệp trong nước", "Domestic business", "domestic_business", "counterpart"),
)
SOURCE_BY_KEY: dict[str, FundingSource] = {s.key: s for s in FUNDING_SOURCES}
SOURCE_GROUPS: dict[SourceGroup, Label] = {
    "international": Label("Vốn quốc tế", "International funds"),
    "counterpart": Label("Vốn đối ứng", "Counterpart funds"),
}


@dataclass(frozen=True)
class Status(Label):
    """Project status: a step of the plan's approval workflow (:mod:`geo.model.workflow` says who moves it).

    ``rank`` orders the pipeline; rejected and cancelled rank lowest.
    """

    key: str = ""
    rank: int = 0


STATUSES: tuple[Status, ...] = (
    Status("Đề xuất", "Proposal", "proposal", 1),
    Status("Đã thẩm định", "Appraised", "appraised", 2),
    Status("Được duyệt kêu gọi tài trợ", "Approved for pitching", "approved", 3),
    Status("Đã cam kết", "Committed", "committed", 4),
    Status("Đang thực hiện", "Implementing", "implementing", 5),
    Status("Hoàn thành", "Completed", "completed", 6),
    Status("Bị từ chối", "Rejected", "rejected", 0),
    Status("Đã hủy", "Cancelled", "cancelled", 0),
)
STATUS_BY_KEY: dict[str, Status] = {s.key: s for s in STATUSES}
#: Statuses left out of every figure unless a status filter asks for them: a rejected proposal or a cancelled
#: project is no longer part of the pipeline (their need is nobody's gap).
CLOSED_STATUSES: tuple[str, ...] = ("rejected", "cancelled")
#: Statuses of the atlas before the approval workflow (issue 15) → the step they are now (schema migration 6,
#: imports of older files, older share links). An idea was not yet appraised; a project pitched to donors had
#: been cleared for pitching.
LEGACY_STATUSES: dict[str, str] = {"idea": "proposal", "pitched": "approved"}
#: Their old labels, as older import files and templates wrote them.
LEGACY_STATUS_LABELS: dict[str, Label] = {
    "idea": Label("Ý tưởng", "Idea"), "pitched": Label("Đã giới thiệu nhà tài trợ", "Pitched"),
}


#: Each status as an IATI ActivityStatus code (codelist 1 pipeline/identification, 2 implementation,
#: 3 finalisation, 4 closed, 5 cancelled, 6 suspended), for the IATI export and import. Every step before
#: implementation is pipeline (money may be committed, work has not begun); completed is finalisation, not
#: closed, because the atlas records no financial sign-off; a rejected proposal and a cancelled project are
#: both cancelled. 4 and 6 are never written: nothing the atlas keeps says so.
IATI_ACTIVITY_STATUS: dict[str, int] = {
    "proposal": 1, "appraised": 1, "approved": 1, "committed": 1, "implementing": 2, "completed": 3,
    "rejected": 5, "cancelled": 5,
}
assert set(IATI_ACTIVITY_STATUS) == set(STATUS_BY_KEY), "every status needs its IATI code"


def status_rank(key: str) -> int:
    """Position of a status in the pipeline (rejected, cancelled = 0)."""
    return STATUS_BY_KEY[key].rank


# --- money and units ------------------------------------------------------------
#: Amount columns of the funding table, VND integers, one row per project × source.
MONEY_COLUMNS: tuple[str, ...] = ("need", "committed", "disbursed")
CURRENCY = "VND"
#: Largest amount one funding line may hold: 10^15 VND (one million billion đồng, more than a province's budget
#: for years). A bigger figure is a typo (or not VND); the bound also keeps every sum far from int64's 9.2·10^18.
MAX_VND: int = 10**15
#: Largest sum of one amount column over every stored funding line (sums stay exact in int64).
MAX_TOTAL_VND: int = 10**18
#: Units of measured figures, written after a number by :mod:`geo.text.fmt` and named in
#: indicator units and column headers. Money is formatted from :data:`CURRENCY` (Babel's symbol).
UNITS: dict[str, Label] = {
    "ha": Label("ha", "ha"),
    "km2": Label("km²", "km²"),
    "percent": Label("%", "%"),
    "vnd": Label("₫", "VND"),
}

# --- money over time (issue 16) ---------------------------------------------------------
@dataclass(frozen=True)
class MoneyKind(Label):
    """A kind of dated money record: a yearly plan figure (budget) or a transaction (IATI's types 2, 3, 4)."""

    key: str = ""


MONEY_KINDS: tuple[MoneyKind, ...] = (
    MoneyKind("Kế hoạch vốn năm", "Yearly budget", "budget"),
    MoneyKind("Cam kết", "Commitment", "commitment"),
    MoneyKind("Giải ngân", "Disbursement", "disbursement"),
    MoneyKind("Chi tiêu", "Expenditure", "expenditure"),
)
MONEY_KIND_BY_KEY: dict[str, MoneyKind] = {k.key: k for k in MONEY_KINDS}
#: Kinds dated by a day (``date``); a budget is dated by its ``year`` instead.
TRANSACTION_KINDS: tuple[str, ...] = ("commitment", "disbursement", "expenditure")
#: Where a money record came from: typed or imported by a person, or turned from a funding line's total by the
#: schema-6 migration (then it has no date: the total was never dated, and no date is invented for it).
MONEY_ORIGINS: dict[str, Label] = {
    "entry": Label("nhập tay", "entered"),
    "total": Label("chuyển từ tổng số trước đây", "from the former total"),
    "import": Label("nhập từ tệp", "imported"),
}
#: Columns of the money records table (``money``), one row per dated (or undated) amount of one project and
#: funding source. ``amount`` is whole VND; ``currency`` the original currency (``VND`` when there is none),
#: with ``original_amount`` and ``rate`` (VND per unit) when it is another. ``date`` is ``YYYY-MM-DD`` or empty
#: (date unknown); ``year`` is a budget's year (empty for a transaction).
MONEY_RECORD_COLUMNS: dict[str, str] = {
    "record_id": "str",
    "project_id": "str",
    "kind": "str",
    "source": "str",
    "amount": "int",
    "currency": "str",
    "original_amount": "float",
    "rate": "float",
    "date": "str",
    "year": "Int",
    "origin": "str",
    "note": "str",
}
#: The funding-line total each transaction kind was kept as before schema 7 (need stays a plan figure).
TOTAL_OF_KIND: dict[str, str] = {"commitment": "committed", "disbursement": "disbursed"}
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

# --- beneficiaries and results (issue 16 item 3) ---------------------------------------------------------
#: Who a project serves, one row per project (table ``beneficiaries``). Every figure is optional: empty means
#: "not recorded", never 0 and never estimated. ``ethnic_groups`` is a ``;``-separated list as written
#: (e.g. ``Mông; Dao``); ``women_percent`` the share of women among the people, 0–100.
BENEFICIARY_COLUMNS: dict[str, str] = {
    "project_id": "str",
    "people": "Int",
    "households": "Int",
    "ethnic_groups": "str",
    "women_percent": "float",
    "note": "str",
}
#: A project's result indicators, one row per indicator (table ``result_indicators``): name in both
#: languages, a unit of :data:`RESULT_UNITS`, baseline (and its year), target (and its year) and the actual
#: value per year, kept as JSON ``{"2024": 120}`` in ``actuals`` (a year with no entry was not reported).
RESULT_COLUMNS: dict[str, str] = {
    "indicator_id": "str",
    "project_id": "str",
    "name_vi": "str",
    "name_en": "str",
    "unit": "str",
    "baseline": "float",
    "baseline_year": "Int",
    "target": "float",
    "target_year": "Int",
    "actuals": "str",
    "note": "str",
}
#: Units a result indicator is counted in (the name of what is counted is the indicator's own name).
RESULT_UNITS: dict[str, Label] = {
    "households": Label("hộ", "households"),
    "people": Label("người", "people"),
    "pupils": Label("học sinh", "pupils"),
    "ha": Label("ha", "ha"),
    "km": Label("km", "km"),
    "works": Label("công trình", "works"),
    "percent": Label("%", "%"),
    "count": Label("đơn vị", "units"),
}
ETHNIC_GROUP_SEP = ";"

# --- table columns -------------------------------------------------------------
PROJECT_COLUMNS: dict[str, str] = {
    # column -> dtype ("str", "int", "Int", "float"); "Int" is nullable int
    "project_id": "str",
    "name_vi": "str",
    "name_en": "str",
    "description": "str",
    "commune_code": "str",
    "content_area": "int",
    "status": "str",
    "start_year": "int",
    "end_year": "int",
    "lead_agency": "str",
    "donor": "str",
    "lon": "float",
    "lat": "float",
    "quality": "str",
}
#: Optional project columns: column -> (dtype, default when the column or the cell is empty). Files
#: written before the 2025 reform have no ``unit_version``; their codes are the 13 old units.
PROJECT_OPTIONAL_COLUMNS: dict[str, tuple[str, str]] = {
    "unit_version": ("str", "2021"),
    # issue 16 item 3: ``description`` is the Vietnamese description, this its English one (empty = none yet)
    "description_en": ("str", ""),
    # IATI export: the project's own DAC sectors (``31130:50;14030:50``, :func:`dac_sectors_of`); empty = the
    # content area's default in DAC_SECTORS. Schema step 10.
    "dac_sectors": ("str", ""),
    # issue 16 item 5: the IATI activity identifier a project was imported from (empty = not from IATI); a
    # second import of the same activity updates this project instead of making another
    "iati_identifier": ("str", ""),
}
#: Every stored project column, in stored order (required ones, then optional ones): what records,
#: the store, imports and exports carry. Use this, not PROJECT_COLUMNS, wherever a project is kept whole.
ALL_PROJECT_COLUMNS: dict[str, str] = {
    **PROJECT_COLUMNS, **{c: kind for c, (kind, _default) in PROJECT_OPTIONAL_COLUMNS.items()},
}
#: The value an optional project column takes when it is missing or blank.
PROJECT_DEFAULTS: dict[str, str] = {c: default for c, (_kind, default) in PROJECT_OPTIONAL_COLUMNS.items()}
PROJECT_REQUIRED: tuple[str, ...] = (
    "project_id", "name_vi", "commune_code", "content_area", "status", "start_year", "end_year", "quality",
)
FUNDING_COLUMNS: dict[str, str] = {
    "project_id": "str",
    "source": "str",
    "need": "int",
    "committed": "int",
    "disbursed": "int",
}
COMMUNE_COLUMNS: tuple[str, ...] = (
    "code", "name", "full_name", "name_ascii", "unit_type", "successor_code", "successor_name",
    "successor_partial", "area_km2_reported", "area_source", "population_reported",
    "households_reported", "population_source", "boundary_quality",
)
#: The two sets of administrative units a project code, map or table can refer to. "2021": the 13 units
#: of Tam Đường district the plan ran on; "2025": the communes/wards from 1 July 2025 (Resolution 1670).
UNIT_VERSIONS: dict[str, Label] = {
    "2021": Label("Đơn vị 2021–2025", "Units 2021–2025"),
    "2025": Label("Đơn vị từ 1/7/2025", "Units from 1/7/2025"),
}
DEFAULT_UNIT_VERSION = "2021"
#: Old code -> new code table (``data/crosswalk_2025.csv``); one row per old unit.
CROSSWALK_COLUMNS: tuple[str, ...] = (
    "old_code", "old_name", "new_code", "new_name", "new_type", "whole",
    "new_unit_has_outside_territory", "legal_source",
)
#: The legal source as written in the crosswalk (Vietnamese, the text of record) and as shown per language.
REFORM_LEGAL_SOURCE = "Nghị quyết 1670/NQ-UBTVQH15 ngày 16/6/2025, hiệu lực 1/7/2025"
REFORM_LEGAL_SOURCE_LABEL = Label(REFORM_LEGAL_SOURCE, "Resolution 1670/NQ-UBTVQH15 of 16/6/2025, in force 1/7/2025")
UNIT_TYPES: dict[str, Label] = {
    "thi_tran": Label("Thị trấn", "Township"),
    "xa": Label("Xã", "Commune"),
    "phuong": Label("Phường", "Ward"),
}

# --- crops and risk --------------------------------------------------------------
CROPS: dict[str, Label] = {
    "tea": Label("Chè", "Tea"),
    "ancient_tea": Label("Chè cổ thụ", "Ancient tea"),
    "specialty_rice": Label("Lúa đặc sản (Séng cù, Tẻ dậu)", "Specialty rice (Séng cù, Tẻ dậu)"),
    "banana": Label("Chuối", "Banana"),
    "temperate_fruit": Label("Cây ăn quả ôn đới", "Temperate fruit"),
}
#: Landslide-risk classes, highest first: the five of the national zoning programme (VIGMR 1:50,000 maps).
#: The bundled illustrative buffers use two of them.
RISK_LEVELS: dict[str, Label] = {
    "very_high": Label("Rất cao", "Very high"),
    "high": Label("Cao", "High"),
    "medium": Label("Trung bình", "Medium"),
    "low": Label("Thấp", "Low"),
    "very_low": Label("Rất thấp", "Very low"),
}
#: The classes the "in a high-risk zone" filter and the high-risk share count.
HIGH_RISK_LEVELS: tuple[str, ...] = ("very_high", "high")
#: Kinds of reported event (layer ``landslide_events``); all but flash floods are landslides, which the DEM
#: screening's frequency ratio counts.
EVENT_KINDS: dict[str, Label] = {
    "landslide": Label("Sạt lở đất", "Landslide"),
    "mudslide": Label("Sạt lở bùn đất", "Mudslide"),
    "rockslide": Label("Đá lở", "Rockslide"),
    "debris_flow": Label("Lũ bùn đá", "Debris flow"),
    "flash_flood": Label("Lũ quét", "Flash flood"),
}
LANDSLIDE_EVENT_KINDS: tuple[str, ...] = ("landslide", "mudslide", "rockslide", "debris_flow")
#: The columns of the reported-events layer, in order (besides ``geometry``).
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "date", "kind", "commune_code", "place", "location_accuracy", "deaths", "injured",
    "description_vi", "description_en", "source", "reliability",
)
#: Year range of the plan; projects outside 2000–2040 are rejected as typos.
PLAN_YEARS: tuple[int, int] = (2021, 2025)
SANE_YEARS: tuple[int, int] = (2000, 2040)
#: Plausibility box (west, south, east, north, degrees) of Lai Châu province, which lies at about
#: 21.7–22.8° N and 102.3–104.0° E, widened by about 0.1°: a commune boundary, zone or project point outside it
#: is refused as a wrong file or CRS. Another province sets ``[map] extent`` in its ``atlas.toml``.
PROVINCE_EXTENT: tuple[float, float, float, float] = (102.2, 21.6, 104.1, 22.95)
#: Crop-zone area a file may report (ha): no zone is larger than the province (about 9,000 km²).
MAX_ZONE_HA: float = 1_000_000.0
#: Project IDs: letters, digits, ``-``, ``_``, ``.``; no ``/``, ``:`` or spaces (they name files, e.g. one-pagers).
PROJECT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: Text columns that hold one line (the others, such as ``description`` and ``contact_notes``, may hold several).
MULTI_LINE_COLUMNS: frozenset[str] = frozenset({"description", "description_en", "contact_notes", "priorities_basis",
                                                "method"})
#: Longest text a single-line field may hold, and a multi-line one.
MAX_LINE_CHARS = 500
MAX_TEXT_CHARS = 20_000

# --- donors (issue 5) -----------------------------------------------------------------
@dataclass(frozen=True)
class DonorType(Label):
    """A kind of development partner. ``source`` is the funding-source key its money usually arrives as."""

    key: str = ""
    source: str = "oda_grant"


DONOR_TYPES: tuple[DonorType, ...] = (
    DonorType("Song phương", "Bilateral", "bilateral", "oda_grant"),
    DonorType("Đa phương", "Multilateral", "multilateral", "oda_grant"),
    DonorType("Cơ quan Liên Hợp Quốc", "UN agency", "un_agency", "oda_grant"),
    DonorType("Tổ chức phi chính phủ quốc tế", "International NGO", "ingo", "ngo"),
    DonorType("Doanh nghiệp nước ngoài", "Foreign business", "foreign_business", "foreign_business"),
)
DONOR_TYPE_BY_KEY: dict[str, DonorType] = {d.key: d for d in DONOR_TYPES}
#: How a partner provides money or help. Stored in a donor's ``instruments`` column joined by ``;``.
INSTRUMENTS: dict[str, Label] = {
    "grant": Label("Viện trợ không hoàn lại", "Grant"),
    "concessional_loan": Label("Vốn vay ưu đãi", "Concessional loan"),
    "technical_assistance": Label("Hỗ trợ kỹ thuật", "Technical assistance"),
}
INSTRUMENT_SEP = ";"
#: How much a partner cares about a content area (0 = not at all … 3 = core focus).
PRIORITY_LEVELS: dict[int, Label] = {
    0: Label("Không", "None"),
    1: Label("Có quan tâm", "Some"),
    2: Label("Ưu tiên", "Strong"),
    3: Label("Trọng tâm", "Core"),
}
DONOR_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


def priority_column(area_code: int) -> str:
    """Donor column holding the priority level of a content area: ``priority_value_chain`` for 3."""
    return f"priority_{CONTENT_AREAS[int(area_code)].key}"


#: Columns of the donor profiles table (``data/donors.csv``, the store's ``donors`` table).
DONOR_COLUMNS: dict[str, str] = {
    "donor_id": "str",
    "name": "str",
    "name_vi": "str",
    "donor_type": "str",
    "instruments": "str",
    **{priority_column(code): "int" for code in CONTENT_AREAS},
    "ticket_min": "int",  # VND
    "ticket_max": "int",  # VND
    "contact_notes": "str",
    "priorities_basis": "str",
    "priorities_quality": "str",
}
DONOR_REQUIRED: tuple[str, ...] = ("donor_id", "name", "donor_type", "instruments", "ticket_min", "ticket_max")
#: ``priorities_quality`` of a starter profile; confirming sets ``confirmed by <user> on <YYYY-MM-DD>``.
PRIORITIES_ILLUSTRATIVE = "illustrative"
PRIORITIES_CONFIRMED = re.compile(r"^confirmed by (?P<user>.+) on (?P<date>\d{4}-\d{2}-\d{2})$")


# --- layers and provenance ---------------------------------------------------------
LAYER_IDS: tuple[str, ...] = (
    "communes", "projects", "funding", "crop_zones", "risk_zones", "landslide_events", "units_2025",
    "crosswalk_2025", "donors",
)


@dataclass(frozen=True)
class Provenance:
    """Where a layer comes from. Shown in the UI and written into every export."""

    layer: str
    title: Label
    source: str
    licence: str
    date: str
    quality: Quality
    method: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    def source_in(self, lang: str) -> str:
        """The source sentence in ``lang``: a Vietnamese text (``notes["source_vi"]``) where one exists."""
        return (self.notes.get("source_vi") or self.source) if lang != "en" else self.source

    def method_in(self, lang: str) -> str:
        """The method sentence in ``lang`` (``notes["method_vi"]`` for Vietnamese where one exists)."""
        return (self.notes.get("method_vi") or self.method) if lang != "en" else self.method

    def licence_in(self, lang: str) -> str:
        """The licence in ``lang`` (``notes["licence_vi"]`` for Vietnamese where one exists); the footer
        line is :func:`geo.text.provenance_text.provenance_line`."""
        return (self.notes.get("licence_vi") or self.licence) if lang != "en" else self.licence

    @property
    def is_official(self) -> bool:
        return self.quality is Quality.OFFICIAL


def content_area_label(code: int, lang: str) -> str:
    """``"3. Value-chain agriculture and forestry"``."""
    return f"{code}. {CONTENT_AREAS[int(code)](lang)}"
