"""GitHubClient and GitHubAppAuth against scripted answers through httpx.MockTransport.

Every test injects `sleep` (a recorder) and `clock`, so nothing really waits and
the waits the client chose are asserted directly.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from copilot_usage.errors import (
    ConnectionFailed,
    Forbidden,
    GitHubError,
    NotFound,
    RateLimited,
    ServerError,
    SettingsError,
)
from copilot_usage.github.app_auth import GitHubAppAuth
from copilot_usage.github.client import GitHubClient
from copilot_usage.github.service import make_service_client

pytestmark = pytest.mark.unit

API = "https://api.github.test"
NOW = 1_800_000_000.0
TOKEN = "ghp_s3cret-token"
SIGNED_LINK = "https://reports.blob.test/org/users-1-day/part-0.ndjson?sig=SIGNATURE123&se=2026"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeGitHub:
    """Scripted answers per (method, path); the last answer of a route repeats."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *answers: Answer) -> None:
        self.routes[(method, path)] = list(answers)

    def hits(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self.routes.get((request.method, request.url.path))
        if not answers:
            return httpx.Response(404, json={"message": "Not Found"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(fake: FakeGitHub, waits: list[float]) -> GitHubClient:
    return GitHubClient(API, token=TOKEN, transport=httpx.MockTransport(fake), sleep=waits.append, clock=Clock())


def limited(status: int, headers: dict[str, str] | None = None, message: str = "API rate limit exceeded") -> httpx.Response:
    return httpx.Response(status, headers=headers or {}, json={"message": message})


# -- pagination and headers ------------------------------------------------------


def test_paginate_follows_next_links_across_three_pages(client: GitHubClient, fake: FakeGitHub) -> None:
    def by_page(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("page", "1"))
        link = {"link": f'<{API}/orgs/acme/teams?per_page=100&page={n + 1}>; rel="next"'} if n < 3 else {}
        return httpx.Response(200, json=[{"slug": f"t{n}a"}, {"slug": f"t{n}b"}], headers=link)

    fake.on("GET", "/orgs/acme/teams", by_page)

    slugs = [t["slug"] for t in client.paginate("/orgs/acme/teams")]

    assert slugs == ["t1a", "t1b", "t2a", "t2b", "t3a", "t3b"]
    assert [r.url.params.get("page") for r in fake.requests] == [None, "2", "3"]
    assert all(r.url.params["per_page"] == "100" for r in fake.requests)
    assert client.request_count == 3


def test_paginate_reads_the_list_under_item_key(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on(
        "GET",
        "/orgs/acme/copilot/billing/seats",
        httpx.Response(
            200,
            json={"total_seats": 3, "seats": [{"assignee": {"login": "a"}}, {"assignee": {"login": "b"}}]},
            headers={"link": f'<{API}/orgs/acme/copilot/billing/seats?per_page=100&page=2>; rel="next"'},
        ),
        httpx.Response(200, json={"total_seats": 3, "seats": [{"assignee": {"login": "c"}}]}),
    )

    seats = list(client.paginate("/orgs/acme/copilot/billing/seats", item_key="seats"))

    assert [s["assignee"]["login"] for s in seats] == ["a", "b", "c"]


def test_api_calls_carry_github_headers(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on("GET", "/user", httpx.Response(200, json={"login": "octocat"}))

    assert client.get_json("/user") == {"login": "octocat"}

    headers = fake.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2026-03-10"
    assert headers["user-agent"].startswith("copilot-usage")


def test_no_authorization_header_without_a_token(fake: FakeGitHub) -> None:
    fake.on("GET", "/user", httpx.Response(200, json={}))
    GitHubClient(API, transport=httpx.MockTransport(fake)).get("/user")

    assert "authorization" not in fake.requests[0].headers


def test_token_provider_is_asked_before_each_request(fake: FakeGitHub) -> None:
    tokens = iter(["first", "second"])
    fake.on("GET", "/user", httpx.Response(200, json={}))
    gh = GitHubClient(API, token_provider=lambda: next(tokens), transport=httpx.MockTransport(fake))

    gh.get("/user")
    gh.get("/user")

    assert [r.headers["authorization"] for r in fake.requests] == ["Bearer first", "Bearer second"]


def test_204_gives_none(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on("GET", "/orgs/acme/copilot/metrics/reports/users-1-day", httpx.Response(204))

    assert client.get_json("/orgs/acme/copilot/metrics/reports/users-1-day", {"day": "2026-11-01"}) is None
    assert fake.requests[0].url.params["day"] == "2026-11-01"


# -- downloads -------------------------------------------------------------------


def test_downloads_carry_no_github_credentials(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on("GET", "/org/users-1-day/part-0.ndjson", httpx.Response(200, content=b'{"a":1}\n{"a":2}\r\n{"a":3}'))

    lines = list(client.iter_download_lines(SIGNED_LINK))

    assert lines == [b'{"a":1}', b'{"a":2}', b'{"a":3}']
    sent = fake.requests[0]
    assert sent.url.params["sig"] == "SIGNATURE123"
    assert "authorization" not in sent.headers
    assert "x-github-api-version" not in sent.headers
    assert sent.headers.get("accept") != "application/vnd.github+json"


def test_download_decodes_gzip(client: GitHubClient, fake: FakeGitHub) -> None:
    body = b'{"user_id": 1}\n{"user_id": 2}\n'
    fake.on(
        "GET",
        "/org/users-1-day/part-0.ndjson",
        httpx.Response(200, stream=httpx.ByteStream(gzip.compress(body)), headers={"content-encoding": "gzip"}),
    )

    assert client.download(SIGNED_LINK) == body


def test_download_retries_5xx_then_succeeds(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/org/users-1-day/part-0.ndjson", httpx.Response(503), httpx.Response(200, content=b"x\n"))

    assert list(client.iter_download_lines(SIGNED_LINK)) == [b"x"]
    assert waits == [1.0]


@pytest.mark.parametrize(("status", "error"), [(403, Forbidden), (404, NotFound)])
def test_expired_link_fails_at_once_without_leaking_the_signature(
    client: GitHubClient, fake: FakeGitHub, waits: list[float], status: int, error: type[GitHubError]
) -> None:
    fake.on("GET", "/org/users-1-day/part-0.ndjson", httpx.Response(status, text="AuthenticationFailed"))

    with pytest.raises(error) as caught:
        client.download(SIGNED_LINK)

    assert caught.value.status == status
    assert "fresh report links" in str(caught.value)
    assert "SIGNATURE123" not in str(caught.value) and "SIGNATURE123" not in (caught.value.url or "")
    assert client.request_count == 1 and waits == []


# -- retries -----------------------------------------------------------------------


def test_502_twice_then_success_backs_off_1_then_2(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/orgs/acme/teams", httpx.Response(502), httpx.Response(502), httpx.Response(200, json=[]))

    assert client.get_json("/orgs/acme/teams") == []
    assert waits == [1.0, 2.0]
    assert client.request_count == 3


def test_persistent_503_raises_server_error_after_max_retries(fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/orgs/acme/teams", httpx.Response(503))
    gh = GitHubClient(API, token=TOKEN, transport=httpx.MockTransport(fake), max_retries=3, sleep=waits.append)

    with pytest.raises(ServerError) as caught:
        gh.get("/orgs/acme/teams")

    assert gh.request_count == 4
    assert waits == [1.0, 2.0, 4.0]
    assert caught.value.status == 503
    assert "503 for GET /orgs/acme/teams after 4 attempts; try again later" in str(caught.value)


def test_connect_errors_are_retried(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/user", httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.Response(200, json={}))

    assert client.get_json("/user") == {}
    assert waits == [1.0, 2.0]


def test_persistent_connect_error_raises_connection_failed(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/user", httpx.ConnectError("refused"))

    with pytest.raises(ConnectionFailed, match="after 5 attempts"):
        client.get("/user")

    assert client.request_count == 5
    assert waits == [1.0, 2.0, 4.0, 8.0]


# -- rate limits -------------------------------------------------------------------


def test_429_with_retry_after_waits_that_long(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/user", limited(429, {"retry-after": "3"}), httpx.Response(200, json={"login": "x"}))

    assert client.get_json("/user") == {"login": "x"}
    assert waits == [3.0]


def test_403_with_no_remaining_waits_until_reset(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 10)}
    fake.on("GET", "/user", limited(403, reset), httpx.Response(200, json={}))

    client.get("/user")

    assert len(waits) == 1 and 10.0 <= waits[0] <= 11.0


def test_secondary_limit_without_headers_waits_at_least_a_minute_then_doubles(
    client: GitHubClient, fake: FakeGitHub, waits: list[float]
) -> None:
    secondary = limited(403, message="You have exceeded a secondary rate limit. Please wait a few minutes.")
    fake.on("GET", "/orgs/acme/teams", secondary, secondary, httpx.Response(200, json=[]))

    client.get("/orgs/acme/teams")

    assert waits == [60.0, 120.0]


def test_reset_too_far_raises_rate_limited_without_sleeping(client: GitHubClient, fake: FakeGitHub, waits: list[float]) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 3600)}
    fake.on("GET", "/user", limited(403, reset))

    with pytest.raises(RateLimited) as caught:
        client.get("/user")

    assert waits == []
    assert client.request_count == 1
    assert datetime.fromtimestamp(NOW + 3601, tz=UTC).strftime("%H:%M") in str(caught.value)


def test_still_limited_after_retries_raises_rate_limited(fake: FakeGitHub, waits: list[float]) -> None:
    fake.on("GET", "/user", limited(429, {"retry-after": "1"}))
    gh = GitHubClient(API, transport=httpx.MockTransport(fake), max_retries=2, sleep=waits.append)

    with pytest.raises(RateLimited, match="after 3 attempts"):
        gh.get("/user")

    assert waits == [1.0, 1.0]


# -- refusals -----------------------------------------------------------------------


def test_integration_403_is_forbidden_with_permission_hint_and_no_retry(
    client: GitHubClient, fake: FakeGitHub, waits: list[float]
) -> None:
    path = "/orgs/acme/copilot/metrics/reports/users-1-day"
    fake.on("GET", path, httpx.Response(403, json={"message": "Resource not accessible by integration"}))

    with pytest.raises(Forbidden) as caught:
        client.get(path)

    assert "Organization Copilot metrics: read" in str(caught.value)
    assert caught.value.status == 403 and caught.value.url.startswith(API + path)
    assert client.request_count == 1 and waits == []


def test_oauth_restriction_403_asks_for_owner_approval(client: GitHubClient, fake: FakeGitHub) -> None:
    message = (
        "Although you appear to have the correct authorization credentials, "
        "the `acme` organization has enabled OAuth App access restrictions"
    )
    fake.on("GET", "/orgs/acme/teams", httpx.Response(403, json={"message": message}))

    with pytest.raises(Forbidden, match="organisation owner must approve this OAuth app"):
        client.get("/orgs/acme/teams")


def test_404_is_not_found_naming_github_org(client: GitHubClient, fake: FakeGitHub) -> None:
    with pytest.raises(NotFound, match="check GITHUB_ORG") as caught:
        client.get("/orgs/nope/teams")

    assert caught.value.status == 404 and client.request_count == 1


def test_401_is_forbidden_and_never_shows_the_token(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on("GET", "/user", httpx.Response(401, json={"message": "Bad credentials"}))

    with pytest.raises(Forbidden, match="invalid or expired") as caught:
        client.get("/user")

    assert TOKEN not in str(caught.value) and TOKEN not in (caught.value.url or "")


def test_other_4xx_is_a_plain_github_error(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.on("GET", "/orgs/acme/teams", httpx.Response(422, json={"message": "Validation Failed"}))

    with pytest.raises(GitHubError, match="Validation Failed") as caught:
        client.get("/orgs/acme/teams")

    assert type(caught.value) is GitHubError and caught.value.status == 422


# -- GitHub App ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_of(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def app_fake(fake: FakeGitHub) -> None:
    fake.on("GET", "/orgs/acme/installation", httpx.Response(200, json={"id": 42}))
    fake.on(
        "POST",
        "/app/installations/42/access_tokens",
        httpx.Response(201, json={"token": "ghs_one", "expires_at": iso(NOW + 3600)}),
        httpx.Response(201, json={"token": "ghs_two", "expires_at": iso(NOW + 7200)}),
    )
    fake.on("GET", "/orgs/acme/teams", httpx.Response(200, json=[]))


def test_app_jwt_verifies_and_installation_token_is_reused_then_renewed(
    fake: FakeGitHub, rsa_key: rsa.RSAPrivateKey
) -> None:
    app_fake(fake)
    clock = Clock()
    auth = GitHubAppAuth("12345", pem_of(rsa_key), "acme", API, transport=httpx.MockTransport(fake), clock=clock)
    gh = GitHubClient(API, token_provider=auth, transport=httpx.MockTransport(fake), clock=clock)

    gh.get("/orgs/acme/teams")
    clock.now = NOW + 3600 - 301  # just over 5 minutes left: keep the token
    gh.get("/orgs/acme/teams")
    clock.now = NOW + 3600 - 299  # under 5 minutes left: renew
    gh.get("/orgs/acme/teams")

    used = [r.headers["authorization"] for r in fake.hits("GET", "/orgs/acme/teams")]
    assert used == ["Bearer ghs_one", "Bearer ghs_one", "Bearer ghs_two"]
    assert len(fake.hits("POST", "/app/installations/42/access_tokens")) == 2
    assert len(fake.hits("GET", "/orgs/acme/installation")) == 1  # installation id cached

    app_jwt = fake.hits("GET", "/orgs/acme/installation")[0].headers["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(
        app_jwt, rsa_key.public_key(), algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims == {"iss": "12345", "iat": int(NOW) - 60, "exp": int(NOW) + 540}


def test_app_jwt_signed_by_another_key_does_not_verify(fake: FakeGitHub, rsa_key: rsa.RSAPrivateKey) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = GitHubAppAuth("12345", pem_of(other), "acme", API, transport=httpx.MockTransport(fake), clock=Clock())

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(auth.app_jwt(), rsa_key.public_key(), algorithms=["RS256"], options={"verify_exp": False})


def test_bad_pem_names_the_setting(fake: FakeGitHub) -> None:
    with pytest.raises(SettingsError, match="GITHUB_APP_PRIVATE_KEY"):
        GitHubAppAuth("1", "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----", "acme", API)


def test_pem_with_escaped_newlines_is_accepted(rsa_key: rsa.RSAPrivateKey) -> None:
    one_line = pem_of(rsa_key).strip().replace("\n", "\\n")
    auth = GitHubAppAuth("7", one_line, "acme", API, clock=Clock())

    claims = jwt.decode(
        auth.app_jwt(), rsa_key.public_key(), algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims["iss"] == "7"


def test_app_not_installed_on_org_says_so(fake: FakeGitHub, rsa_key: rsa.RSAPrivateKey) -> None:
    auth = GitHubAppAuth("12345", pem_of(rsa_key), "acme", API, transport=httpx.MockTransport(fake), clock=Clock())

    with pytest.raises(NotFound, match="not installed on organisation acme"):
        auth()


# -- factory ----------------------------------------------------------------------------


def test_service_client_prefers_the_token(fake: FakeGitHub, rsa_key: rsa.RSAPrivateKey) -> None:
    fake.on("GET", "/user", httpx.Response(200, json={}))
    gh = make_service_client(API, token=TOKEN, app_id="1", app_private_key=pem_of(rsa_key), org="acme",
                             transport=httpx.MockTransport(fake))
    gh.get("/user")

    assert fake.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_service_client_falls_back_to_the_app(fake: FakeGitHub, rsa_key: rsa.RSAPrivateKey) -> None:
    app_fake(fake)
    gh = make_service_client(API, token="", app_id="12345", app_private_key=pem_of(rsa_key), org="acme",
                             transport=httpx.MockTransport(fake), clock=Clock())
    gh.get("/orgs/acme/teams")

    assert fake.hits("GET", "/orgs/acme/teams")[0].headers["authorization"] == "Bearer ghs_one"


def test_service_client_without_credentials_says_what_to_set() -> None:
    with pytest.raises(SettingsError, match="set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY"):
        make_service_client(API, token="", app_id="", app_private_key="")
    with pytest.raises(SettingsError, match="GITHUB_APP_PRIVATE_KEY"):
        make_service_client(API, app_id="12345")
