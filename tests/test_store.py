"""Behaviour of the history store, run against a folder and against S3 (moto's server)."""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import queue
import shutil
import socket
import sys
import threading
import types
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from copilot_usage.errors import (
    InvalidStoreFile,
    SettingsError,
    StoreConflict,
    StoreUnavailable,
)
from copilot_usage.store import LocalStore, S3Store, Store, Versioned, dump_json, open_store

HISTORY = [
    {
        "team": {"name": "Core Platform", "slug": "core-platform", "description": "Ünïcode ✓", "url": "u"},
        "data": [{"date": "2026-01-05", "active_users": 7, "ai_credits": None}],
    }
]
REPORT_KEY = "reports/users-1-day/day=2026-01-05/part-0.ndjson.gz"

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=[pytest.param("local", marks=pytest.mark.unit),
                        pytest.param("s3", marks=pytest.mark.integration)])
def store(request, tmp_path: Path) -> Store:
    """Each behaviour test runs once on a LocalStore and once on an S3Store."""
    if request.param == "local":
        return LocalStore(tmp_path / "data")
    client = request.getfixturevalue("s3_client")
    name = request.getfixturevalue("bucket")
    # Under a prefix, with a neighbour outside it, so prefix handling is exercised too.
    client.put_object(Bucket=name, Key="outside.json", Body=b"{}")
    return S3Store(name, "copilot", client=client)


def stored_bytes(store: Store, key: str) -> bytes | None:
    """The object exactly as it sits on disk / in the bucket, bypassing the Store API."""
    if isinstance(store, LocalStore):
        path = store.root.joinpath(*key.split("/"))
        return path.read_bytes() if path.exists() else None
    assert isinstance(store, S3Store)
    try:
        obj = store.client.get_object(Bucket=store.bucket, Key=f"{store.prefix}/{key}")
    except store.client.exceptions.NoSuchKey:
        return None
    return obj["Body"].read()


# --------------------------------------------------------------------------- dump_json


@pytest.mark.unit
def test_dump_json_is_deterministic_and_keeps_key_order():
    data = {"b": 1, "a": "é", "list": [1, {"z": None, "y": True}]}
    first = dump_json(data)
    assert first == dump_json(data) == dump_json(dict(data))
    assert first == (
        b'{\n "b": 1,\n "a": "\xc3\xa9",\n "list": [\n  1,\n  {\n   "z": null,\n   "y": true\n  }\n ]\n}\n'
    )


# --------------------------------------------------------------------------- both stores


def test_json_round_trip_returns_the_written_tag(store: Store):
    tag = store.write_json("teams_history.json", HISTORY, if_tag=None)

    assert store.read_json("teams_history.json") == Versioned(HISTORY, tag)
    assert store.tag("teams_history.json") == tag
    assert store.exists("teams_history.json")
    # What is stored is exactly dump_json's bytes (the layout other tools read).
    assert stored_bytes(store, "teams_history.json") == dump_json(HISTORY)


def test_update_with_current_tag_replaces_content_and_changes_tag(store: Store):
    first = store.write_json("admin_teams.json", ["leads"], if_tag=None)
    second = store.write_json("admin_teams.json", ["leads", "ops"], if_tag=first)

    assert second != first
    assert store.read_json("admin_teams.json") == Versioned(["leads", "ops"], second)


def test_same_content_gives_same_tag(store: Store):
    a = store.write_json("a.json", HISTORY, if_tag=None)
    b = store.write_json("b.json", HISTORY, if_tag=None)
    assert a == b


def test_missing_key_reads_as_nothing(store: Store):
    assert store.read_json("teams_history.json") == Versioned(None, None)
    assert store.read_bytes("teams_history.json") is None
    assert store.tag("teams_history.json") is None
    assert store.exists("teams_history.json") is False


def test_a_file_to_open_in_place_only_from_a_folder_store(store: Store):
    store.write_bytes(REPORT_KEY, b"parquet bytes")
    found = store.local_file(REPORT_KEY)
    if isinstance(store, LocalStore):  # DuckDB opens it where it is
        assert found is not None and found.read_bytes() == b"parquet bytes"
    else:  # S3: the caller copies what it needs
        assert found is None
    assert store.local_file("facts/missing.parquet") is None
    with pytest.raises(ValueError):
        store.local_file("../outside")


