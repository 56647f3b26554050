"""Day objects of the retired metrics endpoints, converted to today's record fields.

Existing deployments hold `teams_history.json` and `historic_usage_data.json`
in the shape of `/copilot/metrics` (until 2026-04-02) or the even older
`/copilot/usage`. Those files must load as they are, so the models call this
module on read (`days.py`).

The old counters covered code completions only; chats become `interactions`.
Distinct-user counts are never added across sections: where two sections each
give a count, the larger is the best lower bound.

Nothing the old day held is dropped: the converted day carries the original
object verbatim in `legacy` (chat insertions and copies, chat acceptances, pull
request summaries, per-repository detail have no field of their own), so a
rewrite of the file keeps every number. A day that is neither shape is refused
(`unknown_shape`), never loaded as zeros.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from .report_lines import org_day_fields
from .rules import LEGACY_METRICS

_SECTIONS = ("copilot_ide_code_completions", "copilot_ide_chat", "copilot_dotcom_chat",
             "copilot_dotcom_pull_requests")
_USAGE_TOTALS = ("total_suggestions_count", "total_acceptances_count", "total_lines_suggested",
                 "total_lines_accepted", "total_chat_turns", "total_chat_acceptances")
# Keys of a usage-metrics report line (organization-1-day, as ONS's Lambda stores them).
_REPORT_KEYS = ("daily_active_users", "weekly_active_users", "monthly_active_users", "totals_by_ide",
                "totals_by_feature", "code_generation_activity_count", "user_initiated_interaction_count")


def is_legacy_day(data: Any) -> bool:
    return isinstance(data, dict) and "source" not in data and (
        "total_active_users" in data or "breakdown" in data
        or any(key in data for key in (*_SECTIONS, *_USAGE_TOTALS))
    )


def is_report_line(data: Any) -> bool:
    """An organisation line of the usage-metrics reports (`day`, `daily_active_users`, `totals_by_*`)."""
    return (isinstance(data, dict) and "day" in data and "date" not in data
            and any(key in data for key in _REPORT_KEYS))


def unknown_shape(data: Any, known_fields) -> str | None:
    """Why `data` is neither a day of ours nor a legacy day, or None when it is one.

    A day that carries fields none of which is known (`{"date", "active_members",
    "copilot_usage_hours"}`) is some other tool's shape: loading it would show zeros.
    """
    if not isinstance(data, dict) or is_legacy_day(data) or is_report_line(data):
        return None
    keys = set(data) - {"date"}
    if keys and not keys & set(known_fields):
        return ("a day of neither known shape (neither this app's nor GitHub's metrics endpoint's); "
                f"its keys: {', '.join(sorted(map(str, data))[:8])}")
    return None


def team_day(day: dict) -> dict:
    """A legacy day -> the fields of a TeamDay (`source="legacy-metrics"`), the original kept."""
    if "breakdown" in day or any(key in day for key in _USAGE_TOTALS):
        out = _usage_day(day)
    else:
        out = _metrics_day(day)
        out["active_users"] = _int(day.get("total_active_users"))
        out["engaged_users"] = _int(day.get("total_engaged_users"))
    out["legacy"] = day
    return out


def org_day(day: dict) -> dict:
    """A legacy day -> the fields of an OrgDay."""
    out = team_day(day)
    out["daily_active_users"] = out.pop("active_users")
    return out


def org_report_day(line: dict) -> dict:
    """An organisation report line (ONS's `organisation_history.json`) -> the fields of an OrgDay."""
    try:
        day = date.fromisoformat(str(line.get("day"))[:10])
    except ValueError:
        raise ValueError(f"day {str(line.get('day'))[:20]!r} is not a date") from None
    out = org_day_fields(day, line)
    out["legacy"] = line  # the line as the file held it: nothing lost when our file is rewritten
    return out


def _int(value) -> int:
    return int(value or 0)


def _section(day: dict, name: str) -> dict:
    return day.get(name) or {}


def _add(bucket: dict, **counters) -> None:
    for key, value in counters.items():
        if key == "users":
            bucket["users"] = max(bucket.get("users", 0), _int(value))
        else:
            bucket[key] = bucket.get(key, 0) + _int(value)


def _metrics_day(day: dict) -> dict:
    """The `/copilot/metrics` shape (GITHUB_API.md section 1)."""
    by_ide, by_language, by_model, by_feature = (defaultdict(dict) for _ in range(4))
    completions = _section(day, "copilot_ide_code_completions")
    for lang in completions.get("languages") or []:
        _add(by_language[lang.get("name") or "unknown"], users=lang.get("total_engaged_users"))
    for editor in completions.get("editors") or []:
        ide = editor.get("name") or "unknown"
        _add(by_ide[ide], users=editor.get("total_engaged_users"))
        for model in editor.get("models") or []:
            # Users per model and language are given per editor: the largest is a lower bound
            # (exact when one editor dominates); top-level `languages` may be missing.
            _add(by_model[model.get("name") or "default"], users=model.get("total_engaged_users"))
            for lang in model.get("languages") or []:
                _add(by_language[lang.get("name") or "unknown"], users=lang.get("total_engaged_users"))
                counters = dict(
                    code_generations=lang.get("total_code_suggestions"),
                    code_acceptances=lang.get("total_code_acceptances"),
                    loc_suggested_to_add=lang.get("total_code_lines_suggested"),
                    loc_added=lang.get("total_code_lines_accepted"),
                )
                for bucket in (by_ide[ide], by_language[lang.get("name") or "unknown"],
                               by_model[model.get("name") or "default"], by_feature["code_completion"]):
                    _add(bucket, **counters)
    _add(by_feature["code_completion"], users=completions.get("total_engaged_users"))

    chat_users = 0
    for name, feature in (("copilot_ide_chat", "chat_panel"), ("copilot_dotcom_chat", "dotcom_chat")):
        section = _section(day, name)
        chat_users = max(chat_users, _int(section.get("total_engaged_users")))
        editors = section.get("editors") or [{"name": None, "models": section.get("models") or []}]
        for editor in editors:
            for model in editor.get("models") or []:
                chats = model.get("total_chats")
                _add(by_feature[feature], interactions=chats, users=model.get("total_engaged_users"))
                _add(by_model[model.get("name") or "default"], interactions=chats,
                     users=model.get("total_engaged_users"))
                if editor.get("name"):
                    _add(by_ide[editor["name"]], interactions=chats, users=editor.get("total_engaged_users"))
        if section:
            _add(by_feature[feature], users=section.get("total_engaged_users"))
    pull_requests = _section(day, "copilot_dotcom_pull_requests")
    if pull_requests:  # summaries have no counter of ours: users here, the counts in `legacy`
        _add(by_feature["dotcom_pull_requests"], users=pull_requests.get("total_engaged_users"))

    totals = _sum_counters(by_feature)
    return {
        "date": day.get("date") or day.get("day"),
        "source": LEGACY_METRICS,
        **totals,
        "chat_users": chat_users,
        "by_ide": dict(by_ide), "by_feature": _drop_empty(by_feature),
        "by_language": dict(by_language), "by_model": dict(by_model),
    }


def _usage_day(day: dict) -> dict:
    """The `/copilot/usage` shape (retired February 2025).

    It had no models (one default model) and two features: completions and chat.
    A total missing from the day is the sum of its breakdown.
    """
    by_ide, by_language, totals = defaultdict(dict), defaultdict(dict), {}
    for row in day.get("breakdown") or []:
        counters = dict(
            code_generations=row.get("suggestions_count"),
            code_acceptances=row.get("acceptances_count"),
            loc_suggested_to_add=row.get("lines_suggested"),
            loc_added=row.get("lines_accepted"),
        )
        for bucket in (by_language[row.get("language") or "unknown"], by_ide[row.get("editor") or "unknown"]):
            _add(bucket, **counters, users=row.get("active_users"))
        _add(totals, **counters, users=row.get("active_users"))

    def total(key: str, name: str) -> int:
        return _int(day[key]) if day.get(key) is not None else totals.get(name, 0)

    active = total("total_active_users", "users")
    code = {name: total(key, name) for key, name in (
        ("total_suggestions_count", "code_generations"), ("total_acceptances_count", "code_acceptances"),
        ("total_lines_suggested", "loc_suggested_to_add"), ("total_lines_accepted", "loc_added"))}
    chats, chat_users = _int(day.get("total_chat_turns")), _int(day.get("total_active_chat_users"))
    by_feature = {"code_completion": {**code, "users": active},
                  "chat_panel": {"interactions": chats, "users": chat_users}}
    return {
        "date": day.get("date") or day.get("day"),
        "source": LEGACY_METRICS,
        "active_users": active,
        "engaged_users": active,
        "interactions": chats,
        **code,
        "chat_users": chat_users,
        "by_ide": dict(by_ide), "by_language": dict(by_language),
        "by_feature": _drop_empty(by_feature),
        "by_model": _drop_empty({"default": {**code, "interactions": chats, "users": max(active, chat_users)}}),
    }


def _sum_counters(by_feature: dict) -> dict:
    keys = ("interactions", "code_generations", "code_acceptances", "loc_suggested_to_add", "loc_added")
    return {key: sum(b.get(key, 0) for b in by_feature.values()) for key in keys}


def _drop_empty(breakdown: dict) -> dict:
    return {name: b for name, b in breakdown.items() if any(b.values())}
