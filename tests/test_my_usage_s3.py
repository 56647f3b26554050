"""My usage over an S3 store (moto): the range's day files are fetched through the Store API,
and the rows read are the same as from the local copy of the same facts."""

from __future__ import annotations

import pandas as pd
import pytest

from copilot_usage.read.person import collected_days, person_facts
from copilot_usage.store import LocalStore, open_store

pytestmark = pytest.mark.integration


def test_one_persons_facts_read_from_s3_match_the_local_store(s3_client, bucket, demo_store_dir, demo_org):
    local = LocalStore(demo_store_dir)
    days = collected_days(local)[-10:]
    s3 = open_store(f"s3://{bucket}/copilot", s3_client=s3_client)
    for key in local.list_keys("facts/user_days/"):
        if any(f"day={day}" in key for day in days):
            s3.write_bytes(key, local.read_bytes(key))
    assert collected_days(s3) == days
    login = demo_org.personas["no-team"]
    user_id = next(u["id"] for u in demo_org.users if u["login"] == login)
    from_s3 = person_facts(s3, user_id, days[0], days[-1])
    from_disk = person_facts(local, user_id, days[0], days[-1])
    assert not from_s3.empty
    pd.testing.assert_frame_equal(from_s3.days, from_disk.days)
    pd.testing.assert_frame_equal(from_s3.breakdowns["by_language"], from_disk.breakdowns["by_language"])
