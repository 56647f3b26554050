"""The store: the only code that touches files or S3.

    store = open_store("file://./data")      # or "s3://bucket/prefix"
    found = store.read_json(TEAMS_KEY)       # Versioned(data, tag)

    base.py          Store, Versioned, dump_json: keys, version tags, conditional writes
    local.py, s3.py  a folder, an S3 bucket
    url.py           open_store: a STORE_URL -> its store
    conflicts.py     re-read, merge, retry: the one loop every writer of a shared file uses
    histories.py     teams_history.json and the organisation's days, read and merged
    team_tables.py   the team tables (store v3): month partitions, the directory, teams_history.json
    team_files.py    store v2's team files, summary and index: read from older stores only
    migration.py     an older store upgraded; originals.py keeps what came from elsewhere
    report_copies.py the raw report files as GitHub served them
"""

from .base import Store, Versioned, dump_json
from .local import LocalStore
from .s3 import S3Store
from .url import open_store

__all__ = ["LocalStore", "S3Store", "Store", "Versioned", "dump_json", "open_store"]
