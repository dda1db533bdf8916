"""Sign-in, sign-out, idle timeout, lock-out, password change and the accounts page (issue 15), in AppTest.

A fresh install (no account) is read-only with no sign-in; once an account exists, the data page and every
edit control need one. The store enforces the roles (tests/test_store_contract.py); these tests check what a
person at the page sees and can do.
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest import imports
from geo.model import roles
from geo.storage.store import default_store
from geo.text.i18n import t
from tests.helpers import PASSWORD, XSS, add_account, share_link


def sign_in_form(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="signin_login").set_value(login)
    at.text_input(key="signin_password").set_value(password)
    return next(b for b in at.button if b.label == t("auth.submit", at.session_state["lang"])).click().run()


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error,
                                            *at.success, *at.title, *at.sidebar.caption, *at.sidebar.info])


# --- a fresh install: read-only, no sign-in ----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fresh_install_is_read_only_and_says_how_to_create_the_first_admin(app_page, lang):
    at = app_page("pages/signin.py", lang)
    assert not at.exception
    assert "python -m geo users add --role admin" in " ".join(i.value for i in at.info)
    assert not at.text_input  # no sign-in form without accounts
    pitch = app_page("pages/pitch.py", lang)
    assert not pitch.exception and not [s for s in pitch.selectbox if s.key == "edit_donor"]  # no donor form


def test_signed_out_visitors_never_reach_the_data_page(app_page, store):
    for accounts in (False, True):
        if accounts:
            add_account(store, "admin1")
        at = app_page("pages/data.py", "en")
        assert not at.exception
        assert t("data.heading", "en") not in [x.value for x in at.title]  # the map opens instead
        assert not at.get("file_uploader") and not [d for d in at.get("download_button") if d.key == "export_download"]
        assert not [b for b in at.button if b.label in (t("data.save", "en"), t("data.confirm_import", "en"))]


# --- signing in and out ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sign_in_through_the_form_then_sign_out_drops_the_whole_session(app_page, store, lang):
    add_account(store, "lan", "planner", display_name="Lò Thị Lan")
    at = app_page("pages/signin.py", lang, units_kept="2025", data_pid="TD-001")
    at = sign_in_form(at, "Lan", PASSWORD)
    assert not at.exception and at.session_state["auth"]["login"] == "lan"
    assert "units_kept" not in at.session_state  # a new session: nothing carried over from before the sign-in
    assert t("auth.signed_in_as", lang, name="Lò Thị Lan", role=t("role.planner", lang)) in texts(at)
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == t("data.heading", lang)
    at.session_state["data_pid"] = "TD-002"
    at = at.sidebar.button(key="sign_out").click().run()
    assert "auth" not in at.session_state and "data_pid" not in at.session_state
    assert at.session_state["lang"] == lang
    assert t("auth.signed_out", lang) in texts(at)


def test_wrong_password_is_refused_and_counted_in_the_store(app_page, store):
    add_account(store, "lan", "planner")
    at = sign_in_form(app_page("pages/signin.py", "vi"), "lan", "not-the-password")
    assert "auth" not in at.session_state
    assert t("err.signin.wrong", "vi") in " ".join(e.value for e in at.error)
    assert default_store().get_user("lan").failed == 1


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(app_page, store):
    add_account(store, "lan", "planner")
    at = app_page("pages/signin.py", "en")
    for _ in range(20):
        at = sign_in_form(at, "lan", "guess-" + PASSWORD)
    assert default_store().get_user("lan").locked
    at = sign_in_form(at, "lan", PASSWORD)
    assert "auth" not in at.session_state
    assert t("err.signin.locked", "en", n=roles.MAX_FAILED_SIGN_INS) in " ".join(e.value for e in at.error)
    default_store().unlock_user("lan", add_account(store, "admin1").actor())
    at = sign_in_form(at, "lan", PASSWORD)
    assert at.session_state["auth"]["login"] == "lan"


def test_an_idle_session_is_signed_out(app_page, signed_in):
    state = signed_in("planner")
    state["auth"]["seen"] = time.time() - (roles.IDLE_MINUTES + 1) * 60
    at = app_page("pages/data.py", "en", **state)
    assert "auth" not in at.session_state
    assert t("auth.idle_out", "en", minutes=roles.IDLE_MINUTES) in texts(at)
    assert t("data.heading", "en") not in [x.value for x in at.title]


def test_a_password_reset_or_disable_ends_the_session_at_the_next_click(app_page, signed_in, store):
    state = signed_in("planner")
    at = app_page("pages/data.py", "en", **state)
    assert at.title[0].value == t("data.heading", "en")
    admin = add_account(store, "admin1").actor()
    default_store().reset_password("planner1", "Another-Passw0rd", admin)
    at.run()
    assert "auth" not in at.session_state and t("auth.session_ended", "en") in texts(at)


def test_own_password_change_needs_the_current_password(app_page, signed_in):
    at = app_page("pages/signin.py", "en", **signed_in("viewer"))
    at.text_input(key="pw_old").set_value("wrong one entirely")
    at.text_input(key="pw_new").set_value("brand-new-Passw0rd")
    at.text_input(key="pw_new2").set_value("brand-new-Passw0rd")
    at = next(b for b in at.button if b.label == t("auth.change_submit", "en")).click().run()
    assert t("err.signin.old_password", "en") in " ".join(e.value for e in at.error)
    at.text_input(key="pw_old").set_value(PASSWORD)
    at.text_input(key="pw_new").set_value("brand-new-Passw0rd")
    at.text_input(key="pw_new2").set_value("brand-new-Passw0rd")
    at = next(b for b in at.button if b.label == t("auth.change_submit", "en")).click().run()
    assert "auth" not in at.session_state  # signed out: sign in again with the new password
    assert default_store().authenticate("viewer1", "brand-new-Passw0rd").login == "viewer1"


# --- what each role sees ----------------------------------------------------------------------------------
def test_a_viewer_sees_the_data_but_no_edit_control(app_page, signed_in):
    at = app_page("pages/data.py", "en", **signed_in("viewer"))
    assert not at.exception and at.title[0].value == t("data.heading", "en")
    labels = {b.label for b in at.button}
    assert not labels & {t("data.save", "en"), t("data.delete", "en"), t("data.restore", "en"),
                         t("data.confirm_import", "en"), t("data.confirm_layer", "en")}
    assert all(u.proto.disabled for u in at.get("file_uploader"))
    assert t("data.new", "en") not in " ".join(str(o) for s in at.selectbox for o in s.options)
    assert not [d for d in at.get("download_button") if d.proto.label == t("audit.download_csv", "en")]
    pitch = app_page("pages/pitch.py", "en", **signed_in("viewer"))
    assert not [s for s in pitch.selectbox if s.key == "edit_donor"]


def test_a_commune_editor_picks_only_projects_and_communes_of_their_own(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in("commune_editor", ("03427",)))
    pids = [o for o in at.selectbox(key="data_pid").options]
    ds = store.load()
    mine = set(ds.projects.loc[ds.projects["commune_code"] == "03427", "project_id"])
    assert {p.split(" — ")[0] for p in pids if " — " in p} == mine and mine
    commune = next(s for s in at.selectbox if s.label == "Commune")
    assert [o.split("(")[-1].rstrip(")") for o in commune.options] == ["03427"]
    assert t("data.delete", "en") not in [e.label for e in at.get("expander")]
    status = next(s for s in at.selectbox if s.label == "Status")
    assert status.options == ["Proposal"]  # editors propose (and withdraw); the district takes the later steps


def test_cancelling_on_the_page_asks_for_a_note_and_writes_nothing_without_one(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in("planner"))
    at.selectbox(key="data_pid").set_value("TD-004").run()
    next(s for s in at.selectbox if s.label == "Status").set_value("cancelled")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert "moving it to 'Cancelled' needs a note saying why" in " ".join(e.value for e in at.error)
    assert store.get_project("TD-004").project["status"] != "cancelled"


def test_a_planner_is_offered_the_workflow_moves_and_a_rejection_needs_a_note(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in("planner"))
    at.selectbox(key="data_pid").set_value("TD-004").run()
    status = next(s for s in at.selectbox if s.label == "Status")
    assert status.options == ["Proposal", "Appraised", "Rejected", "Cancelled"]  # no step skipped
    status.set_value("rejected")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert "moving it to 'Rejected' needs a note saying why" in " ".join(e.value for e in at.error)
    assert store.get_project("TD-004").project["status"] == "proposal"
    next(s for s in at.selectbox if s.label == "Status").set_value("rejected")
    next(i for i in at.text_input if i.label == t("data.note", "en")).set_value("Trùng với TD-011")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert not at.exception and not at.error
    assert store.get_project("TD-004").project["status"] == "rejected"
    assert (store.history("TD-004")[-1].user, store.history("TD-004")[-1].note) == ("planner1", "Trùng với TD-011")


def test_a_planner_downloads_the_change_log(app_page, signed_in):
    at = app_page("pages/data.py", "en", **signed_in("planner"))
    labels = [d.proto.label for d in at.get("download_button")]
    assert t("audit.download_csv", "en") in labels and t("audit.download_xlsx", "en") in labels


# --- the accounts page ----------------------------------------------------------------------------------------
def test_admin_adds_an_account_whose_html_name_is_shown_as_text(app_page, signed_in):
    at = app_page("pages/accounts.py", "en", **signed_in("admin"))
    assert at.title[0].value == t("admin.heading", "en")
    at.text_input(key="add_login").set_value("xss1")
    at.text_input(key="add_name").set_value(XSS)
    at.selectbox(key="add_role").set_value("viewer")
    at.text_input(key="add_password").set_value(PASSWORD)
    at = next(b for b in at.button if b.label == t("admin.add_submit", "en")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert default_store().get_user("xss1").display_name == XSS
    table = at.dataframe[0].value
    assert XSS in set(table[t("admin.col_name", "en")])  # a dataframe cell: text, never HTML
    assert XSS not in texts(at) and "<img" not in texts(at)
    signed = app_page("pages/overview.py", "en", **signed_in(login="xss1"))
    shown = " ".join(c.value for c in signed.sidebar.caption)
    assert "\\<img" in shown and "<img src" not in shown.replace("\\<img", "")


def test_admin_disables_and_a_weak_password_is_refused_on_the_page(app_page, signed_in, store):
    add_account(store, "plan1", "planner")
    at = app_page("pages/accounts.py", "vi", **signed_in("admin"))
    at.selectbox(key="admin_pick").set_value("plan1").run()
    at = at.button(key="disable_plan1").click().run()
    assert default_store().get_user("plan1").disabled
    at.selectbox(key="admin_pick").set_value("plan1").run()
    at.text_input(key="reset_pw_plan1").set_value("short")
    at = next(b for b in at.button if b.label == t("admin.reset_submit", "vi")).click().run()
    assert t("err.account.password", "vi", n=roles.MIN_PASSWORD_LENGTH) in " ".join(e.value for e in at.error)


def test_non_admins_have_no_accounts_page(app_page, signed_in):
    at = app_page("pages/accounts.py", "en", **signed_in("planner"))
    assert not at.exception and t("admin.heading", "en") not in [x.value for x in at.title]
    assert not [x for x in at.text_input if x.key == "add_login"]


def test_a_viewer_replaying_an_editors_widget_actions_is_refused_by_the_store(app_page, signed_in, store, monkeypatch):
    from geo.storage.records import PermissionDenied

    calls: list[tuple] = []
    cls = type(default_store())
    original = cls.update_project

    def recorded(self, *args, **kwargs):  # what the page's Save hands the store, passed on unchanged
        calls.append((args, kwargs))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, "update_project", recorded)
    editor = signed_in("commune_editor", ("03394",))  # TD-004 is in Thèn Sin
    at = app_page("pages/data.py", "en", **editor)
    at.selectbox(key="data_pid").set_value("TD-004").run()
    actions = {"name_en": "Replayed name", "lead_agency": "Replayed agency"}
    for column, value in actions.items():
        next(i for i in at.text_input if i.label == imports.field_label(column, "en")).set_value(value)
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert not at.exception and len(calls) == 1
    (pid, project, lines, _rev, *_), kwargs = calls[0]
    saved = store.get_project("TD-004")
    assert (saved.project["name_en"], saved.project["lead_agency"]) == ("Replayed name", "Replayed agency")
    viewer_state = signed_in("viewer")
    before = (saved, store.audit_log(10_000))
    # the viewer's own session on the same project has no form whose widgets it could set, nor a Save to click
    at = app_page("pages/data.py", "en", **viewer_state)
    at.selectbox(key="data_pid").set_value("TD-004").run()
    assert t("data.save", "en") not in [b.label for b in at.button]
    # and the editor's exact store call, replayed as the viewer (account or login), is refused by the store
    viewer = store.get_user("viewer1")
    for who in (viewer.actor(), "viewer1"):
        with pytest.raises(PermissionDenied) as err:
            store.update_project(pid, dict(project, name_en="Replayed again"), lines, saved.revision, who, **kwargs)
        assert "viewer1" in err.value.text("en") and "nothing was changed" in err.value.text("en").lower()
        assert "không có gì thay đổi" in err.value.text("vi").lower()
    assert (store.get_project("TD-004"), store.audit_log(10_000)) == before


# --- a read-only share link -------------------------------------------------------------------------------
def test_a_share_link_opens_the_same_view_signed_out_and_read_only(app_page, signed_in):
    from urllib.parse import parse_qs, urlsplit

    from tests.helpers import APP

    at = app_page("pages/pitch.py", "en", **signed_in("admin"))  # an administrator sees the donor form
    assert [s for s in at.selectbox if s.key == "edit_donor"]
    at.sidebar.multiselect(key="f_statuses").set_value(["approved", "committed"]).run()
    at.sidebar.multiselect(key="f_areas").set_value([3]).run()
    link = share_link(at)
    assert link is not None and urlsplit(link).path == "/pitch"
    query = parse_qs(urlsplit(link).query)
    assert query == {"lang": ["en"], "area": ["3"], "status": ["approved", "committed"]}
    opened = AppTest.from_file(APP, default_timeout=120)  # the recipient: a new browser session, nobody signed in
    opened.query_params.update(query)
    opened.switch_page("pages/pitch.py").run()
    assert not opened.exception and not opened.error
    assert opened.sidebar.radio(key="lang").value == "en"
    assert opened.sidebar.multiselect(key="f_statuses").value == ["approved", "committed"]
    assert opened.sidebar.multiselect(key="f_areas").value == [3]
    assert not [s for s in opened.selectbox if s.key == "edit_donor"]  # no edit control
    assert not [b for b in opened.button if b.key and b.key.startswith(("confirm_", "save_", "delete_"))]
    assert "auth" not in opened.session_state  # nobody is signed in there


def test_the_data_page_has_no_share_link(app_page, signed_in):
    at = app_page("pages/data.py", "en", **signed_in("admin"))
    assert t("data.heading", "en") in [x.value for x in at.title] and share_link(at) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_with_the_public_view_closed_a_visitor_gets_only_the_sign_in_page(app_page, signed_in, store, lang):
    add_account(store, "admin1")
    store.set_public_view(False, "admin1")
    for page in ("pages/map.py", "pages/funding.py", "pages/pitch.py", None):
        at = app_page(page, lang)
        assert not at.exception
        assert [x.value for x in at.title] == [t("auth.heading", lang)], page  # the sign-in page, nothing else
        assert t("auth.public_view_off", lang) in texts(at)
        assert not at.dataframe and not at.metric
    at = app_page("pages/map.py", lang, **signed_in("admin"))  # signed in, everything is there again
    assert t("auth.heading", lang) not in [x.value for x in at.title] and not at.exception


def test_the_admin_page_switches_the_public_view_in_the_store(app_page, signed_in, store):
    at = app_page("pages/accounts.py", "en", **signed_in("admin"))
    toggle = at.toggle(key="admin_public_view")
    assert toggle.value is True and toggle.label == t("admin.public_view", "en")
    at = toggle.set_value(False).run()
    assert not at.exception and store.public_view() is False
    assert t("admin.public_view_off", "en") in texts(at)
    assert [e.action for e in store.audit_log(1)] == ["public-view"]
