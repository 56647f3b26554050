"""Settings from the environment or a `.env` file, validated into one line per mistake.

    settings = load_settings()          # raises SettingsError("GITHUB_ORG: ...")
    settings.demo_mode                  # True when no GitHub sign-in is configured
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .contract.keys import validate_key
from .errors import SettingsError

# GitHub logins/org names: alphanumerics and single hyphens, at most 39 characters.
_ORG_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+(?::\d+)?(?:/[^\s?#]*)?$")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"  # "_": container names
_HOST_NAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")  # a DNS name; IP addresses are checked apart
DEMO_ORG = "octo-demo"
MIN_SECRET_LENGTH = 32
_SECRET_HINT = 'make one with python -c "import secrets; print(secrets.token_urlsafe(32))"'


def _check_url(name: str, value: str) -> str:
    problem = f"must be an http(s) URL like https://example.com (got {value!r})"
    if not _HTTP_URL.match(value) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(problem)
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port  # .port raises on a port out of range
    except ValueError:
        raise ValueError(problem) from None
    if parts.username is not None or parts.password is not None:
        # Said without the value: it would hold a password.
        raise ValueError("must not carry a user name or password; give credentials in their own settings")
    if not host or not (_HOST_NAME.match(host) or _is_ip(host)):
        raise ValueError(problem)
    return value.rstrip("/")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class Settings(BaseSettings):
    """Every setting of DESIGN.md section 3; names are the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    github_org: str = Field("", description="the organisation whose usage is shown")
    github_api_url: str = "https://api.github.com"
    github_web_url: str = "https://github.com"
    github_token: str = Field("", repr=False)
    github_app_id: str = ""
    github_app_private_key: str = Field("", repr=False)
    github_oauth_client_id: str = ""
    github_oauth_client_secret: str = Field("", repr=False)
    app_url: str = "http://localhost:8501"
    store_url: str = "file://./data"
    admin_teams: str = ""
    aws_endpoint_url: str = ""
    collect_concurrency: int = Field(4, ge=1, le=32)
    # How often the collector rewrites teams_history.json, every team's every day in one file
    # (older tools and the seed's readers; the app reads the team files): README, "The store".
    teams_history_json: Literal["daily", "weekly", "off"] = "daily"
    # The collector's patience with GitHub (GITHUB_API.md section 5). The scale multiplies the
    # client's own waits (1 s back-off after a 5xx or a dropped connection, at least 60 s after
    # a rate limit that names no reset), both doubling; `retry-after` and `x-ratelimit-reset`
    # are always waited out as GitHub gives them, unless longer than GITHUB_MAX_WAIT_SECONDS.
    github_retry_scale: float = Field(1.0, gt=0, le=10)
    github_max_wait_seconds: float = Field(900.0, ge=0, le=86_400)
    github_timeout_seconds: float = Field(30.0, gt=0, le=600)
    # The session cookie (web/session.py): sealed under this secret, valid this long.
    session_secret: str = Field("", repr=False, validate_default=True)
    session_hours: float = Field(8.0, gt=0, le=24 * 30)
    # Prices behind every money figure (analysis/pricing.py), in US dollars.
    ai_credit_price_usd: float = Field(0.01, ge=0, le=100)
    seat_price_business_usd: float = Field(19.0, ge=0, le=10_000)
    seat_price_enterprise_usd: float = Field(39.0, ge=0, le=10_000)

    @field_validator("github_org")
    @classmethod
    def _org(cls, value: str) -> str:
        value = value.strip()
        if value and not _ORG_NAME.match(value):
            raise ValueError(f"must be an organisation login like 'my-org', without slashes (got {value!r})")
        return value

    @field_validator("github_api_url", "github_web_url", "app_url")
    @classmethod
    def _urls(cls, value: str, info) -> str:
        return _check_url(info.field_name, value.strip())

    @field_validator("aws_endpoint_url")
    @classmethod
    def _optional_url(cls, value: str, info) -> str:
        return _check_url(info.field_name, value.strip()) if value.strip() else ""

    @field_validator("session_secret")
    @classmethod
    def _session_secret(cls, value: str, info) -> str:
        # Declared after the OAuth settings, so they are in info.data already.
        value = value.strip()
        oauth = info.data.get("github_oauth_client_id") and info.data.get("github_oauth_client_secret")
        if not value:
            if oauth:
                raise ValueError(f"required when GitHub sign-in is configured: {_SECRET_HINT}")
            return value
        if len(value) < MIN_SECRET_LENGTH or len(set(value)) < 10:
            raise ValueError(f"too weak (at least {MIN_SECRET_LENGTH} random characters): {_SECRET_HINT}")
        return value

    @field_validator("store_url")
    @classmethod
    def _store_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("file://") and len(value) > len("file://"):
            return value
        if re.match(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._=/-]*)?$", value):
            prefix = value[len("s3://"):].partition("/")[2].strip("/")
            if prefix:
                validate_key(prefix)  # no "..", no hidden names: the same rule as every store key
            return value
        raise ValueError(f"must be file://PATH or s3://bucket/prefix (got {value!r})")

    @property
    def demo_mode(self) -> bool:
        """No OAuth app configured: the app offers demo personas over the demo store."""
        return not (self.github_oauth_client_id and self.github_oauth_client_secret)

    @property
    def org(self) -> str:
        """The organisation shown; the demo organisation when none is set in demo mode."""
        return self.github_org or (DEMO_ORG if self.demo_mode else "")

    @property
    def admin_team_list(self) -> list[str]:
        return [t.strip() for t in self.admin_teams.split(",") if t.strip()]


def load_settings(**overrides) -> Settings:
    """Read settings; a mistake becomes one SettingsError line naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{name}: {message}")
    return "; ".join(parts)


def check_window(since: date | None, until: date | None, today: date, *,
                 names: tuple[str, str] = ("since", "until")) -> None:
    """A collection window must make sense: `since` (exclusive) before `until`, and in the past."""
    if since and until and since >= until:
        raise SettingsError(f"{names[0]} must be before {names[1]} ({names[0]} is exclusive)")
    if since and since >= today:
        raise SettingsError(f"{names[0]} must be in the past")


def parse_day(value: str, name: str = "day") -> date:
    """`YYYY-MM-DD` -> date, or SettingsError naming the argument."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise SettingsError(f"{name}: must be a day like 2026-03-31 (got {value!r})") from None