def test_list_keys_is_sorted_relative_and_filtered_by_prefix(store: Store):
    keys = [
        "teams_history.json",
        "reports/users-1-day/day=2026-01-06/part-0.ndjson.gz",
        "reports/users-1-day/day=2026-01-05/part-1.ndjson.gz",
        REPORT_KEY,
        "reports/user-teams-1-day/day=2026-01-05/part-0.ndjson.gz",
        "copilot_teams.json",
    ]
    for key in keys:
        store.write_bytes(key, b"x")
    store.write_json("admin_teams.json", [], if_tag=None)  # leaves a lock file on disk

    assert store.list_keys() == sorted([*keys, "admin_teams.json"])
    assert store.list_keys("reports/users-1-day/") == [
        REPORT_KEY,
        "reports/users-1-day/day=2026-01-05/part-1.ndjson.gz",
        "reports/users-1-day/day=2026-01-06/part-0.ndjson.gz",
    ]
    # A prefix is a string prefix, as in S3, not only a folder.
    assert store.list_keys("reports/users-1-day/day=2026-01-05") == [
        REPORT_KEY,
        "reports/users-1-day/day=2026-01-05/part-1.ndjson.gz",
    ]
    assert store.list_keys("copilot") == ["copilot_teams.json"]
    assert store.list_keys("nothing/") == []


def test_write_bytes_round_trips_binary_and_overwrites(store: Store):
    payload = gzip.compress(b'{"user": "ana"}\n' * 100)
    store.write_bytes(REPORT_KEY, payload)
    assert store.read_bytes(REPORT_KEY) == payload

    store.write_bytes(REPORT_KEY, b"\x00\xff second")
    assert store.read_bytes(REPORT_KEY) == b"\x00\xff second"
    assert store.exists(REPORT_KEY)


def test_stale_tag_write_conflicts_and_leaves_object_untouched(store: Store):
    stale = store.write_json("teams_history.json", ["v1"], if_tag=None)
    current = store.write_json("teams_history.json", ["v2"], if_tag=stale)
    before = stored_bytes(store, "teams_history.json")

    with pytest.raises(StoreConflict, match="teams_history.json") as caught:
        store.write_json("teams_history.json", ["v3 from a stale reader"], if_tag=stale)

    assert caught.value.key == "teams_history.json"
    assert stored_bytes(store, "teams_history.json") == before == dump_json(["v2"])
    assert store.tag("teams_history.json") == current


def test_create_if_absent_conflicts_when_key_exists(store: Store):
    tag = store.write_json("copilot_teams.json", ["first"], if_tag=None)

    with pytest.raises(StoreConflict, match="copilot_teams.json"):
        store.write_json("copilot_teams.json", ["second"], if_tag=None)

    assert store.read_json("copilot_teams.json") == Versioned(["first"], tag)


def test_update_of_a_key_deleted_since_read_conflicts(store: Store):
    tag = store.write_json("seen.json", [1], if_tag=None)
    with pytest.raises(StoreConflict, match="gone.json"):
        store.write_json("gone.json", [2], if_tag=tag)
    assert store.exists("gone.json") is False


def test_invalid_json_raises_naming_key_and_store_and_is_not_overwritten(store: Store):
    broken = b'[\n {"a": 1},\n {oops}\n]\n'
    store.write_bytes("teams_history.json", broken)

    with pytest.raises(InvalidStoreFile) as caught:
        store.read_json("teams_history.json")

    message = str(caught.value)
    assert message.startswith(f"teams_history.json in {store.url} is not valid JSON (line 3)")
    assert "will not be overwritten" in message
    assert caught.value.key == "teams_history.json"
    assert stored_bytes(store, "teams_history.json") == broken


def test_non_utf8_file_is_invalid(store: Store):
    store.write_bytes("historic_usage_data.json", b'["caf\xe9"]')
    with pytest.raises(InvalidStoreFile, match="historic_usage_data.json .* not valid JSON"):
        store.read_json("historic_usage_data.json")


