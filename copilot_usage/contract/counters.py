"""The seven activity counters and the four breakdowns, under GitHub's names and ours.

The facts keep GitHub's report names (so Athena users read GitHub's docs); the records
and the pages use the short names. This is the one list of both.

    COUNTER_FIELDS      # ("interactions", "code_generations", …)
    REPORT_COUNTERS     # ("user_initiated_interaction_count", …)
    counters_of(line)   # {"interactions": 3, …} from a report line or breakdown item
"""

from __future__ import annotations

# Our short name -> the report's field, in the order every record and table lists them.
COUNTERS = {
    "interactions": "user_initiated_interaction_count",
    "code_generations": "code_generation_activity_count",
    "code_acceptances": "code_acceptance_activity_count",
    "loc_suggested_to_add": "loc_suggested_to_add_sum",
    "loc_suggested_to_delete": "loc_suggested_to_delete_sum",
    "loc_added": "loc_added_sum",
    "loc_deleted": "loc_deleted_sum",
}
COUNTER_FIELDS = tuple(COUNTERS)
REPORT_COUNTERS = tuple(COUNTERS.values())
# The language arrays of a user line carry no interaction count (GITHUB_API.md 2.1).
LANGUAGE_REPORT_COUNTERS = REPORT_COUNTERS[1:]

# Breakdown -> (the report array of a line, the item key naming the bucket). The language
# and model arrays are split by feature too: their items are summed per name.
BREAKDOWNS = {
    "by_ide": ("totals_by_ide", "ide"),
    "by_feature": ("totals_by_feature", "feature"),
    "by_language": ("totals_by_language_feature", "language"),
    "by_model": ("totals_by_model_feature", "model"),
}
UNKNOWN_ITEM = "unknown"  # an item without a name, as GitHub names it


def counter_value(value) -> int:
    """A counter as recorded: missing, null or malformed counts as zero rather than losing the line."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, float) else 0


def counters_of(item: dict) -> dict[str, int]:
    """The seven counters of a report line or breakdown item, under our names."""
    return {short: counter_value(item.get(report)) for short, report in COUNTERS.items()}


def breakdowns_of(line: dict) -> dict[str, dict[str, dict[str, int]]]:
    """A line's four breakdowns: {breakdown: {item name: counters}}, items summed by name."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for name, (array, key) in BREAKDOWNS.items():
        items: dict[str, dict[str, int]] = {}
        for item in line.get(array) or []:
            if not isinstance(item, dict):
                continue
            bucket = items.setdefault(str(item.get(key) or UNKNOWN_ITEM), dict.fromkeys(COUNTER_FIELDS, 0))
            for counter, value in counters_of(item).items():
                bucket[counter] += value
        out[name] = items
    return out
