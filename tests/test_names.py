import unicodedata

import pytest

from geo.ingest.names import NameIndex, fold, strip_accents


@pytest.fixture
def index(ds):
    return NameIndex.from_records(zip(ds.communes["code"], ds.communes["full_name"]))


@pytest.mark.parametrize("query, code", [
    ("Xã Bản Bo", "03424"),
    ("Ban Bo", "03424"),
    ("BẢN BO", "03424"),
    ("xa ban bo", "03424"),
    ("Thị trấn Tam Đường", "03390"),
    ("TT. Tam Đường", "03390"),
    ("tt tam duong", "03390"),
    ("Thèn Xin", "03394"),
    ("Then Sin", "03394"),
    ("  Nà   Tăm ", "03427"),
    ("Hồ Thầu", "03406"),
    ("3424", "03424"),
    ("03424", "03424"),
    ("3424.0", "03424"),
])
def test_names_resolve_to_gso_codes(index, query, code):
    assert index.match(query).code == code


def test_nfd_input_matches_nfc_names(index):
    nfd = unicodedata.normalize("NFD", "Xã Sơn Bình")
    assert nfd != "Xã Sơn Bình"
    assert index.match(nfd).code == "03413"


def test_unknown_name_is_reported_not_guessed(index):
    m = index.match("Sùng Phài")
    assert m.code is None and not m.ambiguous
    assert "Sùng Phài" in m.problem("en")


def test_ambiguity_is_reported_never_guessed():
    idx = NameIndex.from_records([("00001", "Xã Bản Hon"), ("00002", "Phường Bản Hon")])
    m = idx.match("Ban Hon")
    assert m.code is None and m.ambiguous and m.candidates == ("00001", "00002")
    assert "00001" in m.problem("vi") and "00002" in m.problem("vi")


def test_unknown_numeric_code_is_not_accepted(index):
    assert index.match("99999").code is None


def test_fold_and_strip():
    assert strip_accents("Đường") == "Duong"
    assert fold("Xã  Giang-Ma") == fold("giang ma") == "giang ma"