BAD_KEYS = [
    "",
    "/teams_history.json",
    "../teams_history.json",
    "reports/../../etc/passwd",
    "reports//x.json",
    "reports/",
    "./x.json",
    ".locks/x.lock",
    "reports/.x.json.abc.tmp",
    "with space.json",
    "back\\slash.json",
    "ünï.json",
    "a?b.json",
]


class _NoCalls:
    """A boto3 client stand-in that fails the test if the store talks to S3 at all."""

    def __getattr__(self, name):
        raise AssertionError(f"S3 was called ({name}) for a bad key")


@pytest.mark.unit
@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused_before_any_io(key: str, tmp_path: Path):
    root = tmp_path / "data"
    stores = [LocalStore(root), S3Store("bucket", client=_NoCalls())]
    for store in stores:
        calls = [
            lambda store=store: store.read_json(key),
            lambda store=store: store.write_json(key, [], if_tag=None),
            lambda store=store: store.read_bytes(key),
            lambda store=store: store.write_bytes(key, b"x"),
            lambda store=store: store.tag(key),
            lambda store=store: store.exists(key),
        ]
        for call in calls:
            with pytest.raises(ValueError, match="invalid store key"):
                call()
    assert not root.exists()  # the folder is only created by a valid write


@pytest.mark.unit
@pytest.mark.parametrize("prefix", ["/", "../", "a//", "reports/../"])
def test_bad_list_prefixes_are_refused(prefix: str, tmp_path: Path):
    for store in (LocalStore(tmp_path), S3Store("bucket", client=_NoCalls())):
        with pytest.raises(ValueError):
            store.list_keys(prefix)


# --------------------------------------------------------------------------- LocalStore specifics


@pytest.mark.unit
def test_local_tag_is_content_hash_and_survives_a_copy(tmp_path: Path):
    store = LocalStore(tmp_path / "data")
    tag = store.write_json("teams_history.json", HISTORY, if_tag=None)
    assert tag == hashlib.sha256(dump_json(HISTORY)).hexdigest()

    shutil.copytree(tmp_path / "data", tmp_path / "copy")
    assert LocalStore(tmp_path / "copy").tag("teams_history.json") == tag


@pytest.mark.unit
def test_local_hash_of_a_large_file_is_remembered_across_processes_until_the_file_changes(tmp_path: Path,
                                                                                          monkeypatch):
    """A daily run is a new process: it must not hash every large file again, yet a file replaced
    by anyone (or copied, so another inode) is hashed anew, and a broken memo is only a miss."""
    big = b"[" + b"1," * 300_000 + b"1]\n"  # above the memo threshold
    root = tmp_path / "data"
    tag = LocalStore(root).write_bytes_if("teams_history.json", big, if_tag=None)
    hashed = []
    real = hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda *a: hashed.append(1) or real(*a))

    fresh = LocalStore(root)  # as the next process opens it
    assert fresh.tag("teams_history.json") == tag
    assert fresh.read_bytes_versioned("teams_history.json") == (big, tag)
    assert hashed == []  # neither hashed the 600 kB again

    changed = big.replace(b"1,1", b"2,2", 1)  # same size; written by another tool
    (root / "teams_history.json").write_bytes(changed)
    assert LocalStore(root).tag("teams_history.json") == real(changed).hexdigest()
    with pytest.raises(StoreConflict):  # the conditional write sees the change too
        LocalStore(root).write_bytes_if("teams_history.json", big, if_tag=tag)

    for memo in (root / ".tags").iterdir():
        memo.write_bytes(b"[[1, 2")  # cut short
    assert LocalStore(root).tag("teams_history.json") == real(changed).hexdigest()
    shutil.copytree(root, tmp_path / "copy")
    assert LocalStore(tmp_path / "copy").tag("teams_history.json") == real(changed).hexdigest()


@pytest.mark.unit
def test_local_folder_is_created_on_first_write_and_holds_no_leftovers(tmp_path: Path):
    root = tmp_path / "deep" / "data"
    store = LocalStore(root)
    assert store.list_keys() == []
    assert not root.exists()

    tag = store.write_json("teams_history.json", [1], if_tag=None)
    store.write_json("teams_history.json", [2], if_tag=tag)
    store.write_bytes(REPORT_KEY, b"x")

    on_disk = sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and ".locks" not in p.parts and ".tags" not in p.parts
    )
    assert on_disk == [REPORT_KEY, "teams_history.json"]  # no temp files left behind


