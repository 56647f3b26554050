"""Shared fixtures: the demo organisation (the project's realistic data set), collected once."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import open_store

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="session")
def demo_org():
    """The organisation `make run` shows (default arguments), built once."""
    return build_demo_org()


def demo_client(org, **kwargs) -> GitHubClient:
    """A real GitHubClient whose transport is the demo organisation, in-process."""
    return GitHubClient("https://api.github.com", token="demo", transport=org.transport(),
                        sleep=lambda s: None, **kwargs)


@pytest.fixture(scope="session")
def demo_store_dir(tmp_path_factory, demo_org) -> Path:
    """A local store filled by the real collector from the demo organisation."""
    root = tmp_path_factory.mktemp("demo-store")
    store = open_store(f"file://{root}")
    with demo_client(demo_org) as client:
        collect(client, store, demo_org.org, since=demo_org.first_day - timedelta(days=1))
    store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=None)
    return root


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real moto S3 server on a free loopback port, with dummy credentials in the env."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            mp.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str):
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


@pytest.fixture
def bucket(s3_client) -> str:
    name = f"test-{uuid.uuid4().hex}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    from app_server import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def github(demo_org):
    """The loopback fake GitHub serving the demo organisation, for one test module."""
    from fake_github import FakeGitHub

    with FakeGitHub(demo_org) as fake:
        yield fake


@pytest.fixture(scope="module")
def app(github, demo_store_dir, demo_org):
    """The app in GitHub sign-in mode against `github`, over the demo store (its URL); a
    module needing other settings defines its own `app`."""
    from browser_session import oauth_app

    with oauth_app(github, demo_store_dir, demo_org) as url:
        yield url


# The small organisation of the deployed-mode tests (github_app.py); a module may
# define its own `org` instead, which then wins.
@pytest.fixture(scope="module")
def org():
    from github_app import small_org

    return small_org()


@pytest.fixture(scope="module")
def store_url(org, tmp_path_factory):
    """A local store filled by the collector from `org`."""
    from github_app import collected_store

    return collected_store(tmp_path_factory.mktemp("store"), org)
