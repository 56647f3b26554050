"""AWS Lambda entry point: one incremental collection, answered with its summary.

Settings come from the function's environment as everywhere else. The GitHub
App's private key is not put there: GITHUB_APP_PRIVATE_KEY_SECRET_ARN names a
Secrets Manager secret whose value is the PEM file, read at each invocation
(so a rotated key is picked up) before the settings are built.
"""

from __future__ import annotations

import json
import os

from ..config import check_window, load_settings, parse_day
from ..contract.rules import utc_today
from ..errors import SettingsError
from ..store.url import open_store
from .cli import service_client
from .run import collect

SECRET_ARN_ENV = "GITHUB_APP_PRIVATE_KEY_SECRET_ARN"


def private_key_from_secret(secret_id: str, client=None) -> str:
    """The PEM text stored in a Secrets Manager secret (SecretString, or SecretBinary)."""
    from botocore.exceptions import BotoCoreError, ClientError

    if client is None:
        import boto3

        client = boto3.client("secretsmanager")
    try:
        value = client.get_secret_value(SecretId=secret_id)
    except (BotoCoreError, ClientError) as exc:
        raise SettingsError(f"{SECRET_ARN_ENV}: cannot read secret {secret_id}: {exc}") from None
    text = value.get("SecretString") or (value.get("SecretBinary") or b"").decode("utf-8", "replace")
    if not text.strip():
        raise SettingsError(f"{SECRET_ARN_ENV}: secret {secret_id} is empty; store the App's .pem file in it")
    return text


def handler(event, context) -> dict:
    """Run `collect` for GITHUB_ORG into STORE_URL; log and return the summary as a dict.

    The schedule's event carries no dates: the run is incremental. An event like
    {"since": "2026-01-31", "until": "2026-03-31"} collects that window instead
    (`since` exclusive), as `python -m copilot_usage collect --since --until` does.
    """
    window = {name: parse_day(str(event[name]), name) for name in ("since", "until")
              if isinstance(event, dict) and event.get(name)}
    check_window(window.get("since"), window.get("until"), utc_today())
    overrides = {}
    secret_id = os.environ.get(SECRET_ARN_ENV, "").strip()
    if secret_id:
        overrides["github_app_private_key"] = private_key_from_secret(secret_id)
    settings = load_settings(**overrides)
    if not settings.github_org:  # without it, settings.org would be the demo organisation
        raise SettingsError("GITHUB_ORG: set the organisation to collect")
    with service_client(settings) as client:
        summary = collect(client, open_store(settings.store_url), settings.github_org,
                          concurrency=settings.collect_concurrency, history_json=settings.teams_history_json,
                          **window)
    result = summary.as_dict()
    print(json.dumps({"collected": result}))  # one line in CloudWatch Logs per run
    return result
