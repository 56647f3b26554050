"""GitHub App installation tokens for the collector, renewed before they expire.

    auth = GitHubAppAuth("123456", pem_text, "acme")
    gh = GitHubClient(token_provider=auth)   # auth() is asked before every request

Flow: sign a short JWT as the App (RS256), look up the App's installation on the
organisation, exchange the JWT for an installation token (valid one hour).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from ..errors import Forbidden, GitHubError, NotFound, SettingsError
from .client import GitHubClient

# Renew this long before expiry so a token never lapses during a slow download.
RENEW_MARGIN_SECONDS = 300.0
# GitHub refuses App JWTs valid for more than 10 minutes; backdate iat for clock drift.
JWT_BACKDATE_SECONDS = 60
JWT_LIFETIME_SECONDS = 540


class GitHubAppAuth:
    """A token provider: calling it returns a valid installation token."""

    def __init__(
        self,
        app_id: str | int,
        private_key_pem: str,
        org: str,
        api_url: str = "https://api.github.com",
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._app_id = str(app_id)
        self._key = _load_private_key(private_key_pem)
        self._org = org
        self._clock = clock
        self._lock = threading.Lock()
        self._installation_id: int | None = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._api = GitHubClient(api_url, token_provider=self.app_jwt, transport=transport, sleep=sleep, clock=clock)

    def __call__(self) -> str:
        """Return an installation token, fetching a new one when < 5 minutes remain.

        Thread-safe: concurrent callers share one renewal.

            auth()   # -> "ghs_..."
        """
        with self._lock:
            if self._token is None or self._expires_at - self._clock() < RENEW_MARGIN_SECONDS:
                self._token, self._expires_at = self._new_installation_token()
            return self._token

    def app_jwt(self) -> str:
        """A JWT signed with the App's key, valid for 9 minutes from the clock's now.

            jwt.decode(auth.app_jwt(), public_key, algorithms=["RS256"])["iss"]   # -> "123456"
        """
        now = int(self._clock())
        claims = {"iat": now - JWT_BACKDATE_SECONDS, "exp": now + JWT_LIFETIME_SECONDS, "iss": self._app_id}
        return jwt.encode(claims, self._key, algorithm="RS256")

    def close(self) -> None:
        """Close the App's own HTTP client.

            auth.close()
        """
        self._api.close()

    def _new_installation_token(self) -> tuple[str, float]:
        try:
            body = self._api.post_json(f"/app/installations/{self._installation()}/access_tokens")
        except Forbidden as exc:
            raise _explain_refusal(exc, self._app_id) from exc
        if not isinstance(body, dict) or not body.get("token"):
            raise GitHubError("GitHub answered the installation-token request without a token; try again later.")
        return str(body["token"]), _expires_at(body, self._clock())

    def _installation(self) -> int:
        if self._installation_id is None:
            try:
                body = self._api.get_json(f"/orgs/{self._org}/installation")
            except NotFound as exc:
                raise NotFound(
                    f"GitHub App {self._app_id} is not installed on organisation {self._org}: "
                    "install it there, or check GITHUB_ORG and GITHUB_APP_ID.",
                    status=exc.status,
                    url=exc.url,
                ) from exc
            except Forbidden as exc:
                raise _explain_refusal(exc, self._app_id) from exc
            self._installation_id = int(body["id"])
        return self._installation_id


def _load_private_key(pem: str) -> RSAPrivateKey:
    # Keys pasted into .env files or secret stores often arrive with literal "\n".
    if "\\n" in pem and "\n" not in pem.strip():
        pem = pem.replace("\\n", "\n")
    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise SettingsError(
            "GITHUB_APP_PRIVATE_KEY: not a readable PEM private key; paste the whole "
            "'-----BEGIN RSA PRIVATE KEY-----' file downloaded from the App's settings."
        ) from exc
    if not isinstance(key, RSAPrivateKey):
        raise SettingsError("GITHUB_APP_PRIVATE_KEY: GitHub Apps sign with an RSA key; this key is not RSA.")
    return key


def _expires_at(body: dict[str, Any], now: float) -> float:
    try:
        return datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00")).timestamp()
    except (KeyError, ValueError):
        # GitHub documents one hour; assume less so we renew early rather than late.
        return now + 3000.0


def _explain_refusal(exc: Forbidden, app_id: str) -> Forbidden:
    if exc.status != 401:
        return exc
    return Forbidden(
        f"GitHub rejected the App's signed JWT (401) for App {app_id}: check that GITHUB_APP_ID "
        "matches GITHUB_APP_PRIVATE_KEY and that this machine's clock is right.",
        status=exc.status,
        url=exc.url,
    )
