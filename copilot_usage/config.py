"""Settings from the environment or a `.env` file, validated into one line per mistake.

    settings = load_settings()          # raises SettingsError("GITHUB_ORG: ...")
    settings.demo_mode                  # True when no GitHub sign-in is configured
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import SettingsError

# GitHub logins/org names: alphanumerics and single hyphens, at most 39 characters.
_ORG_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+(?::\d+)?(?:/[^\s?#]*)?$")
DEMO_ORG = "octo-demo"


def _check_url(name: str, value: str) -> str:
    if not _HTTP_URL.match(value):
        raise ValueError(f"must be an http(s) URL like https://example.com (got {value!r})")
    return value.rstrip("/")


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

    @field_validator("store_url")
    @classmethod
    def _store_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("file://") and len(value) > len("file://"):
            return value
        if re.match(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._=/-]*)?$", value):
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


def parse_day(value: str, name: str = "day") -> date:
    """`YYYY-MM-DD` -> date, or SettingsError naming the argument."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise SettingsError(f"{name}: must be a day like 2026-03-31 (got {value!r})") from None
