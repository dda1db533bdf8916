import string

from geo.model import schema
from geo.text import fmt, i18n


def test_ten_content_areas_bilingual():
    assert sorted(schema.CONTENT_AREAS) == list(range(1, 11))
    for area in schema.CONTENT_AREAS.values():
        assert area.vi and area.en and area.vi != area.en


def test_funding_sources_split_international_and_counterpart():
    groups = {s.key: s.group for s in schema.FUNDING_SOURCES}
    assert [k for k, g in groups.items() if g == "international"] == [
        "oda_grant", "concessional_loan", "ngo", "foreign_business"]
    assert [k for k, g in groups.items() if g == "counterpart"] == ["state_budget", "community", "domestic_business"]


def test_status_pipeline_order():
    pipeline = sorted((s for s in schema.STATUSES if s.key not in schema.CLOSED_STATUSES), key=lambda s: s.rank)
    assert [s.key for s in pipeline] == ["proposal", "appraised", "approved", "committed", "implementing", "completed"]
    assert schema.status_rank("cancelled") == schema.status_rank("rejected") < schema.status_rank("proposal")


def test_catalog_complete_and_placeholders_agree():
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key, (vi, en) in i18n.CATALOG.items():
        assert vi.strip() and en.strip(), key
        assert fields(vi) == fields(en), key


def test_language_switch_changes_text():
    assert i18n.t("app.title", "vi") != i18n.t("app.title", "en")


def test_money_formats():
    assert fmt.vnd(1234567890, "vi") == "1.234.567.890 ₫"
    assert fmt.vnd(1234567890, "en") == "VND 1,234,567,890"
    assert fmt.vnd_short(950_000_000, "vi") == "950,0 triệu ₫"
    assert fmt.vnd_short(950_000_000, "en") == "VND 950.0 million"  # donors read words, not "m"
