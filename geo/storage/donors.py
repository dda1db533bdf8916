"""Donor profiles as :class:`geo.model.donors.DonorProfile`, read from any store.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> [p.donor_id for p in load_profiles(BundledStore())][:2]
['jica', 'koica']
"""

from __future__ import annotations

from geo.ingest.donors import profiles_from_frame
from geo.model.donors import DonorProfile
from geo.storage.interface import DonorReader


def load_profiles(store: DonorReader) -> list[DonorProfile]:
    """Every donor profile of ``store``, in stored order."""
    return profiles_from_frame(store.list_donors())
