"""Per-user daily activity: a user's habits and one day of their usage, as report fields.

A `Profile` holds a user's persistent habits (editor, languages, models,
appetite for chat). `usage_cells` turns one active day into (ide, feature,
language, model) cells, which `breakdown_arrays` projects into the `totals_by_*`
arrays of a users-1-day line; `cli_totals` makes its CLI block. `sum_counts`,
`sum_cli_totals` and `group_array` add lines up for the organisation's report.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..contract.counters import LANGUAGE_REPORT_COUNTERS, REPORT_COUNTERS
from .catalogue import (
    CHAT_MODELS,
    COMPLETION_MODEL,
    IDE_LANGUAGE_BOOST,
    IDE_WEIGHTS,
    KIND_AGENT,
    KIND_CHAT,
    KIND_CLI,
    KIND_VOLUME,
    LANGUAGES,
    PLUGINS,
    UNKNOWN_RATE,
    iso_time,
    versions_on,
)
from .randomness import binomial, poisson


@dataclass(frozen=True, slots=True)
class Profile:
    """Persistent habits of a user: editor, languages, models, appetite for chat."""

    volume: float
    skill: float
    ide: str
    ide2: str | None
    languages: tuple[str, ...]
    language_weights: tuple[float, ...]
    model: str
    chat_p: float
    agent_p: float
    cli: bool
    multi_agent: bool


# ---------------------------------------------------------------------------
# Per-day usage detail
# ---------------------------------------------------------------------------

_CellKey = tuple[str, str, str, str]  # ide, feature, language, model


def make_profile(rng: random.Random, kind: int) -> Profile:
    ide = rng.choices(list(IDE_WEIGHTS), list(IDE_WEIGHTS.values()))[0]
    ide2 = None
    if rng.random() < 0.15 or (ide == "neovim" and rng.random() < 0.5):
        ide2 = rng.choice([i for i in ("vscode", "jetbrains", "visualstudio") if i != ide])
    boost = IDE_LANGUAGE_BOOST.get(ide, {})
    names = list(LANGUAGES)
    weights = [(LANGUAGES[n][0] + (1 if n == "swift" else 0)) * boost.get(n, 1.0) for n in names]
    if ide != "xcode":
        weights[names.index("swift")] = 0.0
    languages: list[str] = []
    for _ in range(rng.randint(2, 4)):
        pick = rng.choices(names, weights)[0]
        if pick not in languages:
            languages.append(pick)
    # copilot.vim has no chat panel; and some people simply only want completions.
    chat_ok = (ide != "neovim" or ide2 is not None) and rng.random() > 0.2
    agent_ok = chat_ok and rng.random() > 0.3
    cli = rng.random() < KIND_CLI[kind]
    return Profile(
        volume=KIND_VOLUME[kind] * rng.lognormvariate(0, 0.25),
        skill=rng.uniform(0.85, 1.15),
        ide=ide,
        ide2=ide2,
        languages=tuple(languages),
        language_weights=tuple(rng.uniform(0.3, 1.0) for _ in languages),
        model=rng.choices(list(CHAT_MODELS), list(CHAT_MODELS.values()))[0],
        chat_p=min(0.95, KIND_CHAT[kind] * rng.uniform(0.6, 1.3)) if chat_ok else 0.0,
        agent_p=min(0.9, KIND_AGENT[kind] * rng.uniform(0.5, 1.4)) if agent_ok else 0.0,
        cli=cli,
        multi_agent=cli and rng.random() < 0.3,
    )


def _features(rng: random.Random, flags: int) -> list[str]:
    chat, agent = bool(flags & 2), bool(flags & 4)
    features = []
    if not (chat or agent) or rng.random() < 0.93:
        features.append("code_completion")
    if chat:
        features.append("chat_panel_ask_mode")
        if rng.random() < 0.45:
            features.append("chat_inline")
        if rng.random() < 0.25:
            features.append("chat_panel_edit_mode")
    if agent:
        features += ["chat_panel_agent_mode", "agent_edit"]
        if rng.random() < 0.2:
            features.append("chat_panel_plan_mode")
    return features


def _languages_for(rng: random.Random, prof: Profile, feature: str) -> list[tuple[str, float]]:
    """1-3 languages that day for a feature, with the share of work each got."""
    picks: list[str] = []
    for _ in range(1 + (rng.random() < 0.45) + (rng.random() < 0.15)):
        lang = rng.choices(prof.languages, prof.language_weights)[0]
        # Chat often has no file open, so telemetry cannot name a language.
        if rng.random() < (0.03 if feature == "code_completion" else 0.12):
            lang = "unknown"
        if lang not in picks:
            picks.append(lang)
    shares = [rng.random() + 0.25 for _ in picks]
    total = sum(shares)
    return [(lang, s / total) for lang, s in zip(picks, shares, strict=True)]


def _model_for(rng: random.Random, prof: Profile, feature: str) -> str:
    r = rng.random()
    if feature == "code_completion":
        return "unknown" if r < 0.03 else COMPLETION_MODEL
    if r < 0.04:
        return "unknown"
    if r < 0.78:
        return prof.model
    return rng.choices(list(CHAT_MODELS), list(CHAT_MODELS.values()))[0]


def _feature_counters(rng: random.Random, feature: str, v: float, rate: float) -> list[int]:
    """The seven counters of one (feature, language) cell; `v` scales the volume."""
    inter = 0
    if feature == "code_completion":
        gen, acc_p, lines, dels = max(1, poisson(rng, 30 * v)), rate, rng.uniform(1.3, 2.4), 0.0
    elif feature == "chat_panel_ask_mode":
        inter = 1 + poisson(rng, 4 * v)
        gen, acc_p, lines, dels = binomial(rng, 2 * inter, 0.55), rate * 0.8, rng.uniform(5, 14), 0.0
    elif feature == "chat_inline":
        inter = 1 + poisson(rng, 1.5 * v)
        gen, acc_p, lines, dels = inter, rate * 1.4, rng.uniform(3, 8), 0.4
    elif feature == "chat_panel_edit_mode":
        inter = 1 + poisson(rng, 2 * v)
        gen, acc_p = inter + poisson(rng, inter), min(0.85, rate * 1.6)
        lines, dels = rng.uniform(8, 20), 0.35
    elif feature == "chat_panel_agent_mode":
        inter = 1 + poisson(rng, 3 * v)
        gen, acc_p, lines, dels = poisson(rng, 0.5 * inter), rate, rng.uniform(4, 10), 0.2
    elif feature == "agent_edit":
        gen, acc_p, lines, dels = 1 + poisson(rng, 5 * v), min(0.85, rate * 1.7), rng.uniform(10, 30), 0.35
    else:  # chat_panel_plan_mode: planning talk, no code
        return [1 + poisson(rng, v), 0, 0, 0, 0, 0, 0]
    acc = binomial(rng, gen, acc_p)
    suggested = round(gen * lines)
    added = min(suggested, round(acc * lines * rng.uniform(0.85, 1.1)))
    return [inter, gen, acc, suggested, round(suggested * dels), added, round(added * dels)]


def usage_cells(
    rng: random.Random, prof: Profile, flags: int, *, weekend: bool
) -> dict[_CellKey, list[int]]:
    """A user's day as (ide, feature, language, model) cells; every breakdown projects these."""
    v = prof.volume * rng.lognormvariate(0, 0.35) * (0.6 if weekend else 1.0)
    cells: dict[_CellKey, list[int]] = {}
    for feature in _features(rng, flags):
        ide = prof.ide
        if prof.ide2 and (rng.random() < 0.12 or (ide == "neovim" and feature != "code_completion")):
            ide = prof.ide2
        for lang, share in _languages_for(rng, prof, feature):
            rate = (LANGUAGES[lang][1] if lang in LANGUAGES else UNKNOWN_RATE) * prof.skill
            counts = _feature_counters(rng, feature, v * share, rate)
            key = (ide, feature, lang, _model_for(rng, prof, feature))
            cells[key] = [a + b for a, b in zip(cells[key], counts, strict=True)] if key in cells else counts
    return cells


