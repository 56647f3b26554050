"""Day objects of the retired metrics endpoints, converted to today's record fields.

Existing deployments hold `teams_history.json` and `historic_usage_data.json`
in the shape of `/copilot/metrics` (until 2026-04-02) or the even older
`/copilot/usage`. Those files must load as they are, so the models call this
module on read. It lives apart from `aggregate.py` because the models import it
and `aggregate.py` imports the models.

The old counters covered code completions only; chats become `interactions`.
Distinct-user counts are never added across sections: where two sections each
give a count, the larger is the best lower bound.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

_SECTIONS = ("copilot_ide_code_completions", "copilot_ide_chat", "copilot_dotcom_chat",
             "copilot_dotcom_pull_requests")


def is_legacy_day(data: Any) -> bool:
    return isinstance(data, dict) and (
        "total_active_users" in data or "total_suggestions_count" in data
        or any(key in data for key in _SECTIONS)
    )


def team_day(day: dict) -> dict:
    """A legacy day -> the fields of a TeamDay (`source="legacy-metrics"`)."""
    if "total_suggestions_count" in day or "breakdown" in day:
        return _usage_day(day)
    out = _metrics_day(day)
    out["active_users"] = _int(day.get("total_active_users"))
    out["engaged_users"] = _int(day.get("total_engaged_users"))
    return out


def org_day(day: dict) -> dict:
    """A legacy day -> the fields of an OrgDay."""
    out = team_day(day)
    out["daily_active_users"] = out.pop("active_users")
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
            for lang in model.get("languages") or []:
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
                _add(by_model[model.get("name") or "default"], interactions=chats)
                if editor.get("name"):
                    _add(by_ide[editor["name"]], interactions=chats)
        if section:
            _add(by_feature[feature], users=section.get("total_engaged_users"))

    totals = _sum_counters(by_feature)
    return {
        "date": day.get("date") or day.get("day"),
        "source": "legacy-metrics",
        **totals,
        "chat_users": chat_users,
        "by_ide": dict(by_ide), "by_feature": _drop_empty(by_feature),
        "by_language": dict(by_language), "by_model": dict(by_model),
    }


def _usage_day(day: dict) -> dict:
    """The `/copilot/usage` shape (retired February 2025)."""
    by_ide, by_language = defaultdict(dict), defaultdict(dict)
    for row in day.get("breakdown") or []:
        counters = dict(
            code_generations=row.get("suggestions_count"),
            code_acceptances=row.get("acceptances_count"),
            loc_suggested_to_add=row.get("lines_suggested"),
            loc_added=row.get("lines_accepted"),
            users=row.get("active_users"),
        )
        _add(by_language[row.get("language") or "unknown"], **counters)
        _add(by_ide[row.get("editor") or "unknown"], **counters)
    active = _int(day.get("total_active_users"))
    return {
        "date": day.get("date") or day.get("day"),
        "source": "legacy-metrics",
        "active_users": active,
        "engaged_users": active,
        "interactions": _int(day.get("total_chat_turns")),
        "code_generations": _int(day.get("total_suggestions_count")),
        "code_acceptances": _int(day.get("total_acceptances_count")),
        "loc_suggested_to_add": _int(day.get("total_lines_suggested")),
        "loc_added": _int(day.get("total_lines_accepted")),
        "chat_users": _int(day.get("total_active_chat_users")),
        "by_ide": dict(by_ide), "by_language": dict(by_language),
    }


def _sum_counters(by_feature: dict) -> dict:
    keys = ("interactions", "code_generations", "code_acceptances", "loc_suggested_to_add", "loc_added")
    return {key: sum(b.get(key, 0) for b in by_feature.values()) for key in keys}


def _drop_empty(breakdown: dict) -> dict:
    return {name: b for name, b in breakdown.items() if any(b.values())}
