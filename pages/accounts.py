"""Accounts (issue 15, admins only): add, disable or enable, unlock, reset passwords. The store checks the role."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.units import unit_table
from geo.model import roles
from geo.model.roles import Action
from geo.storage.records import KeyedRefusal
from geo.storage.store import default_store
from geo.text.i18n import t
from geo.text.safe import md_fill, md_text
from pages import _shared

lang = _shared.lang()
store = default_store()
admin = _shared.require_editor(lang)
st.title(t("admin.heading", lang))
if not _shared.may(admin, Action.MANAGE_USERS):
    st.info(t("admin.only", lang))
    st.stop()
assert admin is not None
ds = _shared.dataset()
units = {**dict(zip(ds.communes["code"], ds.communes["full_name"])),  # an editor's communes: either unit version
         **unit_table(ds, "2025")["full_name"].to_dict()}


def role_label(key: str) -> str:
    return t(f"role.{key}", lang)


def office_label(key: str) -> str:
    return t(f"office.{key}", lang) if key else t("office.none", lang)


def state_label(u) -> str:
    if u.disabled:
        return t("admin.state_disabled", lang)
    if u.locked:
        return t("admin.state_locked", lang, n=u.failed)
    return t("admin.state_active", lang)


if flash := st.session_state.pop("admin_flash", None):
    st.success(flash)
public = store.public_view()
wanted = st.toggle(t("admin.public_view", lang), value=public, key="admin_public_view",
                   help=t("admin.public_view_help", lang))
if wanted != public:
    try:
        store.set_public_view(wanted, admin.actor())
    except KeyedRefusal as err:
        st.error(err.text(lang, quote=md_text))
    else:
        st.session_state["admin_flash"] = t("admin.public_view_on" if wanted else "admin.public_view_off", lang)
        st.rerun()
users = store.list_users()
st.dataframe(pd.DataFrame([{  # a dataframe shows every value as text (display names may hold anything)
    t("admin.col_login", lang): u.login, t("admin.col_name", lang): u.display_name,
    t("admin.col_role", lang): role_label(u.role.value), t("admin.col_office", lang): office_label(u.office),
    t("admin.col_communes", lang): ", ".join(u.communes), t("admin.col_state", lang): state_label(u),
    t("admin.col_last", lang): u.last_sign_in} for u in users]), hide_index=True, width="stretch")


def done(login: str) -> None:
    st.session_state["admin_flash"] = md_fill("admin.done", lang, login=login)
    st.rerun()


with st.expander(t("admin.add_heading", lang), expanded=not users):
    with st.form("add_user_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        login = c1.text_input(t("admin.col_login", lang), key="add_login")
        name = c2.text_input(t("admin.col_name", lang), key="add_name")
        role = c1.selectbox(t("admin.col_role", lang), [r.value for r in roles.Role], key="add_role",
                            format_func=role_label)
        office = c2.selectbox(t("admin.col_office", lang), ["", *roles.OFFICES], key="add_office",
                              format_func=office_label)
        communes = st.multiselect(t("admin.col_communes", lang), list(units), key="add_communes",
                                  format_func=lambda c: f"{units[c]} ({c})")
        password = st.text_input(t("auth.new_password", lang), type="password", key="add_password",
                                 autocomplete="new-password")
        add = st.form_submit_button(t("admin.add_submit", lang), type="primary")
    if add:
        try:
            rec = store.add_user(login, password, role, display_name=name, office=office, communes=tuple(communes),
                                 by=admin.actor())
        except KeyedRefusal as err:
            st.error(err.text(lang, quote=md_text))
        else:
            st.session_state["admin_flash"] = md_fill("admin.added", lang, login=rec.login)
            st.rerun()

if users:
    by_login = {u.login: u for u in users}
    pick = st.selectbox(t("admin.pick", lang), list(by_login), key="admin_pick",
                        format_func=lambda k: f"{k} — {by_login[k].display_name}")
    u = by_login[pick]
    c1, c2 = st.columns(2)
    try:
        if u.disabled:
            if c1.button(t("admin.enable", lang), key=f"enable_{pick}"):
                store.update_user(pick, admin.actor(), disabled=False)
                done(pick)
        elif c1.button(t("admin.disable", lang), key=f"disable_{pick}"):
            store.update_user(pick, admin.actor(), disabled=True)
            done(pick)
        if u.locked and c2.button(t("admin.unlock", lang), key=f"unlock_{pick}"):
            store.unlock_user(pick, admin.actor())
            done(pick)
        with st.form(f"reset_form_{pick}", clear_on_submit=True):
            st.markdown("**" + t("admin.reset_heading", lang) + "**")
            new = st.text_input(t("auth.new_password", lang), type="password", key=f"reset_pw_{pick}",
                                autocomplete="new-password")
            if st.form_submit_button(t("admin.reset_submit", lang)):
                store.reset_password(pick, new, admin.actor())
                done(pick)
    except KeyedRefusal as err:
        st.error(err.text(lang, quote=md_text))
