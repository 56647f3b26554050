"""FakeOAuth: GitHub's web OAuth flow and the viewer-facing REST endpoints, for a DemoOrg.

`FakeGitHub` asks `FakeOAuth.handle(request)` first; it answers the routes it
owns and returns None for the rest, which then go to the demo transport. API
and web share one origin, so an app under test sets GITHUB_WEB_URL and
GITHUB_API_URL to the fake's URL.

    with FakeGitHub(build_demo_org()) as fake:
        fake.oauth.force_state("evil")      # the next redirect carries a foreign state
        fake.oauth.deny_next()              # the next decision is "Cancel"
        fake.oauth.restrict_org(True)       # the org has not approved the OAuth app
        token = fake.oauth.issue_token("jonas-patel")   # skip the browser
        fake.oauth.calls["access_token"]

Routes (shapes per the design notes, shared/GITHUB_API.md sections 4 and 6):
    GET  /login/oauth/authorize            the consent page, a plain HTML form
    GET|POST /login/oauth/authorize/decide the form's target: 302 to redirect_uri
    POST /login/oauth/access_token         code (+ PKCE verifier) for a gho_ token
    GET  /user, /user/teams, /user/memberships/orgs/{org}
    GET  /orgs/{org}/members/{username}, /orgs/{org}/public_members/{username}
    DELETE /applications/{client_id}/token revoke (Basic client_id:client_secret)

Any request carrying a `gho_` token that is not (or no longer) valid answers
401 "Bad credentials", on every API path; valid viewer tokens reaching
`/orgs/{org}/...` of a restricted org answer 403 with GitHub's wording.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import html
import json
import math
import re
import secrets
import string
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from copilot_usage.demo.transport import _int_param  # GitHub's paging rules, one copy

DOCS = "https://docs.github.com/rest"
OTHER_ORG = "other-org"
CODE_LIFETIME = 600.0  # seconds: GitHub's codes live 10 minutes
DEFAULT_SCOPE = "read:user read:org"
_TOKEN_ALPHABET = string.ascii_letters + string.digits
_SCOPE_LABELS = {
    "read:user": "Personal user data (read-only)",
    "user": "Personal user data (read and write)",
    "read:org": "Organization and teams (read-only)",
    "user:email": "Email addresses (read-only)",
}
_RESTRICTED = (
    "Although you appear to have the correct authorization credentials, the `{org}` organization "
    "has enabled OAuth App access restrictions, meaning that data access to third-parties is "
    "limited. For more information on these restrictions, including how to enable this app, "
    "visit https://docs.github.com/articles/restricting-access-to-your-organization-s-data/"
)
_TROUBLESHOOT = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/"
_UNSET: Any = object()

_MEMBERSHIP = re.compile(r"/user/memberships/orgs/(?P<org>[^/]+)")
_ORG_MEMBER = re.compile(r"/orgs/(?P<org>[^/]+)/(?P<kind>members|public_members)/(?P<user>[^/]+)")
_REVOKE = re.compile(r"/applications/(?P<client>[^/]+)/token")
_AUTH = re.compile(r"(?i)^\s*(bearer|token)\s+(?P<token>\S+)\s*$")


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/json; charset=utf-8", **(headers or {})})


def _error(status: int, message: str) -> httpx.Response:
    return _json(status, {"message": message, "documentation_url": DOCS, "status": str(status)})


def _page(status: int, title: str, body: str) -> httpx.Response:
    text = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>\n"
        "<body style=\"font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; "
        "max-width: 36em; margin: 3em auto; color: #1f2328\">\n"
        f"{body}\n</body></html>\n"
    )
    return httpx.Response(status, content=text.encode(), headers={"content-type": "text/html; charset=utf-8"})


def _error_page(status: int, heading: str, detail: str) -> httpx.Response:
    return _page(status, heading, f"<h1>{html.escape(heading)}</h1>\n<p>{html.escape(detail)}</p>")


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier: base64url, unpadded, of sha256."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")




class FakeOAuth:
    """GitHub's OAuth web flow and viewer endpoints for `demo_org` (a DemoOrg).

    `calls` counts requests by route: "authorize", "decide", "access_token",
    "user", "user-teams", "user-membership", "org-member", "revoke",
    "bad-credentials", "restricted".
    """

    def __init__(self, demo_org, client_id: str = "fake-client-id",
                 client_secret: str = "fake-client-secret", *, app_name: str = "Copilot Usage",
                 org_owners: tuple[str, ...] | set[str] = (), clock: Callable[[], float] = time.time):
        self.demo = demo_org
        self.org = demo_org.org
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_name = app_name
        self.org_owners = set(org_owners)  # role "admin" in /user/memberships; nobody by default
        self.clock = clock
        self.calls: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}  # every token ever issued, revoked ones too
        self._forced_state: Any = _UNSET
        self._deny_next = False
        self._restricted = False
        self._users = {u["login"]: u for u in demo_org.users}
        self._persona_of = {login: role for role, login in demo_org.personas.items()}
        by_slug = {t["slug"]: t for t in demo_org.teams}
        self._teams_of: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for slug, logins in demo_org.members.items():
            for login in logins:
                self._teams_of[login].append(by_slug[slug])
        self._admin_team = by_slug[demo_org.admin_teams[0]]

    # -- test controls ----------------------------------------------------------

    def force_state(self, value: str | None) -> None:
        """The next redirect carries `value` as state instead of the real one (None: no state)."""
        with self._lock:
            self._forced_state = value

    def deny_next(self) -> None:
        """The next decision redirects with error=access_denied instead of a code."""
        with self._lock:
            self._deny_next = True

    def restrict_org(self, enabled: bool = True) -> None:
        """The demo org has (not) approved this OAuth app: viewer org data answers 403."""
        with self._lock:
            self._restricted = enabled

    def expire_codes(self) -> None:
        """Every code handed out so far expires, as after ten minutes."""
        with self._lock:
            for entry in self._codes.values():
                entry["expires"] = self.clock() - 1

    def issue_token(self, login: str, scope: str = DEFAULT_SCOPE) -> str:
        """A valid viewer token for `login`, without the browser dance."""
        with self._lock:
            return self._mint(login, scope)

    def issued_tokens(self) -> list[str]:
        """Every access token handed out, revoked ones included (to scan logs for leaks)."""
        with self._lock:
            return list(self._tokens)

    def token_login(self, token: str) -> str | None:
        """The login a still-valid token belongs to, or None."""
        with self._lock:
            entry = self._tokens.get(token)
            return entry["login"] if entry and not entry["revoked"] else None

    def is_revoked(self, token: str) -> bool:
        with self._lock:
            entry = self._tokens.get(token)
            return bool(entry and entry["revoked"])

    # -- dispatch ---------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response | None:
        """Answer a route this fake owns; None for everything else."""
        path = request.url.path.rstrip("/") or "/"
        method = request.method
        if path == "/login/oauth/authorize" and method in ("GET", "HEAD"):
            return self._count("authorize", self._authorize(request))
        if path == "/login/oauth/authorize/decide" and method in ("GET", "POST"):
            return self._count("decide", self._decide(_params(request)))
        if path == "/login/oauth/access_token" and method == "POST":
            return self._count("access_token", self._access_token(request))
        if (match := _REVOKE.fullmatch(path)) and method == "DELETE":
            return self._count("revoke", self._revoke(request, match["client"]))

        token = _token_of(request)
        if token is not None and token.startswith("gho_") and self.token_login(token) is None:
            return self._count("bad-credentials", _error(401, "Bad credentials"))
        if method != "GET":
            return None
        if path == "/user":
            return self._count("user", self._viewer(request, self._user))
        if path == "/user/teams":
            return self._count("user-teams", self._viewer(request, self._user_teams))
        if match := _MEMBERSHIP.fullmatch(path):
            return self._count("user-membership",
                               self._viewer(request, lambda r, login: self._membership(login, match["org"])))
        if match := _ORG_MEMBER.fullmatch(path):
            return self._count("org-member", self._org_member(request, token, **match.groupdict()))
        if (token and self.token_login(token) and self._restricted
                and path.lower().startswith(f"/orgs/{self.org.lower()}/")):
            return self._count("restricted", self._restricted_answer())
        return None

    def _count(self, kind: str, response: httpx.Response) -> httpx.Response:
        with self._lock:
            self.calls[kind] += 1
        return response

    # -- the web flow -----------------------------------------------------------

    def _check_authorize(self, params: dict[str, str]) -> httpx.Response | None:
        if params.get("client_id") != self.client_id:
            return _error_page(404, "Page not found",
                               "This OAuth application does not exist (unknown client_id).")
        uri = params.get("redirect_uri", "")
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return _error_page(400, "Bad request",
                               "The redirect_uri is missing or is not an absolute http(s) URL.")
        challenge, method = params.get("code_challenge"), params.get("code_challenge_method")
        if (challenge or method) and method != "S256":
            return _error_page(400, "Bad request",
                               f"Unsupported code_challenge_method {method!r}: only S256 is supported.")
        if method and not challenge:
            return _error_page(400, "Bad request", "code_challenge_method was given without a code_challenge.")
        return None

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params.items())
        problem = self._check_authorize(params)
        if problem is not None:
            return problem
        scope = params.get("scope", "")
        wanted = params.get("login")
        e = html.escape
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{e(params[name])}">\n'
            for name in ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method")
            if name in params
        ) + f'<input type="hidden" name="scope" value="{e(scope)}">\n'
        options = "".join(
            f'<option value="{e(login)}"{" selected" if login == wanted else ""}>{e(login)} ({e(role)})</option>\n'
            for role, login in self.demo.personas.items()
        )
        scopes = [s for s in re.split(r"[\s,]+", scope) if s]
        items = "".join(f"<li>{e(_SCOPE_LABELS.get(s, s))} <code>{e(s)}</code></li>\n" for s in scopes) \
            or "<li>Public information (read-only)</li>\n"
        body = f"""<h1>Authorize application</h1>
