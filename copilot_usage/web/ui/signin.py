"""The sign-in box and the signed-in account box.

With an OAuth app configured: streamlit-oauth's button and popup, with the
state and PKCE checks and the code exchange done by `github/oauth.py`. Without
one (demo mode): demo personas, resolved through the same `build_viewer`.
The viewer's token lives in `st.session_state` and, sealed (`web/session.py`),
in a session cookie, so a reload or a new tab stays signed in for SESSION_HOURS.
Who the viewer is (org membership, teams, admin) is asked of GitHub again, with
their token, once the last answer is ten minutes old and in every new browser
session, so a removed membership or a revoked token stops counting soon.

Streamlit has no server-side way to set a cookie, so the cookie is written by a
line of JavaScript (`st.html`); it therefore cannot be HttpOnly, which is why
what it holds is sealed: script in the page can copy it, never read the token.
"""

from __future__ import annotations

import contextlib
import json
import time
from urllib.parse import urlsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit_oauth import OAuth2Component, StreamlitOauthError

from ...analysis.access import Viewer, build_viewer
from ...config import Settings
from ...contract.teams import Team
from ...errors import AccessDenied, CopilotUsageError, Forbidden
from ...github.client import GitHubClient
from ...github.directory import viewer_profile
from ...github.oauth import (
    SCOPES,
    OAuthConfig,
    authorization_url,
    check_callback,
    exchange_code,
    new_pkce_pair,
    revoke_token,
)
from ..session import COOKIE_NAME, DEMO_SECRET, Sealer, Session, SessionRefused
from ..viewer import resolve_viewer
from .data import admin_entries, or_stop, settings_or_stop
from .text import inert

VIEWER_KEY = "viewer"
TOKEN_KEY = "github_token"
CHECKED_AT_KEY = "viewer_checked_at"  # time.time() of the last answer from GitHub about the viewer
RECHECK_SECONDS = 600
_PENDING_KEY = "sign_in_pending"   # (state, code_verifier) of the login in progress
_ATTEMPT_KEY = "sign_in_attempt"   # a fresh component key per attempt: no stale callback replays
_ERROR_KEY = "sign_in_error"
_SEALED_KEY = "session_cookie"       # the sealed session this browser should hold
_DEAD_COOKIE_KEY = "dead_cookie"     # a cookie this browser session signed out of or refused
_NOTICE_KEY = "sign_out_notice"
_KEPT_KEYS = (_ATTEMPT_KEY, _DEAD_COOKIE_KEY, _NOTICE_KEY)
_PER_VIEWER_KEYS = ("own_team_licences", "team_member_lists")  # ui/picker.py, ui/members.py
PERSONA_LABELS = {
    "two-teams": "Member of two teams",
    "admin": "Admin",
    "no-team": "Member of no team",
    "outsider": "Not in the organisation",
}
_GITHUB_ICON = ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
                "<path fill='%2324292f' d='M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17"
                ".55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15"
                "-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78"
                "-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64"
                "-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51"
                ".56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2"
                " 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z'/></svg>")


def current_viewer(*, check_token: bool = False) -> Viewer | None:
    """The signed-in viewer, asked of GitHub again when the last answer is 10 minutes old.

    A new browser session (reload, new tab) starts from the session cookie. With
    `check_token` (the entrypoint, once per render) GitHub is also asked whether the token
    still works, so a token revoked elsewhere ends the session at the next render.
    Signed out (None, with a message) when the cookie is refused or GitHub no longer
    accepts the token; AccessDenied when GitHub cannot be asked about memberships:
    nothing is shown on memberships that cannot be confirmed. Demo personas have no
    token and are not asked again.
    """
    if st.session_state.get(VIEWER_KEY) is None and not st.session_state.get(TOKEN_KEY):
        _restore_from_cookie()
    viewer = known = st.session_state.get(VIEWER_KEY)
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return viewer
    settings = settings_or_stop()
    checked = st.session_state.get(CHECKED_AT_KEY)
    if viewer is not None and isinstance(checked, (int, float)) and 0 <= time.time() - checked < RECHECK_SECONDS:
        if check_token and not _token_works(settings, token):
            return _signed_out_by_github()
        return viewer
    try:
        with GitHubClient(settings.github_api_url, token=token, max_retries=1, max_wait_seconds=5) as client:
            viewer = resolve_viewer(client, settings.org, admin_entries(settings))
    except Forbidden as exc:
        if exc.status != 401:
            raise AccessDenied(str(exc)) from None
        return _signed_out_by_github()
    except CopilotUsageError:
        raise AccessDenied("Your organisation and team memberships could not be confirmed with GitHub "
                           "just now, so no usage is shown. Try again in a minute.") from None
    if viewer != known:  # what was worked out from the old memberships goes with them
        for key in _PER_VIEWER_KEYS:
            st.session_state.pop(key, None)
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[CHECKED_AT_KEY] = time.time()
    return viewer


