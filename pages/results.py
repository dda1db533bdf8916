"""Projects and results (issue 16 item 3): a project's description in the reader's language, its beneficiaries and
result indicators; editors record them (the store checks the permission again and audits every write)."""

import streamlit as st

from geo.ingest import limits
from geo.ingest.imports import problems_frame
from geo.ingest.results import blank_beneficiaries, blank_indicator, typed, typed_actuals
from geo.ingest.results_import import preview_results
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.roles import Action
from geo.output import results_text
from geo.storage.records import ConflictError, PermissionDenied
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t
from geo.text.safe import md_text
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()
store = default_store()
account = _shared.signed_in()

st.title(t("results.heading", lang))
_shared.provenance_banner(ds, lang)
if flash := st.session_state.pop("results_flash", None):
    st.success(flash)

names = dict(zip(ds.projects["project_id"], ds.projects["name_en" if lang == "en" else "name_vi"]))
ids = sorted(ds.projects["project_id"])
pid = st.selectbox(t("results.pick", lang), ids, key="results_pid",
                   format_func=lambda p: f"{p} — {names.get(p) or ''}".rstrip(" —"))
project = ds.projects.set_index("project_id").loc[pid]

st.subheader(t("results.h_description", lang))
text = results_text.description(project, lang)
if not text:
    st.caption(t("results.no_description", lang))
else:
    st.markdown(md_text(text))
    if lang == "en" and not str(project.get("description_en") or "").strip():
        st.caption(t("results.other_language", lang))

st.subheader(t("results.h_beneficiaries", lang))
lines = results_text.beneficiary_lines(results_text.beneficiaries_of(ds, pid), lang)
for line in lines or [t("results.none_project", lang)]:
    st.markdown(f"- {md_text(line)}" if lines else md_text(line))

st.subheader(t("results.h_indicators", lang))
table = results_text.results_table(ds, [pid], lang)
if table.empty:
    st.caption(t("results.none_project", lang))
else:
    st.dataframe(table, hide_index=True, width="stretch", key="results_table")


def _problems(err: DataError) -> None:
    st.error("\n".join(f"- {t('data.field', lang, field=t(f'results.field.{p.column}', lang))}: "
                       f"{md_text(p.sentence(lang))}" for p in err.problems))


def _write(action, done: str) -> None:
    try:
        action()
    except DataError as err:
        _problems(err)
    except (ConflictError, PermissionDenied) as err:
        st.error(md_text(err.text(lang)))
    else:
        st.session_state["results_flash"] = t(done, lang)
        st.rerun()


if not _shared.may(account, Action.EDIT_PROJECT):
    st.caption(t("results.read_only", lang))
    st.stop()

user = _shared.acting(account)
st.caption(t("results.blank_hint", lang))
with st.expander(t("results.edit_beneficiaries", lang)):
    cur = store.get_beneficiaries(pid)
    base = cur.record if cur else blank_beneficiaries(pid)
    with st.form(f"results_ben_{pid}_{cur.revision if cur else 0}"):
        c1, c2 = st.columns(2)
        b = {"people": c1.text_input(t("results.field.people", lang), "" if base["people"] is None else str(base["people"])),
             "households": c1.text_input(t("results.field.households", lang),
                                         "" if base["households"] is None else str(base["households"])),
             "ethnic_groups": c2.text_input(t("results.field.ethnic_groups", lang), base["ethnic_groups"]),
             "women_percent": c2.text_input(t("results.field.women_percent", lang),
                                            "" if base["women_percent"] is None
                                            else fmt.editable(base["women_percent"], lang)),
             "note": st.text_input(t("results.field.note", lang), base["note"])}
        if st.form_submit_button(t("results.save", lang), type="primary"):
            b["women_percent"] = typed(b["women_percent"], lang)
            _write(lambda: store.save_beneficiaries(pid, b, cur.revision if cur else None, user), "results.saved")

indicators = store.result_indicators(pid)
NEW = ""
by_id = {r["indicator_id"]: r for _, r in indicators.iterrows()}
with st.expander(t("results.add_indicator", lang) if not by_id else t("results.edit_indicator", lang)):
    pick = st.selectbox(t("results.edit_indicator", lang), [NEW, *by_id], key=f"results_pick_{pid}",
                        format_func=lambda i: t("results.add_indicator", lang) if i == NEW
                        else results_text.indicator_name(by_id[i], lang))
    rec = store.get_indicator(pick) if pick != NEW else None
    base_i = rec.record if rec else blank_indicator(pid)
    units = list(schema.RESULT_UNITS)
    with st.form(f"results_ind_{pid}_{pick}_{rec.revision if rec else 0}"):
        c1, c2, c3 = st.columns(3)
        r = dict(base_i)
        r["name_vi"] = c1.text_input(t("results.field.name_vi", lang), base_i["name_vi"])
        r["name_en"] = c1.text_input(t("results.field.name_en", lang), base_i["name_en"])
        r["unit"] = c1.selectbox(t("results.field.unit", lang), units,
                                 index=units.index(base_i["unit"]) if base_i["unit"] in units else 0,
                                 format_func=lambda u: schema.RESULT_UNITS[u](lang))

        def num(v: object) -> str:
            return "" if v is None else fmt.editable(v, lang)  # type: ignore[arg-type]

        r["baseline"] = c2.text_input(t("results.field.baseline", lang), num(base_i["baseline"]))
        r["baseline_year"] = c2.text_input(t("results.field.baseline_year", lang),
                                           "" if base_i["baseline_year"] is None else str(base_i["baseline_year"]))
        r["target"] = c3.text_input(t("results.field.target", lang), num(base_i["target"]))
        r["target_year"] = c3.text_input(t("results.field.target_year", lang),
                                         "" if base_i["target_year"] is None else str(base_i["target_year"]))
        r["actuals"] = st.text_input(t("results.field.actuals", lang), "; ".join(
            f"{y}: {num(v)}" for y, v in base_i["actuals"].items()))
        r["note"] = st.text_input(t("results.field.note", lang), base_i["note"])
        if st.form_submit_button(t("results.save", lang), type="primary"):
            for col in ("baseline", "target"):
                r[col] = typed(r[col], lang)
            r["actuals"] = typed_actuals(r["actuals"], lang)
            if rec is None:
                _write(lambda: store.add_indicator(r, user), "results.saved")
            else:
                _write(lambda: store.update_indicator(pick, r, rec.revision, user), "results.saved")
    if rec is not None and st.button(t("results.delete_indicator", lang), key=f"results_del_{pick}"):
        _write(lambda: store.delete_indicator(pick, rec.revision, user), "results.deleted")

with st.expander(t("results.import", lang)):
    st.caption(t("results.import_help", lang))
    upload = _shared.file_uploader(t("results.import_file", lang), ["xlsx"], "results_upload",
                                   limits.MAX_TABLE_BYTES, lang)
    if upload is not None:
        try:
            got = preview_results(upload.getvalue(), upload.name, ds.projects["project_id"])
        except DataError as err:
            got = None
            st.dataframe(problems_frame(err.problems, lang), hide_index=True, width="stretch")
        if got is not None and got.problems:
            st.error(t("results.import_refused", lang, n=len(got.problems)))
            st.dataframe(problems_frame(got.problems, lang), hide_index=True, width="stretch")
        elif got is not None:
            st.info(t("results.import_ready", lang, n=len(got.indicators), b=len(got.beneficiaries)))
            if st.button(t("results.import_go", lang), type="primary", key="results_import_go"):
                _write(lambda: store.apply_results(got.indicators, got.beneficiaries, user), "results.saved")