def sum_counts(rows: Iterable[Iterable[int]]) -> list[int]:
    totals = [0] * len(REPORT_COUNTERS)
    for row in rows:
        for i, value in enumerate(row):
            totals[i] += value
    return totals


def _project(
    cells: dict[_CellKey, list[int]], positions: tuple[int, ...]
) -> dict[tuple[str, ...], list[int]]:
    """Sum the cells over the dimensions not in `positions`, sorted by key."""
    out: dict[tuple[str, ...], list[int]] = {}
    for key, counts in cells.items():
        sub = tuple(key[p] for p in positions)
        out[sub] = [a + b for a, b in zip(out[sub], counts, strict=True)] if sub in out else list(counts)
    return dict(sorted(out.items()))


def breakdown_arrays(cells: dict[_CellKey, list[int]], day: date, seconds: int) -> dict[str, Any]:
    sampled = iso_time(day, seconds)
    by_ide = []
    for (ide,), counts in _project(cells, (0,)).items():
        ide_version, plugin_version = versions_on(ide, day)
        by_ide.append(
            {
                "ide": ide,
                **dict(zip(REPORT_COUNTERS, counts, strict=True)),
                "last_known_ide_version": {"ide_version": ide_version, "sampled_at": sampled},
                "last_known_plugin_version": {
                    "plugin": PLUGINS[ide],
                    "plugin_version": plugin_version,
                    "sampled_at": sampled,
                },
            }
        )

    def rows(
        positions: tuple[int, ...], names: tuple[str, ...], counters: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        skip = len(REPORT_COUNTERS) - len(counters)  # language arrays drop the interaction count
        return [
            {**dict(zip(names, key, strict=True)), **dict(zip(counters, counts[skip:], strict=True))}
            for key, counts in _project(cells, positions).items()
        ]

    return {
        "totals_by_ide": by_ide,
        "totals_by_feature": rows((1,), ("feature",), REPORT_COUNTERS),
        "totals_by_language_feature": rows((2, 1), ("language", "feature"), LANGUAGE_REPORT_COUNTERS),
        "totals_by_language_model": rows((2, 3), ("language", "model"), LANGUAGE_REPORT_COUNTERS),
        "totals_by_model_feature": rows((3, 1), ("model", "feature"), REPORT_COUNTERS),
    }


def cli_totals(rng: random.Random, prof: Profile, day: date, seconds: int) -> dict[str, Any]:
    prompts = 1 + poisson(rng, 4 * prof.volume)
    requests = prompts * rng.randint(2, 6)
    prompt_tokens = requests * rng.randint(1500, 6000)
    output_tokens = requests * rng.randint(200, 1200)
    m = max(0, (day.year - 2026) * 12 + day.month - 1)
    return {
        "session_count": 1 + poisson(rng, 0.8),
        "request_count": requests,
        "prompt_count": prompts,
        "token_usage": {
            "output_tokens_sum": output_tokens,
            "prompt_tokens_sum": prompt_tokens,
            "avg_tokens_per_request": round((prompt_tokens + output_tokens) / requests, 1),
        },
        "last_known_cli_version": {"cli_version": f"1.{m}.{day.day % 5}", "sampled_at": iso_time(day, seconds)},
    }


def sum_cli_totals(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not blocks:
        return None
    out = {k: sum(b[k] for b in blocks) for k in ("session_count", "request_count", "prompt_count")}
    prompt = sum(b["token_usage"]["prompt_tokens_sum"] for b in blocks)
    output = sum(b["token_usage"]["output_tokens_sum"] for b in blocks)
    out["token_usage"] = {
        "output_tokens_sum": output,
        "prompt_tokens_sum": prompt,
        "avg_tokens_per_request": round((prompt + output) / max(1, out["request_count"]), 1),
    }
    return out


def group_array(
    lines: list[dict[str, Any]], array: str, keys: tuple[str, ...], counters: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Sum one breakdown array across users, keyed by its dimension fields."""
    acc: dict[tuple[str, ...], list[int]] = {}
    for line in lines:
        for item in line[array]:
            key = tuple(item[k] for k in keys)
            row = acc.setdefault(key, [0] * len(counters))
            for i, c in enumerate(counters):
                row[i] += item[c]
    return [{**dict(zip(keys, key, strict=True)), **dict(zip(counters, row, strict=True))} for key, row in sorted(acc.items())]