def _token_works(settings: Settings, token: str) -> bool:
    """One `GET /user`: False only when GitHub says the token is no longer valid (401). When
    GitHub cannot be asked, the 10-minute membership check decides instead."""
    try:
        with GitHubClient(settings.github_api_url, token=token, max_retries=0, max_wait_seconds=2,
                          timeout=10) as client:
            viewer_profile(client)
    except Forbidden as exc:
        return exc.status != 401
    except CopilotUsageError:
        return True
    return True


def _signed_out_by_github() -> None:
    _forget_viewer()  # revoked on GitHub, or expired: nothing to revoke here
    _refuse_cookie()
    st.session_state[_ERROR_KEY] = "Your GitHub sign-in is no longer valid. Please sign in again."
    return None


def sealer(settings: Settings) -> Sealer:
    """The deployment's sealer: a cookie of another org or OAuth app is foreign here."""
    audience = "demo" if settings.demo_mode else f"{settings.org} {settings.github_oauth_client_id}"
    return Sealer(settings.session_secret or (DEMO_SECRET if settings.demo_mode else ""),
                  hours=settings.session_hours, audience=audience)


def _restore_from_cookie() -> None:
    """A new browser session signed in by its cookie: the token (checked with GitHub right
    after) or the demo persona. A refused cookie signs out with its sentence."""
    sealed = _cookie()
    if not sealed or sealed == st.session_state.get(_DEAD_COOKIE_KEY):
        return
    settings = settings_or_stop()
    try:
        session = sealer(settings).open(sealed)
        if settings.demo_mode != bool(session.persona) or session.persona and session.persona not in PERSONA_LABELS:
            raise SessionRefused("Your saved sign-in belongs to another way of signing in, so you "
                                 "are signed out. Please sign in again.")
    except SessionRefused as exc:
        st.session_state[_DEAD_COOKIE_KEY] = sealed
        st.session_state[_ERROR_KEY] = str(exc)
        return
    st.session_state[_SEALED_KEY] = sealed
    if session.persona:
        st.session_state[VIEWER_KEY] = or_stop(lambda: demo_viewer(session.persona, settings))
    else:
        st.session_state[TOKEN_KEY] = session.token  # current_viewer asks GitHub who this is


def _cookie() -> str | None:
    """The session cookie this browser session started with (Streamlit reads cookies once, at
    connection), or None."""
    value = st.context.cookies.get(COOKIE_NAME)
    return value if isinstance(value, str) and value else None


def _start_session(settings: Settings, viewer: Viewer, *, token: str = "", persona: str = "") -> None:
    st.session_state.pop(_DEAD_COOKIE_KEY, None)
    if token:
        st.session_state[TOKEN_KEY] = token
        st.session_state[CHECKED_AT_KEY] = time.time()
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[_SEALED_KEY] = sealer(settings).seal(Session(viewer.login, token=token, persona=persona))


def _refuse_cookie() -> None:
    """This browser session will not sign in again from the cookie it started with."""
    if sealed := _cookie():
        st.session_state[_DEAD_COOKIE_KEY] = sealed


def _forget_viewer() -> None:
    """Forget everything about this viewer (picked team, licence counts, token, sealed session);
    keep the attempt counter, so an old popup answer can never replay."""
    for key in list(st.session_state.keys()):
        if key not in _KEPT_KEYS:
            del st.session_state[key]


def _cookie_script(settings: Settings, value: str, max_age: int) -> None:
    """Write (or, with max_age 0, delete) the session cookie in the browser.

    SameSite=Lax keeps it off cross-site requests; Secure when the app is served over https.
    """
    parts = urlsplit(settings.app_url)
    attributes = f"; Path={parts.path or '/'}; Max-Age={max_age}; SameSite=Lax"
    if parts.scheme == "https":
        attributes += "; Secure"
    cookie = json.dumps(f"{COOKIE_NAME}={value}{attributes}")
    st.html(f"<script>document.cookie = {cookie};</script>", unsafe_allow_javascript=True, width="content")


def oauth_config(settings: Settings) -> OAuthConfig:
    return OAuthConfig(settings.github_oauth_client_id, settings.github_oauth_client_secret,
                       settings.github_web_url, settings.github_api_url, settings.app_url)


class GitHubSignIn:
    """streamlit-oauth's button pointed at GitHub, with state required on the callback.

    The library's public `OAuth2Component.authorize_button` draws the button and its popup;
    its client is `_Authorization` below, so the library neither builds the authorization
    URL nor exchanges the code. The library compares `state` only when the callback carries
    one; here a callback without our state is refused before any exchange, and the exchange
    (client_secret_post + PKCE) is `github/oauth.py`'s.
    """

    def __init__(self, config: OAuthConfig):
        self.config = config

    def sign_in(self) -> str | None:
        """Draw the button; once the popup comes back, the viewer's access token."""
        attempt = st.session_state.setdefault(_ATTEMPT_KEY, 0)
        button = OAuth2Component(client=_Authorization(self.config))
        try:
            callback = button.authorize_button(
                "Login with GitHub", self.config.redirect_uri, SCOPES, height=800, width=600,
                key=f"github-sign-in-{attempt}", icon=_GITHUB_ICON, use_container_width=False,
                auto_click=False)
        except StreamlitOauthError as exc:  # an error answer, or a state that is not this login's
            callback = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {"state": None}
        if not callback:
            return None
        # Whatever happens next, the next attempt gets a new state, verifier and button.
        state, verifier, _ = st.session_state.pop(_PENDING_KEY, (None, None, None))
        st.session_state[_ATTEMPT_KEY] = attempt + 1
        code = check_callback(callback, expected_state=state)
        return exchange_code(self.config, code, verifier)


