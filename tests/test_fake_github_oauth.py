"""The loopback fake GitHub plays the web OAuth flow and the viewer endpoints, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fake_github import FakeGitHub

pytestmark = pytest.mark.integration

REDIRECT = "http://localhost:8501/component/streamlit_oauth.authorize_button"
RESTRICTED_START = ("Although you appear to have the correct authorization credentials, the `octo-demo` "
                    "organization has enabled OAuth App access restrictions")


@pytest.fixture(scope="module")
def fake(demo_org):
    with FakeGitHub(demo_org) as github:
        yield github


@pytest.fixture
def http(fake):
    with httpx.Client(base_url=fake.url, follow_redirects=False, timeout=10) as client:
        yield client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class Form(HTMLParser):
    """The page's form as a browser sees it: action, method, fields, options, buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.action = self.method = None
        self.hidden: dict[str, str] = {}
        self.options: list[tuple[str, str]] = []   # (value, label)
        self.buttons: list[tuple[dict, str]] = []  # (attrs, text)
        self.select_name = None
        self._in = None
        self._attrs: dict = {}
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action, self.method = a.get("action"), (a.get("method") or "get").lower()
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select_name = a["name"]
        elif tag in ("option", "button", "title"):
            self._in, self._attrs, self._text = tag, a, ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag != self._in:
            return
        text = self._text.strip()
        if tag == "option":
            self.options.append((self._attrs["value"], text))
        elif tag == "button":
            self.buttons.append((self._attrs, text))
        else:
            self.title = text
        self._in = None


def authorize_params(fake, challenge, state="st-123", **extra):
    params = {"client_id": fake.oauth.client_id, "redirect_uri": REDIRECT, "scope": "read:user read:org",
              "state": state, "code_challenge": challenge, "code_challenge_method": "S256", **extra}
    return {k: v for k, v in params.items() if v is not None}


def click_through(http, fake, login, challenge, button="Authorize", **params) -> httpx.Response:
    """Open the authorize page, pick `login`, press `button`, as a browser: the decide redirect."""
    page = http.get("/login/oauth/authorize", params=authorize_params(fake, challenge, **params))
    assert page.status_code == 200, page.text
    form = Form()
    form.feed(page.text)
    assert login in [value for value, _ in form.options]
    attrs = next(a for a, text in form.buttons if text == button)
    data = {**form.hidden, form.select_name: login, attrs["name"]: attrs["value"]}
    if form.method == "post":
        return http.post(form.action, data=data)
    return http.get(form.action, params=data)


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[-1] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(http, fake, code, verifier, **override) -> httpx.Response:
    body = {"client_id": fake.oauth.client_id, "client_secret": fake.oauth.client_secret, "code": code,
            "redirect_uri": REDIRECT, "code_verifier": verifier, **override}
    return http.post("/login/oauth/access_token", data=body, headers={"Accept": "application/json"})