@pytest.mark.unit
def test_local_list_keys_skips_temp_files_of_a_crashed_write(tmp_path: Path):
    store = LocalStore(tmp_path)
    store.write_bytes("reports/r/day=2026-01-05/part-0.ndjson.gz", b"x")
    (tmp_path / ".teams_history.json.k3j2.tmp").write_bytes(b"half")
    (tmp_path / "reports" / "r" / ".part-1.ndjson.gz.abcd.tmp").write_bytes(b"half")

    assert store.list_keys() == ["reports/r/day=2026-01-05/part-0.ndjson.gz"]


def _race_worker(root: str, tags: list[str], worker: int, barrier, results) -> None:
    """One racing process: in each round, try to update that round's key from its known tag."""
    store = LocalStore(root)
    for round_no, tag in enumerate(tags):
        barrier.wait()
        try:
            store.write_json(f"race-{round_no}.json", {"writer": worker}, if_tag=tag)
            results.put((round_no, worker, "won"))
        except StoreConflict:
            results.put((round_no, worker, "conflict"))
        except Exception as exc:  # reported, so the parent's assertion shows it
            results.put((round_no, worker, repr(exc)))


def _assert_one_winner_per_round(store: LocalStore, outcomes: list[tuple[int, int, str]], rounds: int, workers: int):
    assert len(outcomes) == rounds * workers
    for round_no in range(rounds):
        mine = [(w, outcome) for r, w, outcome in outcomes if r == round_no]
        winners = [w for w, outcome in mine if outcome == "won"]
        assert len(winners) == 1, mine
        assert sorted(outcome for _, outcome in mine) == ["conflict"] * (workers - 1) + ["won"]
        # The stored object is the winner's, whole.
        assert store.read_json(f"race-{round_no}.json").data == {"writer": winners[0]}


@pytest.mark.integration
def test_local_conditional_writes_racing_across_processes_have_one_winner(tmp_path: Path, monkeypatch):
    rounds, workers = 10, 4
    # spawn re-runs the parent's __main__ in each child; after an AppTest that is a page
    # script, so the children get a bare __main__ instead.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    store = LocalStore(tmp_path)
    tags = [store.write_json(f"race-{r}.json", {"round": r}, if_tag=None) for r in range(rounds)]

    ctx = multiprocessing.get_context("spawn")  # no fork: the moto server thread may be running
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [
        ctx.Process(target=_race_worker, args=(str(tmp_path), tags, w, barrier, results)) for w in range(workers)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in range(rounds * workers)]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0

    _assert_one_winner_per_round(store, outcomes, rounds, workers)


@pytest.mark.unit
def test_local_conditional_writes_racing_across_threads_have_one_winner(tmp_path: Path):
    rounds, workers = 30, 8
    store = LocalStore(tmp_path)
    tags = [store.write_json(f"race-{r}.json", {"round": r}, if_tag=None) for r in range(rounds)]

    barrier = threading.Barrier(workers)
    results: queue.Queue[tuple[int, int, str]] = queue.Queue()
    threads = [
        threading.Thread(target=_race_worker, args=(str(tmp_path), tags, w, barrier, results)) for w in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes = [results.get_nowait() for _ in range(rounds * workers)]

    _assert_one_winner_per_round(store, outcomes, rounds, workers)


# --------------------------------------------------------------------------- S3 specifics


@pytest.mark.integration
def test_s3_keys_live_under_the_prefix(s3_client, bucket: str):
    store = S3Store(bucket, "/team/copilot/", client=s3_client)
    store.write_json("teams_history.json", [], if_tag=None)

    listed = s3_client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [obj["Key"] for obj in listed] == ["team/copilot/teams_history.json"]
    assert store.url == f"s3://{bucket}/team/copilot"


@pytest.mark.integration
def test_s3_missing_bucket_is_unavailable(s3_client):
    name = f"missing-{uuid.uuid4().hex}"
    store = S3Store(name, client=s3_client)
    expected = f"bucket {name} does not exist: create it or fix STORE_URL"

    for call in (
        lambda: store.read_json("teams_history.json"),
        lambda: store.write_json("teams_history.json", [], if_tag=None),
        lambda: store.write_bytes(REPORT_KEY, b"x"),
        lambda: store.list_keys(),
    ):
        with pytest.raises(StoreUnavailable) as caught:
            call()
        assert str(caught.value) == expected


@pytest.mark.integration
def test_s3_unreachable_endpoint_is_unavailable_with_one_line_message(s3_endpoint: str):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2),
    )
    store = S3Store("bucket", client=client)

    with pytest.raises(StoreUnavailable) as caught:
        store.read_json("teams_history.json")
    assert "teams_history.json" in str(caught.value)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- open_store


