#!/usr/bin/env python3
"""Rehearse docs/deploy.md without AWS or GitHub: a fake GitHub and moto's S3 on loopback.

    .venv/bin/python deploy/rehearse.py [--days 30] [--bucket copilot-usage-history]

Starts the tests' loopback fake GitHub serving a synthetic organisation (its
reports end the day before yesterday, as GitHub's do) and a moto server with an
empty, versioned bucket, prints the settings to export in another shell, and
waits until Ctrl-C. Needs the dev requirements (moto): `make test` installs them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import boto3  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from copilot_usage.demo import build_demo_org

DUMMY_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
             "AWS_DEFAULT_REGION": "us-east-1"}


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--days", type=int, default=30, help="days of reports the fake organisation has")
    args.add_argument("--bucket", default="copilot-usage-history")
    options = args.parse_args()

    os.environ.update(DUMMY_AWS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=options.bucket)
    s3.put_bucket_versioning(Bucket=options.bucket, VersioningConfiguration={"Status": "Enabled"})

    org = build_demo_org(seed=21, teams=8, users=80, days=options.days)
    with FakeGitHub(org) as github:
        settings = {"GITHUB_ORG": org.org, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": "rehearsal-token",
                    "STORE_URL": f"s3://{options.bucket}", "AWS_ENDPOINT_URL": endpoint, **DUMMY_AWS}
        print("Fake GitHub and moto S3 are up. In another shell:\n")
        for name, value in settings.items():
            print(f"export {name}={value}")
        print(f"\nThe fake's reports run {org.first_day} to {org.end_day}. The first backfill (docs/deploy.md 9):\n"
              f"  .venv/bin/python -m copilot_usage collect\n"
              f"or, as the Lambda runs it:\n"
              f"  .venv/bin/python -c 'from copilot_usage.collector.aws_lambda import handler; print(handler({{}}, None))'\n"
              f"The bucket (docs/deploy.md 8): aws --endpoint-url {endpoint} s3 ls s3://{options.bucket}/\n"
              f"Ctrl-C stops both.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
