"""Settings: every name of DESIGN.md section 3, and one clear line per mistake."""

import subprocess
import sys
from pathlib import Path

import pytest

from copilot_usage.config import load_settings, parse_day
from copilot_usage.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["GITHUB_ORG", "GITHUB_API_URL", "GITHUB_WEB_URL", "GITHUB_TOKEN", "GITHUB_APP_ID",
         "GITHUB_APP_PRIVATE_KEY", "GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET",
         "APP_URL", "STORE_URL", "ADMIN_TEAMS", "AWS_ENDPOINT_URL", "SESSION_SECRET", "SESSION_HOURS"]
SECRET = "kX9-q2Lr_7vT0bWz4mNc8pYs1dHf6gJa"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.mark.unit
def test_every_design_setting_is_read_from_the_environment(monkeypatch):
    values = {"GITHUB_ORG": "acme", "GITHUB_API_URL": "http://127.0.0.1:9/api",
              "GITHUB_WEB_URL": "http://127.0.0.1:9", "GITHUB_TOKEN": "t",
              "GITHUB_APP_ID": "12", "GITHUB_APP_PRIVATE_KEY": "k",
              "GITHUB_OAUTH_CLIENT_ID": "cid", "GITHUB_OAUTH_CLIENT_SECRET": "sec",
              "APP_URL": "http://localhost:8501", "STORE_URL": "s3://bucket/prefix",
              "ADMIN_TEAMS": "admins, Copilot Leads", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
              "SESSION_SECRET": SECRET, "SESSION_HOURS": "3"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    for name, value in values.items():
        if name not in ("ADMIN_TEAMS", "SESSION_HOURS"):
            assert getattr(settings, name.lower()) == value
    assert settings.session_hours == 3
    assert settings.admin_team_list == ["admins", "Copilot Leads"]
    assert not settings.demo_mode and settings.org == "acme"


@pytest.mark.unit
def test_defaults_run_the_demo():
    settings = load_settings()
    assert settings.demo_mode and settings.org == "octo-demo"
    assert settings.store_url == "file://./data"
    assert settings.github_api_url == "https://api.github.com"
    assert settings.session_hours == 8 and settings.session_secret == ""


@pytest.mark.unit
@pytest.mark.parametrize("secret,expected", [
    (None, "SESSION_SECRET: required when GitHub sign-in is configured"),
    ("", "SESSION_SECRET: required when GitHub sign-in is configured"),
    ("too-short-1234", "SESSION_SECRET: too weak"),
    ("a" * 64, "SESSION_SECRET: too weak"),
    ("changeme" * 5, "SESSION_SECRET: too weak"),
])
def test_github_sign_in_needs_a_strong_session_secret(monkeypatch, secret, expected):
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "cid")
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", "sec")
    if secret is not None:
        monkeypatch.setenv("SESSION_SECRET", secret)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message
    assert not secret or secret not in message  # never echoes the secret
    monkeypatch.setenv("SESSION_SECRET", SECRET)
    assert not load_settings().demo_mode


@pytest.mark.unit
def test_the_app_stops_with_one_line_naming_the_missing_session_secret(monkeypatch, tmp_path):
    from demo_app import app_test

    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "cid")
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", "sec")
    monkeypatch.setenv("STORE_URL", f"file://{tmp_path}")
    import streamlit as st
    st.cache_resource.clear()
    at = app_test()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The app is not configured correctly. SESSION_SECRET: required when GitHub sign-in is "
        'configured: make one with python -c "import secrets; print(secrets.token_urlsafe(32))"']
    st.cache_resource.clear()


@pytest.mark.unit
@pytest.mark.parametrize("name,value,expected", [
    ("STORE_URL", "ftp://x", "STORE_URL: must be file://PATH or s3://bucket/prefix"),
    ("STORE_URL", "s3://", "STORE_URL"),
    ("GITHUB_ORG", "acme/platform", "GITHUB_ORG: must be an organisation login"),
    ("GITHUB_ORG", "../etc", "GITHUB_ORG"),
    ("GITHUB_API_URL", "api.github.com", "GITHUB_API_URL: must be an http(s) URL"),
    ("APP_URL", "javascript:alert(1)", "APP_URL"),
])
def test_a_bad_setting_is_one_line_naming_it(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


@pytest.mark.integration
def test_cli_reports_a_bad_setting_without_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "STORE_URL": "ftp://nowhere", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "copilot_usage", "collect"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: STORE_URL: must be file://PATH or s3://bucket/prefix (got 'ftp://nowhere')"]


@pytest.mark.unit
@pytest.mark.parametrize("value", ["2026-13-01", "26-01-01", "yesterday", "2026-1-1"])
def test_days_must_be_iso(value):
    with pytest.raises(SettingsError, match="--since: must be a day like"):
        parse_day(value, "--since")