@pytest.mark.unit
def test_open_store_file_url_relative_to_current_folder(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = open_store("file://./data")

    assert isinstance(store, LocalStore)
    assert store.url == "file://./data"
    assert store.root == tmp_path / "data"
    store.write_json("teams_history.json", [], if_tag=None)
    assert (tmp_path / "data" / "teams_history.json").read_bytes() == dump_json([])


@pytest.mark.unit
def test_open_store_file_url_absolute(tmp_path: Path):
    store = open_store(f"file://{tmp_path}/store")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "store"


@pytest.mark.integration
def test_open_store_s3_url_parses_bucket_and_prefix(s3_client):
    store = open_store("s3://my-bucket/copilot/usage/", s3_client=s3_client)
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.url) == ("my-bucket", "copilot/usage", "s3://my-bucket/copilot/usage")
    assert store.client is s3_client

    bare = open_store("s3://my-bucket", s3_client=s3_client)
    assert (bare.bucket, bare.prefix, bare.url) == ("my-bucket", "", "s3://my-bucket")


@pytest.mark.integration
def test_open_store_s3_default_client_honours_aws_endpoint_url(s3_endpoint: str, s3_client, bucket, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    store = open_store(f"s3://{bucket}/p")
    tag = store.write_json("teams_history.json", HISTORY, if_tag=None)

    # Landed on the moto server, where the test's own client can see it.
    obj = s3_client.get_object(Bucket=bucket, Key="p/teams_history.json")
    assert obj["Body"].read() == dump_json(HISTORY)
    assert obj["ETag"] == tag


@pytest.mark.unit
def test_open_store_bad_scheme_names_store_url():
    with pytest.raises(SettingsError) as caught:
        open_store("ftp://x")
    assert str(caught.value) == "STORE_URL must start with file:// or s3:// (got 'ftp://x')"


@pytest.mark.unit
@pytest.mark.parametrize("url", ["./data", "", "S3://bucket", "file:/data", "file://", "s3://", "s3:///prefix", "s3://Bad_Bucket", "s3://bucket/../x"])
def test_open_store_malformed_urls_name_store_url(url: str):
    with pytest.raises(SettingsError, match="STORE_URL"):
        open_store(url)


# --------------------------------------------------------------------------- streams


def test_a_stream_is_written_whole_and_read_back_in_chunks(store: Store):
    chunks = [bytes([65 + n]) * (3 << 20) for n in range(4)]  # 12 MiB: two multipart parts on S3
    tag = store.write_stream("big/history.json", iter(chunks))
    assert tag == store.tag("big/history.json")
    read = list(store.read_chunks("big/history.json", size=1 << 20))
    assert b"".join(read) == b"".join(chunks) and len(read) > 1
    assert store.read_chunks("missing.json") is None


def test_a_stream_that_fails_halfway_leaves_the_old_object(store: Store):
    store.write_bytes("history.json", b"old")

    def chunks():
        yield b"x" * (9 << 20)  # past one multipart part on S3
        raise RuntimeError("the team files went away")

    with pytest.raises(RuntimeError):
        store.write_stream("history.json", chunks())
    assert store.read_bytes("history.json") == b"old"
    if isinstance(store, S3Store):  # nothing half-uploaded is left to pay for
        assert not store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads")
    else:
        assert not [p for p in store.root.rglob("*") if p.name.endswith(".tmp")]
