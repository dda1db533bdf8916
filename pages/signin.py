"""Sign in (issue 15), and a signed-in user's own password change. The checks live in the store."""

from __future__ import annotations

import streamlit as st

from geo.storage.records import KeyedRefusal
from geo.storage.store import default_store
from geo.text.i18n import t
from geo.text.safe import md_fill, md_text
from pages import _shared

lang = _shared.lang()
store = default_store()
account = _shared.signed_in()

if account is None:
    st.title(t("auth.heading", lang))
    st.caption(t("auth.intro", lang))
    if not store.has_users():
        st.info(t("auth.no_accounts", lang))
        st.stop()
    if not store.public_view():
        st.info(t("auth.public_view_off", lang))
    with st.form("sign_in_form", clear_on_submit=True):  # the password never stays in a widget
        login = st.text_input(t("auth.login", lang), key="signin_login", autocomplete="username")
        password = st.text_input(t("auth.password", lang), type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        try:
            rec = store.authenticate(login, password)
        except KeyedRefusal as err:
            st.error(err.text(lang, quote=md_text))
        else:
            _shared.sign_in(rec)
            st.rerun()
    st.stop()

st.title(t("auth.change_heading", lang))
st.write(t("auth.signed_in_as", lang, name=md_text(account.display_name), role=t(f"role.{account.role.value}", lang)))
if account.communes:
    st.caption(md_fill("auth.communes_mine", lang, communes=", ".join(account.communes)))
with st.form("change_password_form", clear_on_submit=True):
    old = st.text_input(t("auth.old_password", lang), type="password", key="pw_old", autocomplete="current-password")
    new = st.text_input(t("auth.new_password", lang), type="password", key="pw_new", autocomplete="new-password")
    again = st.text_input(t("auth.new_password2", lang), type="password", key="pw_new2", autocomplete="new-password")
    change = st.form_submit_button(t("auth.change_submit", lang), type="primary")
if change:
    if new != again:
        st.error(t("err.account.mismatch", lang))
    else:
        try:
            store.change_password(account.login, old, new)
        except KeyedRefusal as err:
            st.error(err.text(lang, quote=md_text))
        else:
            _shared.sign_out("auth.changed")  # every session of this account, this one too, signs in again
            st.rerun()
