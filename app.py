"""Entry point: page setup, language switch and navigation. Nothing else lives here."""

import streamlit as st

from geo.model.roles import Action
from geo.storage.records import StoreUnavailable
from geo.text.i18n import t
from pages import _shared

st.set_page_config(page_title=_shared.page_title(), page_icon="🗺️", layout="wide")
nav = _shared.navigation_slot()  # the page links come first in the sidebar
_shared.load_view_from_url()  # a shared link opens its view (language, filters, commune …)
lang = _shared.language_switch()
_shared.callback_error(lang)  # a widget callback that failed before this run: a sentence, no traceback
_shared.require_store(lang)  # a shared server that is down: one clear message, no traceback
account = _shared.account_sidebar(lang)  # who is signed in (checked against the store on every run)

public = account is not None or _shared.public_view_open()  # an admin may close the read-only view
pages = [] if not public else [
    st.Page("pages/map.py", title=t("map.nav", lang), icon=":material/map:", default=True, url_path="map"),
    st.Page("pages/overview.py", title=t("nav.overview", lang), icon=":material/landscape:", url_path="overview"),
    st.Page("pages/funding.py", title=t("nav.funding", lang), icon=":material/account_balance:", url_path="funding"),
    st.Page("pages/pitch.py", title=t("nav.pitch", lang), icon=":material/handshake:", url_path="pitch"),
    st.Page("pages/results.py", title=t("results.nav", lang), icon=":material/insights:", url_path="results"),
    st.Page("pages/sources.py", title=t("nav.sources", lang), icon=":material/menu_book:", url_path="sources"),
]
# Signed-out visitors (and everyone on a fresh install without accounts) get the read-only pages only.
if account is not None:
    pages.append(st.Page("pages/data.py", title=t("nav.data", lang), icon=":material/database:", url_path="data"))
if account is not None and _shared.may(account, Action.MANAGE_USERS):
    pages.append(st.Page("pages/accounts.py", title=t("admin.nav", lang), icon=":material/group:",
                         url_path="accounts"))
pages.append(st.Page("pages/signin.py", title=t("auth.nav", lang) if account is None else t("auth.change_heading", lang),
                     icon=":material/login:" if account is None else ":material/key:", url_path="signin",
                     default=not public))
# Our own links replace Streamlit's menu: they carry the view's query, so a page change is one history entry.
page = st.navigation(pages, position="hidden")
drawn = _shared.navigation_links(nav, pages)
try:
    page.run()
    _shared.share_box(lang, page.url_path)  # after the page: the link holds the filters it just drew
except StoreUnavailable as err:  # the store refused or went away mid-page (full disk, read-only, server lost)
    st.error(err.text(lang))
except Exception as err:  # st.stop/st.rerun are BaseExceptions and pass through; anything else: a message, no traceback
    _shared.unexpected_error(err, lang, page.url_path or "map")
finally:
    _shared.sync_url()  # the address bar always holds the link to this view
    _shared.navigation_links(nav, pages, drawn)  # the links hold the filters the page just set
