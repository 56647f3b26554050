"""AWS Lambda entry point: one incremental collection, answered with its summary."""

from __future__ import annotations

from .cli import service_client
from .config import load_settings
from .history import collect
from .store import open_store


def handler(event, context) -> dict:
    """Run `collect` for GITHUB_ORG into STORE_URL; return the summary as a dict."""
    settings = load_settings()
    with service_client(settings) as client:
        summary = collect(client, open_store(settings.store_url), settings.org,
                          concurrency=settings.collect_concurrency)
    return summary.as_dict()
