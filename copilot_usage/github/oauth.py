"""GitHub's OAuth web flow, the HTTP half: authorize URL, callback checks, code exchange, revoke.

The Streamlit half (the button and popup of streamlit-oauth) lives in
`copilot_usage/web/ui/signin.py`; this module holds everything that can be tested
without a browser.

    config = OAuthConfig(client_id, client_secret, web_url, api_url, app_url)
    verifier, challenge = new_pkce_pair()
    url = authorization_url(config, state, challenge)
    code = check_callback(callback, expected_state=state)      # SignInFailed on a bad callback
    token = exchange_code(config, code, verifier)               # SignInFailed as a sentence
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from ..errors import SignInFailed

SCOPES = "read:user read:org"
CALLBACK_PATH = "/component/streamlit_oauth.authorize_button"

_AGAIN = "Please sign in again; if it keeps happening, ask the app's operator."
# GitHub's error keys, as sentences a viewer can act on.
_TOKEN_ERRORS = {
    "bad_verification_code": "The sign-in code has expired or was already used. Please sign in again.",
    "incorrect_client_credentials": "The app's GitHub OAuth client ID or secret is wrong. "
                                    "Ask the app's operator to check GITHUB_OAUTH_CLIENT_SECRET.",
    "redirect_uri_mismatch": "GitHub refused the sign-in because the app's address does not match "
                             "the OAuth app's callback URL. Ask the operator to check APP_URL.",
    "unverified_user_email": "GitHub asks you to verify your primary e-mail address before signing in. "
                             "Verify it on GitHub, then sign in again.",
}
_CALLBACK_ERRORS = {
    "access_denied": "Sign-in was cancelled on GitHub, so you are still signed out. "
                     "Sign in again when you are ready.",
    "application_suspended": "GitHub has suspended this OAuth app. Ask the app's operator.",
    "redirect_uri_mismatch": _TOKEN_ERRORS["redirect_uri_mismatch"],
}


@dataclass(frozen=True)
class OAuthConfig:
    client_id: str
    client_secret: str
    web_url: str
    api_url: str
    app_url: str

    @property
    def authorize_endpoint(self) -> str:
        return f"{self.web_url}/login/oauth/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.web_url}/login/oauth/access_token"

    @property
    def redirect_uri(self) -> str:
        # streamlit-oauth's popup page; it must share the app's exact origin.
        return f"{self.app_url}{CALLBACK_PATH}"


def new_pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 defines them."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorization_url(config: OAuthConfig, state: str, code_challenge: str) -> str:
    query = urlencode({"client_id": config.client_id, "redirect_uri": config.redirect_uri,
                       "scope": SCOPES, "state": state, "code_challenge": code_challenge,
                       "code_challenge_method": "S256"})
    return f"{config.authorize_endpoint}?{query}"


def check_callback(callback: dict, *, expected_state: str | None) -> str:
    """The code of a callback that carries our state; SignInFailed for anything else.

    streamlit-oauth only compares `state` when the callback has one; a callback
    without it could come from a login someone else started, so it is refused.
    """
    if not isinstance(callback, dict):
        raise SignInFailed("GitHub's answer to the sign-in could not be read. Please sign in again.")
    state = callback.get("state")
    if not state or not expected_state or not secrets.compare_digest(str(state), expected_state):
        raise SignInFailed("The sign-in could not be verified (its state did not match this "
                           "browser session), so you are still signed out. Please sign in again.")
    if callback.get("error"):
        raise SignInFailed(_CALLBACK_ERRORS.get(callback["error"],
                                                f"GitHub refused the sign-in ({str(callback['error'])[:100]}). "
                                                f"{_AGAIN}"))
    code = callback.get("code")
    if not code:
        raise SignInFailed("GitHub sent no sign-in code. Please sign in again.")
    return str(code)


def exchange_code(config: OAuthConfig, code: str, code_verifier: str, *,
                  transport: httpx.BaseTransport | None = None, timeout: float = 15.0) -> str:
    """The access token for a callback's code; errors (even with HTTP 200) as SignInFailed."""
    body = {"client_id": config.client_id, "client_secret": config.client_secret, "code": code,
            "redirect_uri": config.redirect_uri, "code_verifier": code_verifier}
    try:
        with httpx.Client(transport=transport, timeout=timeout) as http:
            response = http.post(config.token_endpoint, data=body, headers={"Accept": "application/json"})
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        raise SignInFailed("GitHub could not be reached to finish the sign-in. Try again in a minute.") from None
    if not isinstance(answer, dict):
        raise SignInFailed("GitHub's answer to the sign-in could not be read. Please sign in again.")
    error = answer.get("error")
    if error or response.status_code >= 400 or not answer.get("access_token"):
        raise SignInFailed(_TOKEN_ERRORS.get(error, f"GitHub refused the sign-in "
                                                    f"({str(error or response.status_code)[:100]}). {_AGAIN}"))
    return str(answer["access_token"])


def revoke_token(config: OAuthConfig, token: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = 10.0) -> bool:
    """Revoke an access token at sign-out; False (never an exception) when GitHub did not confirm."""
    try:
        with httpx.Client(transport=transport, timeout=timeout) as http:
            response = http.request(
                "DELETE", f"{config.api_url}/applications/{config.client_id}/token",
                auth=(config.client_id, config.client_secret), json={"access_token": token},
                headers={"Accept": "application/vnd.github+json"})
    except httpx.HTTPError:
        return False
    return response.status_code == 204
