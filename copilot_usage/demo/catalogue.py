"""Catalogues: what a real organisation's telemetry contains.

The editors, plugins, languages and models users have (the report names and
counters are the contract's: `contract/keys.py`, `contract/counters.py`); the weights that shape a day's activity; the names people and
teams are drawn from; and the dates and versions as GitHub writes them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

IDE_WEIGHTS = {"vscode": 62, "jetbrains": 18, "visualstudio": 11, "neovim": 5, "xcode": 4}
PLUGINS = {
    "vscode": "copilot-chat",
    "jetbrains": "copilot-intellij",
    "visualstudio": "copilot-vs",
    "neovim": "copilot.vim",
    "xcode": "copilot-xcode",
}
# language -> (popularity, acceptance rate of completions)
LANGUAGES = {
    "python": (30, 0.33),
    "typescript": (22, 0.31),
    "javascript": (12, 0.29),
    "java": (9, 0.28),
    "csharp": (8, 0.30),
    "go": (7, 0.32),
    "sql": (4, 0.27),
    "markdown": (4, 0.22),
    "rust": (3, 0.24),
    "swift": (0, 0.27),  # only Xcode users write it
}
UNKNOWN_RATE = 0.26
# Editors pull their users towards their ecosystems.
IDE_LANGUAGE_BOOST = {
    "visualstudio": {"csharp": 10.0, "sql": 2.0},
    "jetbrains": {"java": 3.0, "python": 1.5, "go": 1.5},
    "neovim": {"go": 2.0, "rust": 4.0},
    "xcode": {"swift": 60.0, "markdown": 2.0},
}
CHAT_MODELS = {"claude-sonnet-4.5": 35, "gpt-4.1": 28, "gpt-5-mini": 22, "gemini-2.5-pro": 10}
COMPLETION_MODEL = "gpt-4.1"
# Premium requests cost AI credits; the base models are included in the plan.
CREDIT_MULTIPLIER = {"claude-sonnet-4.5": 1.0, "gemini-2.5-pro": 1.0}
CREDITS_FROM = date(2026, 6, 1)
CODE_REVIEW_FROM = date(2026, 6, 1)  # lines carry used_copilot_code_review_* from this day on
PHASES = {0: "no_cohort", 1: "code_first", 2: "agent_first", 3: "multi_agent"}

# Monday..Sunday: weekends run at roughly a quarter of a weekday.
WEEKDAY_FACTOR = (1.0, 1.02, 1.0, 0.97, 0.86, 0.24, 0.19)
# heavy, medium, light users: weekday activity probability and volume
KIND_ACTIVITY = (0.9, 0.66, 0.3)
KIND_VOLUME = (1.6, 1.0, 0.5)
KIND_CHAT = (0.7, 0.45, 0.18)
KIND_AGENT = (0.45, 0.25, 0.07)
KIND_CLI = (0.35, 0.15, 0.04)

FIRST_NAMES = ["Ada", "Alan", "Amara", "Anna", "Ben", "Carla", "Chen", "Dana", "Diego", "Elif", "Emma", "Farah", "Felix", "Grace", "Hana", "Ivan", "Jonas", "Julia", "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mei", "Mila", "Nadia", "Noah", "Omar", "Priya", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Theo", "Uma", "Vera", "Wei", "Yara", "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Dmitri"]
LAST_NAMES = ["Adams", "Ahmed", "Alvarez", "Bauer", "Becker", "Brown", "Chen", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Hansen", "Ito", "Jansen", "Kim", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Sato", "Tanaka", "Torres", "Wagner", "Walsh", "Weber", "Wong", "Yilmaz", "Young", "Zhang", "Ferrari", "Murphy", "Nguyen"]
GENERIC_TEAMS = (
    "Payments", "Mobile", "Search", "Checkout", "Identity", "Billing", "Growth", "Analytics",
    "Web Frontend", "Infrastructure", "Security", "Developer Experience", "Observability",
    "Notifications", "Onboarding", "Marketplace", "Docs & Content", "Messaging", "Recommendations",
    "Integrations", "Storage", "Networking", "Compliance", "Accessibility", "Localization",
    "Release Engineering", "QA Automation", "Fraud Detection", "Pricing", "Partner API",
    "Support Tools", "Internal Tools", "Data Engineering", "Edge", "Build Systems", "Design Systems",
    "Experiments", "Mobile Platform", "Ads", "Maps",
)


def iso_time(day: date, seconds: int) -> str:
    """An ISO timestamp in UTC, as GitHub writes them."""
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def as_day(day: date | str) -> date:
    return day if isinstance(day, date) else date.fromisoformat(day)


def versions_on(ide: str, day: date) -> tuple[str, str]:
    """(ide_version, plugin_version) as released around that day: newer later."""
    m = max(0, (day.year - 2026) * 12 + day.month - 1)
    return {
        "vscode": (f"1.{108 + m}.{day.day % 3}", f"0.{36 + m}.{day.day % 4}"),
        "jetbrains": (f"2026.{1 + m // 4}.{m % 4}", f"1.5.{60 + m}"),
        "visualstudio": (f"17.14.{10 + m}", f"18.0.{400 + 10 * m}"),
        "neovim": (f"0.11.{m % 6}", f"1.{50 + m}.0"),
        "xcode": (f"26.{m // 3}", f"0.{44 + m}.0"),
    }[ide]
