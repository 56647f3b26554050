"""`python -m copilot_usage team-history` in demo mode answers from the demo organisation,
as the README promises a newcomer who has not set up GitHub yet."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cli_runner import run_main

from copilot_usage.store import open_store
from copilot_usage.store.histories import load_team_histories


@pytest.mark.integration
def test_team_history_in_demo_mode_prints_the_demo_teams_days(demo_org, demo_store_dir, tmp_path):
    since = demo_org.end_day - timedelta(days=10)
    code, out, err = run_main({"STORE_URL": f"file://{tmp_path}"}, "team-history", "--team", "Checkout",
                              "--since", since.isoformat())
    assert code == 0, err
    printed = json.loads(out)
    assert printed["team"]["slug"] == "checkout"
    # The same days, with the same numbers, as the collector recorded from the demo organisation.
    recorded = next(h for h in load_team_histories(open_store(f"file://{demo_store_dir}"))[0]
                    if h.team.slug == "checkout")
    expected = [d.model_dump(mode="json") for d in recorded.data if d.date > since]
    assert len(expected) >= 5
    assert printed["data"] == expected


@pytest.mark.unit
def test_team_history_names_the_missing_org_once_a_collector_credential_is_set(tmp_path):
    code, out, err = run_main({"STORE_URL": f"file://{tmp_path}", "GITHUB_TOKEN": "ghp_x"},
                              "team-history", "--team", "checkout")
    assert code == 1 and out == ""
    assert "GITHUB_ORG" in err and "Traceback" not in err