<p><strong>{e(self.app_name)}</strong> by <strong>{e(self.org)}</strong> wants to access your account.</p>
<ul id="scopes">
{items}</ul>
<form method="post" action="/login/oauth/authorize/decide">
{hidden}<p><label for="login">Signed in at GitHub as</label>
<select name="login" id="login">
{options}</select></p>
<p>
<button type="submit" name="decision" value="cancel" style="padding: .5em 1em">Cancel</button>
<button type="submit" name="decision" value="allow" id="authorize"
 style="background: #1f883d; color: #fff; border: 1px solid #1a7f37; border-radius: 6px; padding: .5em 1em; font-weight: 600">Authorize</button>
</p>
</form>
<p><small>Authorizing will redirect to <code>{e(params["redirect_uri"])}</code></small></p>"""
        return _page(200, "Authorize application", body)

    def _decide(self, params: dict[str, str]) -> httpx.Response:
        problem = self._check_authorize(params)
        if problem is not None:
            return problem
        login = params.get("login", "")
        if login not in self._users and login not in self._persona_of:
            return _error_page(400, "Bad request", f"Nobody called {login!r} can sign in here.")
        with self._lock:
            state = params.get("state")
            if self._forced_state is not _UNSET:
                state, self._forced_state = self._forced_state, _UNSET
            deny, self._deny_next = self._deny_next or params.get("decision") == "cancel", False
            if deny:
                query: dict[str, str] = {
                    "error": "access_denied",
                    "error_description": "The user has denied your application access.",
                    "error_uri": _TROUBLESHOOT + "#access-denied",
                }
            else:
                code = secrets.token_hex(10)
                self._codes[code] = {
                    "client_id": params["client_id"],
                    "redirect_uri": params["redirect_uri"],
                    "code_challenge": params.get("code_challenge") or None,
                    "login": login,
                    "scope": params.get("scope", DEFAULT_SCOPE),
                    "expires": self.clock() + CODE_LIFETIME,
                    "used": False,
                }
                query = {"code": code}
        if state is not None:
            query["state"] = state
        uri = params["redirect_uri"]
        location = uri + ("&" if urlsplit(uri).query else "?") + urlencode(query)
        return httpx.Response(302, headers={"location": location, "content-type": "text/html; charset=utf-8"},
                              content=f'<a href="{html.escape(location)}">Redirecting</a>'.encode())

    def _access_token(self, request: httpx.Request) -> httpx.Response:
        params = _params(request)
        as_json = "json" in request.headers.get("accept", "").lower()

        def answer(body: dict[str, str]) -> httpx.Response:  # GitHub: HTTP 200 even for errors
            if as_json:
                return _json(200, body)
            return httpx.Response(200, content=urlencode(body).encode(),
                                  headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"})

        def error(key: str, description: str) -> httpx.Response:
            return answer({"error": key, "error_description": description,
                           "error_uri": _TROUBLESHOOT + "#" + key.replace("_", "-")})

        if not (secrets.compare_digest(params.get("client_id", ""), self.client_id)
                and secrets.compare_digest(params.get("client_secret", ""), self.client_secret)):
            return error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.")
        with self._lock:
            entry = self._codes.get(params.get("code", ""))
            if entry is None or entry["used"] or entry["expires"] <= self.clock() \
                    or entry["client_id"] != params["client_id"]:
                return error("bad_verification_code", "The code passed is incorrect or expired.")
            if "redirect_uri" in params and params["redirect_uri"] != entry["redirect_uri"]:
                return error("redirect_uri_mismatch",
                             "The redirect_uri MUST match the registered callback URL for this application.")
            if entry["code_challenge"] is not None:
                verifier = params.get("code_verifier", "")
                if not verifier or not secrets.compare_digest(s256(verifier), entry["code_challenge"]):
                    return error("bad_verification_code",
                                 "The code_verifier does not match the code_challenge supplied in the "
                                 "authorization request (PKCE code verifier mismatch).")
            entry["used"] = True
            token = self._mint(entry["login"], entry["scope"])
            scope = self._tokens[token]["scope"]
        return answer({"access_token": token, "token_type": "bearer", "scope": scope})

    def _mint(self, login: str, scope: str) -> str:
        token = "gho_" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(36))
        normalised = ",".join(sorted({s for s in re.split(r"[\s,]+", scope) if s}))
        self._tokens[token] = {"login": login, "scope": normalised, "revoked": False}
        return token

    def _revoke(self, request: httpx.Request, client: str) -> httpx.Response:
        basic = request.headers.get("authorization", "")
        try:
            scheme, _, encoded = basic.partition(" ")
            user, _, password = base64.b64decode(encoded).decode().partition(":")
            ok = scheme.lower() == "basic" and user == self.client_id == client and password == self.client_secret
        except (ValueError, UnicodeDecodeError):
            ok = False
        if not ok:
            return _error(401, "Bad credentials")
        try:
            token = json.loads(request.content or b"{}").get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            return _error(422, "Invalid request. \"access_token\" wasn't supplied.")
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None or entry["revoked"]:
                return _error(404, "Not Found")
            entry["revoked"] = True
        return httpx.Response(204)

    # -- viewer endpoints ---------------------------------------------------------

    def _viewer(self, request: httpx.Request, then) -> httpx.Response:
        token = _token_of(request)
        if token is None:
            return _error(401, "Requires authentication")
        login = self.token_login(token)
        if login is None:
            return _error(401, "Bad credentials")
        return then(request, login)

    def user_object(self, login: str) -> dict[str, Any]:
        """GitHub's /user for `login`; the outsider persona is synthesised."""
        user = self._users.get(login)
        if user is None:
            uid = 50_000_000 + zlib.crc32(login.encode()) % 1_000_000
            user = {"login": login, "id": uid, "name": login.replace("-", " ").title(),
                    "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
                    "html_url": f"https://github.com/{login}"}
        return {k: user[k] for k in ("login", "id", "name", "avatar_url", "html_url")} | {
            "type": "User", "site_admin": False}

    def _user(self, request: httpx.Request, login: str) -> httpx.Response:
        return _json(200, self.user_object(login))

    def _is_member(self, login: str, org: str) -> bool:
        if org.lower() == self.org.lower():
            return login in self._users
        if org.lower() == OTHER_ORG:
            return bool(self._decoys(login))
        return False

    def _restricted_answer(self) -> httpx.Response:
        return _error(403, _RESTRICTED.format(org=self.org))

    def _membership(self, login: str, org: str) -> httpx.Response:
        if self._restricted and org.lower() == self.org.lower():
            return self._restricted_answer()
        if not self._is_member(login, org):
            return _error(404, "Not Found")
        name = self.org if org.lower() == self.org.lower() else OTHER_ORG
        role = "admin" if name == self.org and login in self.org_owners else "member"
        return _json(200, {"state": "active", "role": role,
                           "organization": {"login": name, "url": f"https://api.github.com/orgs/{name}"},
                           "user": {"login": login}})

    def _org_member(self, request: httpx.Request, token: str | None, org: str, kind: str,
                    user: str) -> httpx.Response:
        if token is None:
            return _error(401, "Requires authentication")
        viewer = self.token_login(token)  # None: a collector's (non-viewer) token, answered as an owner's
        if viewer is not None and self._restricted and org.lower() == self.org.lower():
            return self._restricted_answer()
        if kind == "public_members":
            return _error(404, "Not Found")  # nobody in the demo publicises their membership
        if viewer is not None and not self._is_member(viewer, org):
            return httpx.Response(302, headers={"location": str(request.url.join(f"/orgs/{org}/public_members/{user}"))})
        return httpx.Response(204) if self._is_member(user, org) else _error(404, "Not Found")

    def _team_object(self, team: dict[str, Any], org: str) -> dict[str, Any]:
        return {
            "id": team["id"],
            "node_id": base64.b64encode(f"04:Team{team['id']}".encode()).decode(),
            "url": f"https://api.github.com/organizations/{zlib.crc32(org.encode())}/team/{team['id']}",
            "html_url": team.get("html_url") or f"https://github.com/orgs/{org}/teams/{team['slug']}",
            "name": team["name"],
            "slug": team["slug"],
            "description": team.get("description"),
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "parent": team.get("parent"),
            "organization": {"login": org, "id": zlib.crc32(org.encode()) % 10_000_000,
                             "url": f"https://api.github.com/orgs/{org}"},
        }

    def _decoys(self, login: str) -> list[dict[str, Any]]:
        """Teams in another organisation that share slugs with teams of the demo org.

        Everyone with demo teams gets a decoy named and slugged like their first
        team; everyone outside the admin team gets a decoy slugged like it (so a
        client that forgets `organization.login` would wrongly make them admin);
        people without demo teams also get one like the demo's first team.
        """
        own = self._teams_of.get(login, [])
        if login not in self._users and login not in self._persona_of:
            return []
        models = []
        if own:
            models.append(own[0])
        else:
            models.append(self.demo.teams[0])
        if self._admin_team not in own:
            models.append(self._admin_team)
        seen, decoys = set(), []
        for team in models:
            if team["slug"] in seen:
                continue
            seen.add(team["slug"])
            decoys.append({
                "id": 90_000_000 + zlib.crc32(team["slug"].encode()) % 1_000_000,
                "name": team["name"],
                "slug": team["slug"],
                "description": f"{team['name']} of {OTHER_ORG}: a different organisation",
                "html_url": f"https://github.com/orgs/{OTHER_ORG}/teams/{team['slug']}",
                "parent": None,
            })
        return decoys

    def viewer_teams(self, login: str) -> list[dict[str, Any]]:
        """What /user/teams lists for `login`, every page together."""
        items = [] if self._restricted else [self._team_object(t, self.org) for t in self._teams_of.get(login, [])]
        items += [self._team_object(t, OTHER_ORG) for t in self._decoys(login)]
        return sorted(items, key=lambda t: (t["name"].lower(), t["organization"]["login"]))

    def _user_teams(self, request: httpx.Request, login: str) -> httpx.Response:
        items = self.viewer_teams(login)
        per_page = _int_param(request, "per_page", 30, 1, 100)
        page = _int_param(request, "page", 1, 1, 10**9)
        last = max(1, math.ceil(len(items) / per_page))
        rels: list[tuple[str, int]] = []
        if page < last:
            rels += [("next", page + 1), ("last", last)]
        if page > 1:
            rels += [("prev", min(page - 1, last)), ("first", 1)]
        headers = {}
        if rels:
            headers["link"] = ", ".join(
                f'<{request.url.copy_set_param("page", str(n))}>; rel="{rel}"' for rel, n in rels)
        return _json(200, items[(page - 1) * per_page: page * per_page], headers)


def _token_of(request: httpx.Request) -> str | None:
    match = _AUTH.match(request.headers.get("authorization", ""))
    return match["token"] if match else None


def _params(request: httpx.Request) -> dict[str, str]:
    """Query parameters overlaid with a form-encoded or JSON body, as GitHub reads them."""
    params = dict(request.url.params.items())
    body = request.content
    if not body:
        return params
    if "json" in request.headers.get("content-type", "").lower():
        try:
            data = json.loads(body)
        except ValueError:
            return params
        if isinstance(data, dict):
            params.update({k: str(v) for k, v in data.items() if v is not None})
        return params
    for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
        params[key] = values[-1]
    return params
