"""The organisation as the pages read it: its days as GitHub reported them, and its seats.

    days = org_days(store)                 # the organisation's table (+ ONS's file), by date
    frame = org_frame(days, seats)         # one row a day, with the seats held that day
"""

from __future__ import annotations

import pandas as pd

from ..analysis.frames import daily_frame
from ..analysis.seats import seats_per_day
from ..contract.days import OrgDay
from ..store.base import Store
from ..store.histories import load_org_history, with_ons_days
from ..store.org_table import org_table_days


def org_days(store: Store) -> list[OrgDay]:
    """The recorded days: the table's, or a store not collected by this version yet, its
    `historic_usage_data.json`; ONS's file merged under either."""
    table = org_table_days(store)
    return load_org_history(store)[0] if table is None else with_ons_days(store, table)


def org_frame(days: list[OrgDay], seat_snapshot: dict | None) -> pd.DataFrame:
    """The organisation's daily frame, with the seats of each day for its adoption."""
    frame = daily_frame(days)
    seats = (seat_snapshot or {}).get("seats") or []
    frame["seats"] = seats_per_day(frame["date"], [seat.get("created_at") for seat in seats])
    return frame
