"""The OAuth web flow's HTTP half, against respx: callbacks, code exchange, revoke."""

import base64
import hashlib
import logging
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import respx

from copilot_usage.errors import SignInFailed
from copilot_usage.github.oauth import (
    OAuthConfig,
    authorization_url,
    check_callback,
    exchange_code,
    new_pkce_pair,
    revoke_token,
)

pytestmark = pytest.mark.unit

CONFIG = OAuthConfig("client-123", "secret-456", "https://github.example", "https://api.github.example",
                     "http://localhost:8501")
TOKEN = "gho_ThisTokenMustNeverBeLogged0001"


def test_authorization_url_asks_for_read_only_scopes_with_state_and_pkce():
    verifier, challenge = new_pkce_pair()
    url = urlparse(authorization_url(CONFIG, "st4te", challenge))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://github.example/login/oauth/authorize"
    assert query == {"client_id": "client-123", "scope": "read:user read:org", "state": "st4te",
                     "redirect_uri": "http://localhost:8501/component/streamlit_oauth.authorize_button",
                     "code_challenge": challenge, "code_challenge_method": "S256"}
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert challenge == expected and 43 <= len(verifier) <= 128


@pytest.mark.parametrize("callback", [{"code": "abc"}, {"code": "abc", "state": ""},
                                      {"code": "abc", "state": "someone-elses"}])
def test_a_callback_without_our_state_is_refused(callback):
    with pytest.raises(SignInFailed, match="state did not match"):
        check_callback(callback, expected_state="ours")


def test_an_unreadable_callback_is_refused():
    with pytest.raises(SignInFailed, match="could not be read"):
        check_callback("not a dict", expected_state="ours")


def test_a_callback_with_our_state_gives_its_code_and_a_denial_reads_as_a_sentence():
    assert check_callback({"code": "abc", "state": "ours"}, expected_state="ours") == "abc"
    with pytest.raises(SignInFailed, match="cancelled on GitHub"):
        check_callback({"error": "access_denied", "state": "ours"}, expected_state="ours")


@respx.mock
def test_exchange_posts_the_secret_and_verifier_and_returns_the_token():
    route = respx.post("https://github.example/login/oauth/access_token").mock(
        return_value=httpx.Response(200, json={"access_token": TOKEN, "token_type": "bearer",
                                               "scope": "read:org,read:user"}))
    assert exchange_code(CONFIG, "the-code", "the-verifier") == TOKEN
    sent = parse_qs(route.calls.last.request.content.decode())
    assert {k: v[0] for k, v in sent.items()} == {
        "client_id": "client-123", "client_secret": "secret-456", "code": "the-code",
        "redirect_uri": CONFIG.redirect_uri, "code_verifier": "the-verifier"}
    assert route.calls.last.request.headers["accept"] == "application/json"


@pytest.mark.parametrize("error,sentence", [
    ("bad_verification_code", "expired or was already used"),
    ("incorrect_client_credentials", "client ID or secret is wrong"),
    ("redirect_uri_mismatch", "check APP_URL"),
    ("something_new", r"GitHub refused the sign-in \(something_new\)"),
])
@respx.mock
def test_token_errors_come_with_http_200_and_read_as_sentences(error, sentence):
    respx.post("https://github.example/login/oauth/access_token").mock(
        return_value=httpx.Response(200, json={"error": error, "error_description": "x"}))
    with pytest.raises(SignInFailed, match=sentence):
        exchange_code(CONFIG, "c", "v")


@respx.mock
def test_github_unreachable_is_a_sentence():
    respx.post("https://github.example/login/oauth/access_token").mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(SignInFailed, match="could not be reached"):
        exchange_code(CONFIG, "c", "v")


@respx.mock
def test_revoke_uses_basic_auth_and_the_token_body():
    route = respx.delete("https://api.github.example/applications/client-123/token").mock(
        return_value=httpx.Response(204))
    assert revoke_token(CONFIG, TOKEN) is True
    request = route.calls.last.request
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"client-123:secret-456").decode()
    assert request.content == b'{"access_token":"' + TOKEN.encode() + b'"}'
    route.mock(return_value=httpx.Response(404))
    assert revoke_token(CONFIG, TOKEN) is False


@respx.mock
def test_no_token_reaches_the_logs(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    respx.post("https://github.example/login/oauth/access_token").mock(
        return_value=httpx.Response(200, json={"access_token": TOKEN}))
    respx.delete("https://api.github.example/applications/client-123/token").mock(return_value=httpx.Response(204))
    exchange_code(CONFIG, "c", "v")
    revoke_token(CONFIG, TOKEN)
    captured = capsys.readouterr()
    assert TOKEN not in caplog.text and TOKEN not in captured.out and TOKEN not in captured.err
