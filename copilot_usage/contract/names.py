"""What people read for GitHub's codes: Copilot features and adoption phases, one name each.
Pages, their tables and charts show these names; exports keep GitHub's codes (a program reads
them), and a code GitHub adds later reads as itself, spaced and capitalised."""

from __future__ import annotations

FEATURES = {
    "code_completion": "Code completion",
    "chat_panel_ask_mode": "Chat: ask", "chat_panel_edit_mode": "Chat: edit",
    "chat_panel_agent_mode": "Chat: agent", "chat_panel_plan_mode": "Chat: plan",
    "chat_panel_custom_mode": "Chat: custom", "chat_panel_unknown_mode": "Chat: other",
    "chat_inline": "Inline chat", "agent_edit": "Agent edits",
    "chat_panel": "Chat (legacy)", "dotcom_chat": "Chat on github.com (legacy)",
}

# GitHub's `ai_adoption_phase.phase`, in the order of its `phase_number`.
PHASES = {"no_cohort": "Not classified", "code_first": "Code first", "agent_first": "Agent first",
          "multi_agent": "Multi-agent"}


def _name(code: str, names: dict[str, str]) -> str:
    return names.get(code) or code.replace("_", " ").capitalize()


def feature_name(code: str) -> str:
    return _name(code, FEATURES)


def phase_name(code: str) -> str:
    return _name(code, PHASES)
