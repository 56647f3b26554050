"""The collector's client: its own credential, a token or a GitHub App installation.

    gh = make_service_client("https://api.github.com", token=settings.github_token)
    gh = make_service_client(url, app_id="123", app_private_key=pem, org="acme")
"""

from __future__ import annotations

from typing import Any

import httpx

from ..errors import SettingsError
from .app_auth import GitHubAppAuth
from .client import GitHubClient


def make_service_client(
    api_url: str = "https://api.github.com",
    *,
    token: str | None = None,
    app_id: str | int | None = None,
    app_private_key: str | None = None,
    org: str | None = None,
    transport: httpx.BaseTransport | None = None,
    **client_options: Any,
) -> GitHubClient:
    """The collector's client: a token if given, else a GitHub App installation.

    Empty strings count as unset (settings default to ""). Raises SettingsError
    naming what to set. `client_options` go to GitHubClient (sleep, clock, ...).
    """
    if token:
        return GitHubClient(api_url, token=token, transport=transport, **client_options)
    if app_id and app_private_key:
        if not org:
            raise SettingsError("GITHUB_ORG: set it so the GitHub App can find its installation.")
        auth_options = {k: client_options[k] for k in ("clock", "sleep") if k in client_options}
        auth = GitHubAppAuth(app_id, app_private_key, org, api_url, transport=transport, **auth_options)
        return GitHubClient(api_url, token_provider=auth, transport=transport, **client_options)
    if app_id or app_private_key:
        missing = "GITHUB_APP_PRIVATE_KEY" if app_id else "GITHUB_APP_ID"
        raise SettingsError(f"{missing}: set it too, or set GITHUB_TOKEN instead, for the collector.")
    raise SettingsError("set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY, for the collector.")