class _Authorization:
    """The client streamlit-oauth's button asks for the authorization URL and, after the
    callback, for the token: the URL is GitHub's with the button's state and our PKCE
    challenge (kept in the session with the state); the token is left to `sign_in`, which
    checks the callback's state first."""

    def __init__(self, config: OAuthConfig):
        self.config = config

    async def get_authorization_url(self, redirect_uri, scope, state=None, extras_params=None) -> str:
        pending = st.session_state.get(_PENDING_KEY)
        if pending is None or pending[0] != state:
            pending = st.session_state[_PENDING_KEY] = (state, *new_pkce_pair())
        return authorization_url(self.config, state, pending[2])

    async def get_access_token(self, code, redirect_uri, code_verifier=None) -> None:
        return None


def sign_in_box(settings: Settings) -> None:
    """Shown on every page until someone signs in; deletes a session cookie left behind
    (after sign-out, or one that was refused)."""
    st.title("Copilot Usage")
    _cookie_script(settings, "", 0)
    if error := st.session_state.pop(_ERROR_KEY, None):
        st.error(inert(error))
    if notice := st.session_state.pop(_NOTICE_KEY, None):
        st.success(notice, icon=":material/logout:")
    if settings.demo_mode:
        _demo_box(settings)
    else:
        _github_box(settings)


def _github_box(settings: Settings) -> None:
    st.write(f"Sign in with your GitHub account to see how your teams in **{settings.org}** use "
             "Copilot. The app asks GitHub for read-only access to your profile and to your "
             "organisation and team memberships (`read:user read:org`).")
    try:
        token = GitHubSignIn(oauth_config(settings)).sign_in()
        if token is None:
            return
        with GitHubClient(settings.github_api_url, token=token, max_retries=2) as client:
            viewer = resolve_viewer(client, settings.org, admin_entries(settings))
    except CopilotUsageError as exc:
        st.session_state[_ERROR_KEY] = str(exc)
        st.rerun()
    _start_session(settings, viewer, token=token)
    st.rerun()


@st.cache_resource(show_spinner="Building the demo organisation…")
def demo_org():
    from ...demo import build_demo_org  # only demo mode pays for it

    return build_demo_org()


def demo_viewer(persona: str, settings: Settings) -> Viewer:
    """The Viewer a demo persona signs in as, resolved like a real one would be."""
    org = demo_org()
    login = org.personas[persona]
    users = {u["login"]: u for u in org.users}
    teams = [Team(name=t["name"], slug=t["slug"], description=t.get("description") or "",
                  url=t.get("html_url") or "")
             for t in org.teams if login in org.members.get(t["slug"], [])]
    return build_viewer(users.get(login, {"login": login}), in_org=login in users, teams=teams,
                        admin_entries=admin_entries(settings))


def _demo_box(settings: Settings) -> None:
    st.write("Sign in to see how your teams use GitHub Copilot. This is the demo: pick who "
             "you want to be.")
    with st.form("demo-sign-in"):
        persona = st.radio("Sign in as", list(PERSONA_LABELS), format_func=PERSONA_LABELS.get)
        if st.form_submit_button("Sign in", type="primary"):
            _start_session(settings, or_stop(lambda: demo_viewer(persona, settings)), persona=persona)
            st.rerun()


def account_box(viewer: Viewer, settings: Settings) -> None:
    """Who is signed in, in the sidebar, with a way out that revokes the token."""
    with st.sidebar:
        role = "admin" if viewer.is_admin else "member" if viewer.in_org else "not in the organisation"
        st.caption(f"Signed in as **{inert(viewer.login)}** ({role})")
        if st.button("Sign out"):
            sign_out(settings)
        if sealed := st.session_state.get(_SEALED_KEY):
            _cookie_script(settings, sealed, sealer(settings).max_age)


def sign_out(settings: Settings) -> None:
    """Revoke the token, forget the session and its cookie, and show the signed-out page.

    Query parameters bound to view widgets cannot be removed while those widgets exist
    (Streamlit raises), so only the unbound team choice goes; the view stays in the URL.
    """
    token = st.session_state.get(TOKEN_KEY)
    notice = "You are signed out."
    if token and not settings.demo_mode:
        notice += (" The app's access to your GitHub account was revoked." if revoke_token(oauth_config(settings), token)
                   else " GitHub did not confirm revoking the app's access; you can revoke it in your "
                        "GitHub settings under Applications.")
    _refuse_cookie()
    _forget_viewer()
    st.session_state[_NOTICE_KEY] = notice
    drop_query_params("team")
    st.rerun()


def drop_query_params(*names: str) -> None:
    """Remove these query parameters, skipping any that a widget on this page is bound to."""
    for name in names:
        with contextlib.suppress(StreamlitAPIException):
            st.query_params.pop(name, None)
