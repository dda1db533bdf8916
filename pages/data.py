"""Data management: edit projects (with history), import projects and layers, export. Logic lives in geo/."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.analysis import units
from geo.ingest import iati, imports, layer_import, limits
from geo.ingest.money import blank_money
from geo.ingest.records import blank_project, validate_record
from geo.ingest.validate import DataError, Problem
from geo.model import roles, schema, workflow
from geo.model.roles import Action
from geo.output.exports import audit_export, export_data
from geo.output.exports import iati as iati_export
from geo.output.reports import money_report
from geo.storage.layer_commit import commit_layer
from geo.storage.records import ConflictError, KeyedRefusal
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines
from geo.text.safe import md_fill, md_text
from pages import _shared

lang = _shared.lang()
account = _shared.require_editor(lang)  # once accounts exist this page needs a sign-in; a fresh install: read-only
ds = _shared.dataset()
store = default_store()
user = _shared.acting(account)  # the store checks this account's role on every write, whatever is shown here
can_edit = _shared.may(account, Action.EDIT_PROJECT)
can_delete = _shared.may(account, Action.DELETE_PROJECT)
mine = set(account.communes) if account is not None and account.role in roles.SCOPED_ROLES else None

st.title(t("data.heading", lang))
st.caption(md_fill("data.intro", lang, path=store.location()))
_shared.provenance_banner(ds, lang)
names = _shared.commune_names(ds, lang)
if not can_edit:
    st.info(t("auth.read_only_role", lang))


def show_problems(problems, header_key: str, labels: bool) -> None:
    st.error(t(header_key, lang))
    frame = imports.problems_frame(problems, lang, labels).rename(columns={
        "row": t("data.col_row", lang), "column": t("data.col_column", lang), "problem": t("data.col_problem", lang)})
    st.dataframe(frame, hide_index=True, width="stretch")


PROVENANCE_FIELDS = {"source": "common.source", "licence": "common.licence", "date": "common.date",
                     "quality": "common.quality"}


def field_errors(problems, provenance: bool = False) -> None:
    """Problems by field; ``provenance``: the fields are a layer's source/licence/date/quality,
    not the project columns of the same name (e.g. "source" is not a funding source there)."""
    lines = []
    for p in problems:
        label = (t(PROVENANCE_FIELDS[p.column], lang) if provenance and p.column in PROVENANCE_FIELDS
                 else imports.field_label(p.column, lang))
        where = t("data.field", lang, field=label)
        if p.row:
            where += f" ({t('data.line', lang, n=p.row)})"
        lines.append(f"- {where}: {p.sentence(lang, quote=md_text)}")  # sentences quote user values
    st.error(t("data.invalid", lang) + "\n\n" + "\n".join(lines))


def state_frame(state: dict | None) -> pd.DataFrame:
    """A project version as a two-column table (text only, never HTML)."""
    if state is None:
        return pd.DataFrame({"": [t("data.conflict_deleted", lang)]})
    rows = [(imports.field_label(k, lang), audit_export.cell_text(k, v, lang))
            for k, v in state["project"].items() if k != "revision"]
    rows += [(schema.SOURCE_BY_KEY[ln["source"]](lang) if ln["source"] in schema.SOURCE_BY_KEY else ln["source"],
              " / ".join(f"{t(f'common.{c}', lang)} {fmt.vnd(ln[c], lang)}" for c in schema.MONEY_COLUMNS))
             for ln in state["funding"]]
    return pd.DataFrame(rows, columns=[t("data.col_field", lang), t("data.col_value", lang)])


tab_projects, tab_import, tab_iati, tab_layer, tab_export, tab_log = st.tabs([
    t("data.tab_projects", lang), t("data.tab_import", lang), t("iati.tab", lang), t("data.tab_layer", lang),
    t("data.tab_export", lang), t("data.tab_log", lang)])

# --- projects: form, conflict, delete, history ------------------------------------------------------
with tab_projects:
    NEW = "__new__"
    shown_projects = ds.projects if mine is None else ds.projects[ds.projects["commune_code"].isin(mine)]
    labels = dict(zip(shown_projects["project_id"], shown_projects["name_vi"]))
    if nxt := st.session_state.pop("data_pid_next", None):
        st.session_state["data_pid"] = nxt
    pid = st.selectbox(t("data.pick", lang), [NEW, *labels] if can_edit else list(labels), key="data_pid",
                       format_func=lambda k: t("data.new", lang) if k == NEW else f"{k} — {labels[k]}")
    # The form shows the version the user opened (kept across reruns), so a save made meanwhile by
    # someone else is detected as a conflict instead of silently replacing the form's content.
    opened = st.session_state.get("data_opened") or {}
    if opened.get("pid") != pid or "rec" not in opened:
        opened = {"pid": pid, "rec": store.get_project(pid) if pid != NEW else None}
        st.session_state["data_opened"] = opened
    rec = opened["rec"]
    base = rec.project if rec else blank_project()
    lines = rec.funding if rec else []
    rev = rec.revision if rec else 0
    if rec:
        st.caption(t("data.revision", lang, rev=rev))
    k = f"{pid}_{rev}"
    submitted = False
    if not can_edit:  # a viewer reads the project as a table: no edit control at all
        if rec is not None:
            st.dataframe(state_frame({"project": rec.project, "funding": rec.funding}), hide_index=True,
                         width="stretch")
    else:
        # Outside the form so that choosing a version reruns and the commune list follows it.
        versions = list(schema.UNIT_VERSIONS)
        version = st.selectbox(imports.field_label("unit_version", lang), versions, key=f"unit_version_{k}",
                               index=versions.index(base["unit_version"]) if base["unit_version"] in versions else 0,
                               format_func=lambda v: schema.UNIT_VERSIONS[v](lang), help=t("data.unit_version_help", lang))
        old_codes, new_codes = ds.communes["code"].tolist(), ds.units_2025["code"].tolist()
        codes = new_codes if version == "2025" else old_codes
        if mine is not None:  # a commune editor chooses among their own communes (the store refuses any other)
            codes = [c for c in codes if c in mine] or codes
        unit_names = names if version == "2021" else units.unit_table(ds, version)["full_name"].to_dict()
        with st.form(f"project_form_{k}"):
            c1, c2 = st.columns(2)
            f = {}
            f["project_id"] = c1.text_input(imports.field_label("project_id", lang), base["project_id"],
                                            disabled=rec is not None)
            f["name_vi"] = c1.text_input(imports.field_label("name_vi", lang), base["name_vi"])
            f["name_en"] = c1.text_input(imports.field_label("name_en", lang), base["name_en"])
            f["description"] = c1.text_area(imports.field_label("description", lang), base["description"])
            f["description_en"] = c1.text_area(imports.field_label("description_en", lang), base["description_en"])
            f["commune_code"] = c2.selectbox(imports.field_label("commune_code", lang), codes,
                                             index=codes.index(base["commune_code"]) if base["commune_code"] in codes else 0,
                                             format_func=lambda c: f"{unit_names.get(c, c)} ({c})")
            areas = list(schema.CONTENT_AREAS)
            f["content_area"] = c2.selectbox(imports.field_label("content_area", lang), areas,
                                             index=areas.index(base["content_area"]) if base["content_area"] in areas else 0,
                                             format_func=lambda a: schema.content_area_label(a, lang))
            # the moves of the approval workflow this account may make (the store checks again)
            statuses = (workflow.choices(account.actor(), rec.project["status"] if rec else None)
                        if account is not None else [s.key for s in schema.STATUSES])
            statuses = statuses if base["status"] in statuses or rec is None else [base["status"], *statuses]
            f["status"] = c2.selectbox(imports.field_label("status", lang), statuses,
                                       index=statuses.index(base["status"]) if base["status"] in statuses else 0,
                                       format_func=lambda s: schema.STATUS_BY_KEY[s](lang))
            lo, hi = schema.SANE_YEARS
            f["start_year"] = c2.number_input(imports.field_label("start_year", lang), lo, hi,
                                              base["start_year"] or schema.PLAN_YEARS[1], step=1)
            f["end_year"] = c2.number_input(imports.field_label("end_year", lang), lo, hi,
                                            base["end_year"] or schema.PLAN_YEARS[1], step=1)
            f["lead_agency"] = c1.text_input(imports.field_label("lead_agency", lang), base["lead_agency"])
            f["donor"] = c1.text_input(imports.field_label("donor", lang), base["donor"])
            f["dac_sectors"] = c1.text_input(imports.field_label("dac_sectors", lang), base.get("dac_sectors") or "",
                                             help=t("data.dac_sectors_help", lang))
            f["lon"] = c2.text_input(imports.field_label("lon", lang), "" if base["lon"] is None else str(base["lon"]))
            f["lat"] = c2.text_input(imports.field_label("lat", lang), "" if base["lat"] is None else str(base["lat"]))
            qualities = [q.value for q in schema.Quality]
            f["quality"] = c2.selectbox(imports.field_label("quality", lang), qualities,
                                        index=qualities.index(base["quality"] if base["quality"] in qualities else schema.NEW_PROJECT_QUALITY.value),
                                        format_func=lambda q: _shared.quality_label(schema.Quality(q), lang))
            st.markdown(f"**{t('data.lines', lang)}**")
            # amounts as text in the language's digit groups (6.800.000.000 ₫); the store reads them back with the
            # importer's parser. A NumberColumn would follow the browser's locale and could show 6,800,000,000.
            shown_lines = pd.DataFrame(lines, columns=["source", *schema.MONEY_COLUMNS])
            for c in schema.MONEY_COLUMNS:
                shown_lines[c] = pd.Series([fmt.number(v, lang) for v in shown_lines[c]], index=shown_lines.index,
                                           dtype="string")
            edited = st.data_editor(
                shown_lines, num_rows="dynamic", width="stretch",
                key=f"lines_{k}", column_config={
                    "source": st.column_config.SelectboxColumn(
                        imports.field_label("source", lang), options=[s.key for s in schema.FUNDING_SOURCES],
                        format_func=lambda k: schema.SOURCE_BY_KEY[k](lang), required=True),
                    **{c: st.column_config.TextColumn(imports.field_label(c, lang), help=t("data.amount_help", lang),
                                                      validate=r"^[0-9., ]*$") for c in schema.MONEY_COLUMNS}})
            change_note = st.text_input(t("data.note", lang), key=f"note_{k}")
            allow_over = st.checkbox(t("data.allow_over", lang))
            submitted = st.form_submit_button(t("data.save", lang), type="primary")
    if submitted:
        project = {**f, "lon": f["lon"] or None, "lat": f["lat"] or None, "unit_version": version}
        new_lines = [r for r in edited.to_dict("records") if r.get("source")]
        problems = validate_record(project, new_lines, old_codes, allow_over, unit_codes_2025=new_codes)
        if problems:
            field_errors(problems)
        else:
            try:
                if rec is None:
                    saved = store.create_project(project, new_lines, user, allow_over, note=change_note)
                else:
                    saved = store.update_project(pid, project, new_lines, rev, user, allow_over, note=change_note)
                st.session_state["data_opened"] = {"pid": saved.project["project_id"], "rec": saved}
                st.session_state["data_flash"] = md_fill("data.saved", lang, pid=saved.project["project_id"],
                                                           rev=saved.revision)
                if rec is None:
                    st.session_state["data_pid_next"] = saved.project["project_id"]
                st.rerun()
            except ConflictError as err:
                st.session_state["data_conflict"] = err
            except KeyedRefusal as err:  # the store refused this account (role, commune): one sentence
                st.error(err.text(lang, quote=md_text))
            except DataError as err:  # a bad field, or a store that refused the write (full disk, read-only)
                if err.problems:
                    field_errors(err.problems)
                else:
                    _shared.show_data_error(err, lang)
    conflict = st.session_state.get("data_conflict")
    if conflict is not None and conflict.project_id == pid:
        st.warning(t("data.conflict", lang))
        a, b = st.columns(2)
        a.markdown(f"**{t('data.conflict_mine', lang)}**")
        a.dataframe(state_frame(conflict.mine), hide_index=True, width="stretch")
        b.markdown(f"**{t('data.conflict_theirs', lang)}**")
        b.dataframe(state_frame({"project": conflict.theirs.project, "funding": conflict.theirs.funding}
                                if conflict.theirs else None), hide_index=True, width="stretch")
        if can_edit and a.button(t("data.keep_mine", lang), key="keep_mine"):
            kept = conflict.mine
            try:
                if conflict.theirs is None:
                    saved = store.create_project(kept["project"], kept["funding"], user, allow_overcommit=True,
                                                 note=st.session_state.get(f"note_{k}", ""))
                else:
                    saved = store.update_project(pid, kept["project"], kept["funding"], conflict.theirs.revision,
                                                 user, allow_overcommit=True,
                                                 note=st.session_state.get(f"note_{k}", ""))
                st.session_state["data_opened"] = {"pid": pid, "rec": saved}
                del st.session_state["data_conflict"]
            except ConflictError as again:  # a third person saved meanwhile: show their version instead
                st.session_state["data_conflict"] = again
            except KeyedRefusal as err:
                st.error(err.text(lang, quote=md_text))
                st.stop()
            st.rerun()
        if b.button(t("data.keep_theirs", lang), key="keep_theirs"):
            st.session_state["data_opened"] = {}
            del st.session_state["data_conflict"]
            st.rerun()
    if flash := st.session_state.pop("data_flash", None):
        st.success(flash)

    if rec is not None and can_delete:
        with st.expander(t("data.delete", lang)):
            sure = st.checkbox(t("data.delete_confirm", lang), key=f"del_sure_{k}")
            if st.button(t("data.delete", lang), disabled=not sure, key=f"del_{k}"):
                try:
                    store.delete_project(pid, rev, user)
                    st.session_state["data_flash"] = md_fill("data.deleted", lang, pid=pid)
                    st.session_state["data_opened"] = {}
                    st.rerun()
                except ConflictError as err:
                    st.session_state["data_conflict"] = err
                    st.rerun()
    if rec is not None:  # dated money records of this project (issue 16): its own revisions and audit rows
        with st.expander(t("money.records_heading", lang)):
            st.caption(t("money.explain", lang))
            recs_now = store.money_records(pid)
            if (recs_now["origin"] == "total").any():
                st.caption(t("money.dating_hint", lang))
            if recs_now.empty:
                st.caption(t("money.none_project", lang))
            else:
                st.dataframe(money_report.records_table(recs_now, lang), hide_index=True, width="stretch")
            if can_edit:
                by_id = {r["record_id"]: r for r in recs_now.to_dict("records")}
                pick_m = st.selectbox(t("money.pick", lang), [NEW, *by_id], key=f"money_pick_{k}",
                                      format_func=lambda r: t("money.new", lang) if r == NEW
                                      else money_report.record_label(by_id[r], lang))
                # the version the user opened stays across reruns, so a save made meanwhile is a conflict
                opened_m = st.session_state.get("money_opened") or {}
                if (opened_m.get("pid"), opened_m.get("rid")) != (pid, pick_m):
                    opened_m = {"pid": pid, "rid": pick_m, "rec": store.get_money(pick_m) if pick_m != NEW else None}
                    st.session_state["money_opened"] = opened_m
                cur_m = opened_m["rec"]
                base_m = cur_m.record if cur_m else blank_money(pid, "disbursement", lines[0]["source"] if lines else "")
                mk = f"{k}_{pick_m}_{cur_m.revision if cur_m else 0}"
                with st.form(f"money_form_{mk}"):
                    c1, c2, c3 = st.columns(3)
                    kinds = [m.key for m in schema.MONEY_KINDS]
                    sources = [s.key for s in schema.FUNDING_SOURCES]
                    m = {"project_id": pid, "origin": base_m["origin"]}
                    m["kind"] = c1.selectbox(t("money.field.kind", lang), kinds, index=kinds.index(base_m["kind"]),
                                             format_func=lambda key: schema.MONEY_KIND_BY_KEY[key](lang))
                    m["source"] = c1.selectbox(t("money.field.source", lang), sources,
                                               index=sources.index(base_m["source"]) if base_m["source"] in sources else 0,
                                               format_func=lambda key: schema.SOURCE_BY_KEY[key](lang))
                    m["amount"] = c2.number_input(t("money.field.amount", lang), min_value=0, step=1,
                                                  value=int(base_m["amount"] or 0))
                    m["date"] = c2.text_input(t("money.field.date", lang), base_m["date"], help=t("money.date_help", lang))
                    m["year"] = c2.text_input(t("money.field.year", lang),
                                              "" if base_m["year"] is None else str(base_m["year"]))
                    m["currency"] = c3.text_input(t("money.field.currency", lang), base_m["currency"])
                    m["original_amount"] = c3.text_input(t("money.field.original_amount", lang),
                                                         "" if base_m["original_amount"] is None else str(base_m["original_amount"]))
                    m["rate"] = c3.text_input(t("money.field.rate", lang),
                                              "" if base_m["rate"] is None else str(base_m["rate"]))
                    m["note"] = st.text_input(t("money.field.note", lang), base_m["note"])
                    save_m = st.form_submit_button(t("money.save", lang), type="primary")
                if save_m:
                    if str(m["currency"]).strip().upper() not in ("", schema.CURRENCY) and not m["amount"]:
                        m["amount"] = ""  # computed from the original amount and the rate
                    try:
                        if cur_m is None:
                            saved_m = store.add_money(m, user)
                        else:
                            saved_m = store.update_money(pick_m, m, cur_m.revision, user)
                        st.session_state["data_flash"] = t("money.saved", lang, rid=saved_m.record["record_id"],
                                                           rev=saved_m.revision)
                        st.session_state["money_opened"] = {}
                        st.rerun()
                    except ConflictError as err:
                        st.error(err.text(lang))
                        st.session_state["money_opened"] = {}  # the next run shows their version
                    except KeyedRefusal as err:
                        st.error(err.text(lang, quote=md_text))
                    except DataError as err:
                        if err.problems:
                            st.error(t("money.invalid", lang) + "\n\n" + "\n".join(
                                f"- {t('data.field', lang, field=t(f'money.field.{p.column}', lang))}: "
                                f"{p.sentence(lang, quote=md_text)}" for p in err.problems))
                        else:
                            _shared.show_data_error(err, lang)
                if cur_m is not None:
                    sure_m = st.checkbox(t("money.delete_confirm", lang), key=f"money_del_sure_{mk}")
                    if st.button(t("money.delete", lang), disabled=not sure_m, key=f"money_del_{mk}"):
                        try:
                            store.delete_money(pick_m, cur_m.revision, user)
                            st.session_state["data_flash"] = t("money.deleted", lang, rid=pick_m)
                            st.session_state["money_opened"] = {}
                            st.rerun()
                        except ConflictError as err:
                            st.error(err.text(lang))
                            st.session_state["money_opened"] = {}
                        except KeyedRefusal as err:
                            st.error(err.text(lang, quote=md_text))
    entries = store.history(pid) if pid != NEW else []
    with st.expander(t("data.history", lang), expanded=bool(entries)):
        if not entries:
            st.caption(t("data.no_history", lang))
        else:
            st.dataframe(audit_export.history_frame(entries, lang), hide_index=True, width="stretch")
            versions = {(i, w): state for i, w, state in store.versions(pid)}
            choice = st.selectbox(t("data.restore_pick", lang), list(versions)[::-1], key=f"restore_pick_{k}",
                                  format_func=lambda v: t(f"data.version_{v[1]}", lang, id=v[0]))
            st.dataframe(state_frame(versions[choice]), hide_index=True, width="stretch")
            if can_edit and st.button(t("data.restore", lang), key=f"restore_{k}"):
                current = store.get_project(pid)
                try:
                    saved = store.restore(pid, choice[0], current.revision if current else None, user, choice[1])
                    st.session_state["data_opened"] = {"pid": pid, "rec": saved}
                    st.session_state["data_flash"] = t("data.restored", lang, id=choice[0])
                    st.rerun()
                except ConflictError as err:
                    st.session_state["data_conflict"] = err
                    st.rerun()
                except KeyedRefusal as err:
                    st.error(err.text(lang, quote=md_text))

@st.cache_data(show_spinner=False, max_entries=2)
def _template_bytes(version: str) -> bytes:
    return imports.write_template(io.BytesIO(), default_store().load()).getvalue()


# --- import projects ------------------------------------------------------------------------------------
with tab_import:
    if not can_edit:
        st.info(t("auth.read_only_role", lang))
    st.download_button(t("data.template", lang), _template_bytes(store.version()), "mau_nhap_du_an.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption(t("data.template_help", lang))
    upload = _shared.file_uploader(t("data.upload_table", lang), ["csv", "txt", "xlsx"], "data_table_upload",
                                   imports.MAX_BYTES, lang, disabled=not can_edit)
    if upload is not None:
        cache = st.session_state.get("data_import")
        if cache is None or cache[0] != upload.file_id:
            try:
                pre = imports.preview_projects(upload.getvalue(), upload.name, ds, store.project_revisions())
            except DataError as err:
                pre = imports.ProjectImport(upload.name, "?", problems=err.problems)
            st.session_state["data_import"] = (upload.file_id, pre)
        pre = st.session_state["data_import"][1]
        if pre.problems:  # nothing can be imported yet: say how many rows are fine, and show them
            bad = len(pre.problem_rows())
            st.write(md_fill("data.preview_with_problems", lang, file=pre.file, enc=pre.encoding, n=pre.rows_read,
                             bad=bad, good=max(pre.rows_read - bad, 0)))
            show_problems(pre.problems, "data.problems", labels=False)
            valid = pre.valid_rows(lang)
            if len(valid):
                with st.expander(t("data.valid_rows", lang, n=len(valid))):
                    st.dataframe(valid, hide_index=True, width="stretch", key="import_valid_rows")
        else:
            st.write(md_fill("data.preview_summary", lang, file=pre.file, enc=pre.encoding, n=len(pre.records),
                             new=len(pre.new_ids), changed=len(pre.changed_ids)))
        if pre.warnings:
            st.warning(t("data.warnings", lang))
            st.dataframe(imports.problems_frame(pre.warnings, lang), hide_index=True, width="stretch")
        if len(pre.matches):
            with st.expander(t("data.matches", lang)):
                st.dataframe(layer_import.match_table(pre.matches, lang), hide_index=True, width="stretch")
        if pre.records:
            st.dataframe(pre.table(), hide_index=True, width="stretch")
        st.info(t("data.nothing_written", lang))
        if pre.ok:
            over_ok = st.checkbox(t("data.allow_over", lang), key="import_over") if pre.overcommitted else False
            if st.button(t("data.confirm_import", lang), type="primary",
                         disabled=bool(pre.overcommitted) and not over_ok, key="confirm_import"):
                try:
                    counts = store.apply_projects(pre.records, pre.base_revisions, user, f"import {pre.file}",
                                                  allow_overcommit=over_ok)
                    st.session_state["data_import_done"] = (True, t("data.imported", lang, **counts))
                except KeyedRefusal as err:
                    st.session_state["data_import_done"] = (False, err.text(lang, quote=md_text))
                except DataError as err:
                    st.session_state["data_import_done"] = (False, err.text(lang, quote=md_text))
                except ConflictError as err:
                    st.session_state["data_import_done"] = (False, md_text(err))
                st.session_state.pop("data_import", None)
                st.rerun()
    if done := st.session_state.pop("data_import_done", None):
        ok, message = done
        (st.success if ok else st.error)(message)  # a refused import must not look like a success

# --- import a donor's IATI activity file (issue 16 item 5) --------------------------------------------
with tab_iati:
    if not can_edit:
        st.info(t("auth.read_only_role", lang))
    st.caption(t("iati.intro", lang))
    iati_file = _shared.file_uploader(t("iati.upload", lang), ["xml"], "iati_upload", limits.MAX_UPLOAD_BYTES, lang,
                                      disabled=not can_edit)
    c1, c2 = st.columns(2)
    rates_text = c1.text_area(t("iati.rates", lang), key="iati_rates", disabled=not can_edit)
    rate_source = c2.text_input(t("iati.rate_source", lang), key="iati_rate_source", disabled=not can_edit)
    if iati_file is not None:
        key = (iati_file.file_id, rates_text, rate_source, store.version())
        cache = st.session_state.get("iati_import")
        if cache is None or cache[0] != key:
            try:
                rates = iati.parse_rates(iati_file.name, rates_text.splitlines(), rate_source, lang)
                iati_pre = iati.preview_iati(io.BytesIO(iati_file.getvalue()), iati_file.name, ds,
                                             store.money_records(), store.project_revisions(), rates, rate_source)
            except DataError as err:
                iati_pre = iati.IatiImport(iati_file.name, problems=err.problems)
            st.session_state["iati_import"] = (key, iati_pre)
        iati_pre = st.session_state["iati_import"][1]
        if iati_pre.read:
            st.write(md_fill("iati.summary", lang, file=iati_pre.file, version=iati_pre.version, n=iati_pre.read,
                             kept=len(iati_pre.records), new=len(iati_pre.new_ids),
                             changed=len(iati_pre.changed_ids), unchanged=len(iati_pre.unchanged_ids),
                             outside=iati_pre.outside, money=len(iati_pre.money), gone=len(iati_pre.money_gone)))
        if len(iati_pre.activities):
            st.dataframe(iati_pre.table(lang), hide_index=True, width="stretch", key="iati_preview")
        if iati_pre.problems:
            st.error(t("iati.problems", lang))
            st.dataframe(iati.problems_frame(iati_pre.problems, lang), hide_index=True, width="stretch",
                         key="iati_problems")
        if iati_pre.notes:
            st.warning(t("iati.notes", lang))
            st.dataframe(iati.problems_frame(iati_pre.notes, lang), hide_index=True, width="stretch", key="iati_notes")
        st.info(t("data.nothing_written", lang))
        if iati_pre.ok and not iati_pre.changes:
            st.success(t("iati.nothing_to_do", lang))
        elif iati_pre.ok and can_edit and st.button(t("iati.confirm", lang), type="primary", key="confirm_iati"):
            try:  # the store checks the account's role and communes on every project and record it writes
                counts = store.apply_projects(iati_pre.records, iati_pre.base_revisions, user,
                                              f"import {iati_pre.file}", allow_overcommit=True, money=iati_pre.money,
                                              money_revisions=iati_pre.money_revisions,
                                              money_gone=iati_pre.money_gone)
                st.session_state["iati_done"] = (True, t("iati.imported", lang, **counts))
            except (KeyedRefusal, DataError) as err:
                st.session_state["iati_done"] = (False, err.text(lang, quote=md_text))
            except ConflictError as err:
                st.session_state["iati_done"] = (False, md_text(err))
            st.session_state.pop("iati_import", None)
            st.rerun()
    if done := st.session_state.pop("iati_done", None):
        ok, message = done
        (st.success if ok else st.error)(message)

# --- import a layer -----------------------------------------------------------------------------------
with tab_layer:
    if not _shared.may(account, Action.REPLACE_LAYER):
        st.info(t("admin.only_layers", lang))
    kind = st.selectbox(t("data.layer_kind", lang), list(layer_import.KINDS), key="layer_kind",
                        format_func=lambda k: t(f"data.kind.{k}", lang))
    layer_file = _shared.file_uploader(t("data.upload_layer", lang), ["geojson", "json", "zip", "gpkg", "kml", "kmz", "csv"],
                                       "data_layer_upload", layer_import.MAX_LAYER_BYTES, lang,
                                       disabled=not _shared.may(account, Action.REPLACE_LAYER))
    crs_options = ["", schema.METRIC_CRS, schema.NATIONAL_CRS, schema.GEOGRAPHIC_CRS, "EPSG:4756"]
    crs = st.selectbox(t("data.crs", lang), crs_options, key="layer_crs",
                       format_func=lambda c: t("data.crs_auto", lang) if not c else c)
    with st.container(border=True):
        st.markdown(f"**{t('data.prov', lang)}**")
        p1, p2 = st.columns(2)
        src = p1.text_input(t("data.prov_source", lang), key="prov_source")
        lic = p1.text_input(t("data.prov_licence", lang), key="prov_licence")
        when = p2.text_input(t("data.prov_date", lang), date.today().isoformat(), key="prov_date")
        qual = p2.selectbox(t("common.quality", lang), [q.value for q in schema.Quality], key="prov_quality",
                            format_func=lambda q: _shared.quality_label(schema.Quality(q), lang))
        method = st.text_input(t("data.prov_method", lang), key="prov_method")
    if layer_file is not None:
        li = None
        # Risk zones: the class field and the value → class choices made below on an earlier run.
        class_field = (st.session_state.get("risk_class_field") or None) if kind == "risk" else None
        map_prefix = f"riskmap|{layer_file.name}|{class_field or ''}|"
        class_map = {k[len(map_prefix):]: v for k, v in st.session_state.items()
                     if kind == "risk" and isinstance(k, str) and k.startswith(map_prefix) and v}
        try:
            li = layer_import.preview_layer(kind, layer_file.getvalue(), layer_file.name, ds, crs or None,
                                            class_field=class_field, class_map=class_map)
        except layer_import.CRSNeeded as err:
            st.warning(t("data.crs_needed", lang) + " " + " ".join(p.sentence(lang, quote=md_text) for p in err.problems))
        except DataError as err:
            show_problems(err.problems, "data.problems", labels=False)
        if li is not None:
            for note in li.notes:
                st.info(note.text(lang, quote=md_text))  # notes quote the file's CRS name
            if li.repairs:
                st.warning(t("data.repairs", lang))
                st.dataframe(imports.problems_frame(li.repairs, lang), hide_index=True, width="stretch")
            if len(li.matches):
                st.dataframe(layer_import.match_table(li.matches, lang), hide_index=True, width="stretch")
            if kind == "risk" and li.fields:  # the review step: which field, and which value is which class
                with st.container(border=True):
                    st.markdown(f"**{t('data.class.heading', lang)}**")
                    st.caption(t("data.class.help", lang))
                    st.selectbox(t("data.class.field", lang), ["", *li.fields], key="risk_class_field",
                                 format_func=lambda f: t("data.class.field_auto", lang) if not f else f)
                    levels = ["", *schema.RISK_LEVELS]
                    for rec in li.classes.to_dict("records"):
                        c1, c2 = st.columns([3, 2])
                        c1.markdown(md_fill("data.class.row", lang, value=rec["value"] or "—",
                                            n=fmt.number(rec["n"], lang)))
                        c2.selectbox(t("data.class.class", lang), levels, index=levels.index(rec["class"]),
                                     key=f"{map_prefix}{rec['value']}", label_visibility="collapsed",
                                     format_func=lambda k: schema.RISK_LEVELS[k](lang) if k
                                     else t("data.class.unmapped", lang))
            if li.problems:
                show_problems(li.problems, "data.problems", labels=False)
            else:
                st.write(md_fill("data.layer_ready", lang, n=len(li.gdf), crs=li.source_crs or crs))
                st.info(t("data.nothing_written", lang))
                if st.button(t("data.confirm_layer", lang), type="primary", key="confirm_layer"):
                    try:
                        summary = commit_layer(store, li, ds, src, lic, when, qual, method, user)
                        st.session_state["data_layer_done"] = t("data.layer_done", lang,
                                                                  summary=summary.text(lang, quote=md_text))
                        st.rerun()
                    except KeyedRefusal as err:
                        st.error(err.text(lang, quote=md_text))
                    except DataError as err:
                        field_errors(err.problems, provenance=True)
    if done := st.session_state.pop("data_layer_done", None):
        st.success(done)

# --- export ---------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def _export_bytes(version: str, fmt: str, lang: str, hxl: bool) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        export_data.export_store(default_store(), fmt, path, lang, hxl)
        return path.read_bytes()


@st.cache_data(show_spinner=False, max_entries=2)
def _iati_file(version: str) -> iati_export.IatiFile | list[Problem]:
    """The checked IATI file, or the problems that refused it (nothing is offered then)."""
    store_now = default_store()
    try:
        return iati_export.build_iati(store_now.load(), store_now.money_records())
    except DataError as err:
        return err.problems


with tab_export:
    chosen_fmt = st.radio(t("data.format", lang), list(export_data.FORMATS), key="export_fmt",
                          format_func=lambda f: t(f"data.fmt.{f}", lang))
    hxl = st.checkbox(t("data.hxl", lang), key="export_hxl") if chosen_fmt == "csv" else False
    ext = export_data.EXTENSIONS[chosen_fmt]
    if chosen_fmt == "iati":  # checked before it is offered; the placeholder ref and undated amounts said beside it
        made = _iati_file(store.version())
        if isinstance(made, list):
            st.error(t("iati.refused", lang) + "\n\n"  # each sentence names the activity and the element
                     + "\n".join(f"- {p.sentence(lang, quote=md_text)}" for p in made))
        else:
            for note in made.notes(lang):
                st.warning(md_text(note))
            st.download_button(t("data.download", lang), made.xml, "tam_duong_atlas_iati.xml",
                               mime="application/xml", key="export_download")
    else:
        st.download_button(t("data.download", lang), _export_bytes(store.version(), chosen_fmt, lang, hxl),
                           f"tam_duong_atlas_{chosen_fmt}.{ext}" if chosen_fmt in ("3w", "fts")
                           else f"tam_duong_atlas.{ext}", key="export_download")
    st.caption(t("data.export_note", lang))
    st.caption(" · ".join(md_text(line) for line in provenance_lines(ds, lang)))

# --- change log -------------------------------------------------------------------------------------------
with tab_log:
    log = store.audit_log(200)
    if not log:
        st.caption(t("data.no_history", lang))
    else:
        st.dataframe(audit_export.history_frame(log, lang, with_subject=True), hide_index=True, width="stretch")
        present = set(ds.projects["project_id"])
        gone = {e.project_id: e.id for e in log if e.action == "delete" and e.project_id not in present}
        if gone and can_edit:
            back = st.selectbox(t("data.deleted_pick", lang), list(gone), key="restore_deleted_pick")
            if st.button(t("data.restore", lang), key="restore_deleted"):
                try:
                    store.restore(back, gone[back], None, user)
                    st.session_state["data_flash"] = t("data.restored", lang, id=gone[back])
                    st.rerun()
                except KeyedRefusal as err:
                    st.error(err.text(lang, quote=md_text))
    if _shared.may(account, Action.EXPORT_AUDIT):
        st.markdown("**" + t("audit.heading", lang) + "**")
        a1, a2 = st.columns(2)
        start = a1.date_input(t("audit.from", lang), value=None, key="audit_from", format=_shared.DATE_INPUT[lang])
        end = a2.date_input(t("audit.to", lang), value=None, key="audit_to", format=_shared.DATE_INPUT[lang])
        entries = audit_export.entries_between(store, start, end)
        st.caption(t("audit.count", lang, n=len(entries)))
        d1, d2 = st.columns(2)
        d1.download_button(t("audit.download_csv", lang), audit_export.to_csv(entries, lang), "nhat_ky_thay_doi.csv",
                           "text/csv", key="audit_csv")
        d2.download_button(t("audit.download_xlsx", lang), audit_export.to_xlsx(entries, lang),
                           "nhat_ky_thay_doi.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="audit_xlsx")
