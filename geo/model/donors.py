"""A donor profile (:class:`DonorProfile`): what a partner funds, how, and in what ticket size.

Model layer: plain values. Reading, validating and storing profiles is :mod:`geo.ingest.donors` and
the store; matching them to projects is :mod:`geo.analysis.matching`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.model import schema

AREA_CODES: tuple[int, ...] = tuple(schema.CONTENT_AREAS)


@dataclass(frozen=True)
class DonorProfile:
    """A donor profile. ``priorities`` may be given as ``{area code: level}``; it is stored as a
    tuple of ten levels in content-area order, so profiles are hashable (cache keys)."""

    donor_id: str
    name: str
    name_vi: str = ""
    donor_type: str = "bilateral"
    instruments: tuple[str, ...] = ("grant",)
    priorities: tuple[int, ...] | Mapping[int, int] = field(default=())
    ticket_min: int = 0
    ticket_max: int = 0
    contact_notes: str = ""
    priorities_basis: str = ""
    priorities_quality: str = schema.PRIORITIES_ILLUSTRATIVE

    def __post_init__(self) -> None:
        pr = self.priorities
        if isinstance(pr, Mapping):
            pr = tuple(int(pr.get(code, 0)) for code in AREA_CODES)
        elif len(pr) != len(AREA_CODES):
            pr = tuple(list(pr) + [0] * (len(AREA_CODES) - len(pr)))[: len(AREA_CODES)]
        object.__setattr__(self, "priorities", tuple(int(x) for x in pr))
        object.__setattr__(self, "instruments", tuple(self.instruments))

    def weight(self, area_code: int) -> int:
        """Priority level (0–3) of a content area."""
        return self.priorities[AREA_CODES.index(int(area_code))]

    def label(self, lang: str) -> str:
        """Vietnamese name where given (vi), else the name."""
        return self.name_vi if lang == "vi" and self.name_vi else self.name

    @property
    def is_confirmed(self) -> bool:
        return bool(schema.PRIORITIES_CONFIRMED.match(self.priorities_quality))

    @property
    def source(self) -> str:
        """The funding-source key this partner's money usually arrives as (ODA grant, NGO, …)."""
        if self.instruments == ("concessional_loan",):
            return "concessional_loan"
        return schema.DONOR_TYPE_BY_KEY[self.donor_type].source

    def to_record(self) -> dict:
        rec: dict[str, object] = {"donor_id": self.donor_id, "name": self.name, "name_vi": self.name_vi,
               "donor_type": self.donor_type, "instruments": schema.INSTRUMENT_SEP.join(self.instruments)}
        rec.update({schema.priority_column(c): self.weight(c) for c in AREA_CODES})
        rec.update({"ticket_min": self.ticket_min, "ticket_max": self.ticket_max,
                    "contact_notes": self.contact_notes, "priorities_basis": self.priorities_basis,
                    "priorities_quality": self.priorities_quality})
        return rec

    @classmethod
    def from_record(cls, rec: Mapping) -> DonorProfile:
        """From a clean record (see :func:`clean_donor`)."""
        return cls(
            donor_id=rec["donor_id"], name=rec["name"], name_vi=rec.get("name_vi", "") or "",
            donor_type=rec["donor_type"], instruments=split_instruments(rec["instruments"]),
            priorities={c: int(rec.get(schema.priority_column(c), 0) or 0) for c in AREA_CODES},
            ticket_min=int(rec["ticket_min"]), ticket_max=int(rec["ticket_max"]),
            contact_notes=rec.get("contact_notes", "") or "", priorities_basis=rec.get("priorities_basis", "") or "",
            priorities_quality=rec.get("priorities_quality", "") or schema.PRIORITIES_ILLUSTRATIVE,
        )


def split_instruments(text: object) -> tuple[str, ...]:
    """``"grant; technical_assistance"`` → ``("grant", "technical_assistance")`` (order kept, no repeats)."""
    if isinstance(text, (list, tuple)):
        parts = [str(x) for x in text]
    else:
        parts = str(text or "").replace(",", schema.INSTRUMENT_SEP).split(schema.INSTRUMENT_SEP)
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in out:
            out.append(part)
    return tuple(out)