def sign_in(http, fake, login) -> str:
    verifier, challenge = pkce()
    code = redirect_query(click_through(http, fake, login, challenge))["code"]
    answer = exchange(http, fake, code, verifier).json()
    return answer["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the authorize page ---------------------------------------------------------------


def test_authorize_page_lists_personas_and_has_an_authorize_button(http, fake, demo_org):
    page = http.get("/login/oauth/authorize", params=authorize_params(fake, pkce()[1]))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    form = Form()
    form.feed(page.text)
    assert form.title == "Authorize application"
    assert "Personal user data (read-only)" in page.text
    assert "Organization and teams (read-only)" in page.text
    assert form.action == "/login/oauth/authorize/decide"
    assert [value for value, _ in form.options] == list(demo_org.personas.values())
    labels = dict(form.options)
    two = demo_org.personas["two-teams"]
    assert labels[two] == f"{two} (two-teams)"
    assert [text for _, text in form.buttons].count("Authorize") == 1
    assert form.hidden["state"] == "st-123" and form.hidden["client_id"] == fake.oauth.client_id


def test_authorize_refuses_unknown_client_and_non_s256(http, fake):
    _, challenge = pkce()
    unknown = http.get("/login/oauth/authorize", params=authorize_params(fake, challenge, client_id="nope"))
    assert unknown.status_code == 404 and "Authorize" not in unknown.text
    plain = http.get("/login/oauth/authorize",
                     params=authorize_params(fake, challenge, code_challenge_method="plain"))
    assert plain.status_code == 400 and "S256" in plain.text


# -- the full flow --------------------------------------------------------------------


def test_full_flow_code_state_token_and_user(http, fake, demo_org):
    login = demo_org.personas["two-teams"]
    verifier, challenge = pkce()
    before = fake.oauth.calls["access_token"]
    query = redirect_query(click_through(http, fake, login, challenge, state="my-state"))
    assert query["state"] == "my-state" and re.fullmatch(r"[0-9a-f]{20}", query["code"])

    token_answer = exchange(http, fake, query["code"], verifier)
    assert token_answer.status_code == 200
    body = token_answer.json()
    assert body["token_type"] == "bearer" and body["scope"] == "read:org,read:user"
    token = body["access_token"]
    assert re.fullmatch(r"gho_[A-Za-z0-9]{36}", token)
    assert token in fake.oauth.issued_tokens()
    assert fake.oauth.calls["access_token"] == before + 1

    user = http.get("/user", headers={"Authorization": f"token {token}"})
    assert user.status_code == 200
    expected = next(u for u in demo_org.users if u["login"] == login)
    assert {k: user.json()[k] for k in ("login", "id", "name", "avatar_url", "html_url")} == expected

    again = exchange(http, fake, query["code"], verifier)
    assert again.status_code == 200 and again.json()["error"] == "bad_verification_code"
    assert "access_token" not in again.json()


def test_token_exchange_accepts_json_body_and_answers_form_without_accept_json(http, fake, demo_org):
    verifier, challenge = pkce()
    code = redirect_query(click_through(http, fake, demo_org.personas["admin"], challenge))["code"]
    body = {"client_id": fake.oauth.client_id, "client_secret": fake.oauth.client_secret, "code": code,
            "redirect_uri": REDIRECT, "code_verifier": verifier}
    answer = http.post("/login/oauth/access_token", json=body)  # no Accept: GitHub answers form-encoded
    assert answer.status_code == 200
    fields = parse_qs(answer.text)
    assert fields["token_type"] == ["bearer"] and fields["access_token"][0].startswith("gho_")
    assert fake.oauth.token_login(fields["access_token"][0]) == demo_org.personas["admin"]


def test_wrong_secret_is_incorrect_client_credentials_with_http_200(http, fake, demo_org):
    verifier, challenge = pkce()
    code = redirect_query(click_through(http, fake, demo_org.personas["no-team"], challenge))["code"]
    answer = exchange(http, fake, code, verifier, client_secret="wrong")
    assert answer.status_code == 200
    assert answer.json()["error"] == "incorrect_client_credentials" and answer.json()["error_description"]
    assert "access_token" not in answer.json()
    other = exchange(http, fake, code, verifier, client_id="someone-else")
    assert other.json()["error"] == "incorrect_client_credentials"


def test_wrong_verifier_is_bad_verification_code(http, fake, demo_org):
    _, challenge = pkce()
    code = redirect_query(click_through(http, fake, demo_org.personas["no-team"], challenge))["code"]
    answer = exchange(http, fake, code, "not-the-verifier-" + "x" * 40)
    assert answer.status_code == 200
    assert answer.json()["error"] == "bad_verification_code"
    assert re.search(r"code.verifier", answer.json()["error_description"])
    missing = exchange(http, fake, code, "")
    assert missing.json()["error"] == "bad_verification_code"


def test_redirect_uri_mismatch(http, fake, demo_org):
    verifier, challenge = pkce()
    code = redirect_query(click_through(http, fake, demo_org.personas["no-team"], challenge))["code"]
    answer = exchange(http, fake, code, verifier, redirect_uri="http://127.0.0.1:8501/component/x")
    assert answer.status_code == 200 and answer.json()["error"] == "redirect_uri_mismatch"


def test_expired_code_is_bad_verification_code(http, fake, demo_org):
    verifier, challenge = pkce()
    code = redirect_query(click_through(http, fake, demo_org.personas["no-team"], challenge))["code"]
    fake.oauth.expire_codes()
    assert exchange(http, fake, code, verifier).json()["error"] == "bad_verification_code"


def test_missing_state_is_allowed_and_the_redirect_carries_none(http, fake, demo_org):
    _, challenge = pkce()
    query = redirect_query(click_through(http, fake, demo_org.personas["no-team"], challenge, state=None))
    assert "code" in query and "state" not in query


# -- test controls ----------------------------------------------------------------------


def test_force_state_applies_to_the_next_redirect_only(http, fake, demo_org):
    login = demo_org.personas["no-team"]
    _, challenge = pkce()
    fake.oauth.force_state("forged")
    assert redirect_query(click_through(http, fake, login, challenge, state="real"))["state"] == "forged"
    assert redirect_query(click_through(http, fake, login, challenge, state="real"))["state"] == "real"
    fake.oauth.force_state(None)
    stripped = redirect_query(click_through(http, fake, login, challenge, state="real"))
    assert "state" not in stripped and "code" in stripped


def test_deny_next_and_cancel_redirect_with_access_denied(http, fake, demo_org):
    login = demo_org.personas["no-team"]
    _, challenge = pkce()
    fake.oauth.deny_next()
    denied = redirect_query(click_through(http, fake, login, challenge, state="s1"))
    assert denied["error"] == "access_denied" and denied["error_description"] and denied["state"] == "s1"
    assert "code" not in denied
    assert "code" in redirect_query(click_through(http, fake, login, challenge, state="s2"))
    cancelled = redirect_query(click_through(http, fake, login, challenge, button="Cancel", state="s3"))
    assert cancelled["error"] == "access_denied" and cancelled["state"] == "s3"


# -- viewer endpoints -------------------------------------------------------------------


def test_user_needs_a_valid_token_and_outsider_is_synthesised(http, fake, demo_org):
    assert http.get("/user").status_code == 401
    bad = http.get("/user", headers=bearer("gho_" + "0" * 36))
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
    assert http.get("/user", headers=bearer("collector-token")).status_code == 401
    outsider = demo_org.personas["outsider"]
    user = http.get("/user", headers=bearer(sign_in(http, fake, outsider))).json()
    assert user["login"] == outsider and isinstance(user["id"], int)
    assert user["id"] not in {u["id"] for u in demo_org.users}
    assert user["avatar_url"].startswith("https://") and user["html_url"].endswith("/" + outsider)


def test_user_teams_paginates_and_includes_other_org_decoys(http, fake, demo_org):
    login = demo_org.personas["two-teams"]
    token = sign_in(http, fake, login)
    pages, url = [], "/user/teams?per_page=2"
    while url:
        response = http.get(url, headers=bearer(token))
        assert response.status_code == 200
        assert len(response.json()) <= 2
        pages.append(response.json())
        if len(pages) == 1:
            assert 'rel="last"' in response.headers["link"]
            assert re.search(r'<http://127\.0\.0\.1:\d+/user/teams\?[^>]*page=\d+[^>]*>; rel="next"',
                             response.headers["link"])
        nxt = response.links.get("next")
        url = nxt["url"] if nxt else None
        if url:
            assert url.startswith(fake.url)
    teams = [t for page in pages for t in page]
    assert len(pages) >= 2
    own = sorted(s for s, logins in demo_org.members.items() if login in logins)
    assert sorted(t["slug"] for t in teams if t["organization"]["login"] == demo_org.org) == own
    decoys = [t for t in teams if t["organization"]["login"] == "other-org"]
    assert demo_org.admin_teams[0] in {t["slug"] for t in decoys}
    by_slug = {t["slug"]: t for t in teams if t["organization"]["login"] == demo_org.org}
    assert any(d["slug"] in by_slug and d["name"] == by_slug[d["slug"]]["name"] for d in decoys)
    for team in teams:
        assert {"id", "name", "slug", "description", "html_url", "organization"} <= team.keys()
    assert len({t["id"] for t in teams}) == len(teams)

    whole = http.get("/user/teams", headers=bearer(token))
    assert "link" not in whole.headers and whole.json() == teams  # default page of 30 holds all


def test_membership_and_org_member_checks(http, fake, demo_org):
    org = demo_org.org
    member = sign_in(http, fake, demo_org.personas["no-team"])
    outsider = sign_in(http, fake, demo_org.personas["outsider"])
    mine = http.get(f"/user/memberships/orgs/{org}", headers=bearer(member))
    assert mine.status_code == 200
    assert mine.json()["state"] == "active" and mine.json()["role"] in ("member", "admin")
    assert mine.json()["organization"]["login"] == org
    assert http.get(f"/user/memberships/orgs/{org}", headers=bearer(outsider)).status_code == 404
    assert http.get("/user/memberships/orgs/nobody-org", headers=bearer(member)).status_code == 404

    two = demo_org.personas["two-teams"]
    assert http.get(f"/orgs/{org}/members/{two}", headers=bearer(member)).status_code == 204
    assert http.get(f"/orgs/{org}/members/{demo_org.personas['outsider']}",
                    headers=bearer(member)).status_code == 404
    assert http.get(f"/orgs/{org}/members/{two}", headers=bearer(outsider)).status_code == 302


def test_revoke_makes_the_token_stop_working(http, fake, demo_org):
    token = sign_in(http, fake, demo_org.personas["admin"])
    url = f"/applications/{fake.oauth.client_id}/token"
    wrong = http.request("DELETE", url, auth=(fake.oauth.client_id, "wrong"), json={"access_token": token})
    assert wrong.status_code == 401
    assert http.get("/user", headers=bearer(token)).status_code == 200
    unknown = http.request("DELETE", url, auth=(fake.oauth.client_id, fake.oauth.client_secret),
                           json={"access_token": "gho_unknown"})
    assert unknown.status_code == 404
    ok = http.request("DELETE", url, auth=(fake.oauth.client_id, fake.oauth.client_secret),
                      json={"access_token": token})
    assert ok.status_code == 204
    gone = http.get("/user", headers=bearer(token))
    assert gone.status_code == 401 and gone.json()["message"] == "Bad credentials"
    assert http.get(f"/orgs/{demo_org.org}/teams", headers=bearer(token)).status_code == 401
    assert fake.oauth.is_revoked(token) and token in fake.oauth.issued_tokens()


def test_restrict_org_answers_403_with_githubs_wording(http, fake, demo_org):
    org = demo_org.org
    login = demo_org.personas["two-teams"]
    token = sign_in(http, fake, login)
    fake.oauth.restrict_org(True)
    try:
        membership = http.get(f"/user/memberships/orgs/{org}", headers=bearer(token))
        assert membership.status_code == 403 and membership.json()["message"].startswith(RESTRICTED_START)
        teams = http.get(f"/orgs/{org}/teams", headers=bearer(token))
        assert teams.status_code == 403 and teams.json()["message"].startswith(RESTRICTED_START)
        check = http.get(f"/orgs/{org}/members/{login}", headers=bearer(token))
        assert check.status_code == 403
        listed = http.get("/user/teams?per_page=100", headers=bearer(token)).json()
        assert listed and all(t["organization"]["login"] == "other-org" for t in listed)
        assert http.get("/user", headers=bearer(token)).status_code == 200
        # the collector's own token is not a viewer token: still served by the demo
        assert http.get(f"/orgs/{org}/teams", headers=bearer("collector-token")).status_code == 200
    finally:
        fake.oauth.restrict_org(False)
    assert http.get(f"/user/memberships/orgs/{org}", headers=bearer(token)).status_code == 200


def test_oauth_routes_leave_the_demo_transport_counts_alone(http, fake, demo_org):
    before = dict(fake.calls)
    oauth_before = fake.oauth.calls["user"]
    token = sign_in(http, fake, demo_org.personas["admin"])
    http.get("/user", headers=bearer(token))
    http.get("/user/teams", headers=bearer(token))
    assert dict(fake.calls) == before
    assert fake.oauth.calls["user"] == oauth_before + 1
    teams = http.get(f"/orgs/{demo_org.org}/teams", headers=bearer(token))
    assert teams.status_code == 200 and fake.calls["teams"] == before.get("teams", 0) + 1


def test_custom_client_credentials(demo_org):
    with FakeGitHub(demo_org, client_id="cid", client_secret="shh") as other, \
            httpx.Client(base_url=other.url, follow_redirects=False) as http:
        assert other.oauth.client_id == "cid" and other.oauth.client_secret == "shh"
        _, challenge = pkce()
        query = urlencode(authorize_params(other, challenge))
        assert http.get(f"/login/oauth/authorize?{query}").status_code == 200
        assert http.get("/login/oauth/authorize?" + urlencode(
            authorize_params(other, challenge, client_id="fake-client-id"))).status_code == 404
