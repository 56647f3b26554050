"""AppTest helpers: the app (or one page) in demo mode over a given store."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def demo_mode(monkeypatch, store_url: str, **env: str) -> None:
    """Demo settings over `store_url`, with fresh caches (they outlive one AppTest)."""
    for name in ("GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET", "GITHUB_ORG", "ADMIN_TEAMS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORE_URL", store_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    st.cache_data.clear()


def app_test(script: str = APP) -> AppTest:
    return AppTest.from_file(str(ROOT / script) if not script.startswith("/") else script, default_timeout=60)


def signed_in(persona: str) -> AppTest:
    """The app after a demo persona signed in through the sign-in box."""
    at = app_test()
    at.run()
    at.radio[0].set_value(persona)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at
