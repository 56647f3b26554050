"""Money: the one place prices meet usage (settings AI_CREDIT_PRICE_USD, SEAT_PRICE_*_USD).

Every money figure on a page comes from here, so the price settings a figure used can
be said beside it (`prices_note`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..contract.figures import UNKNOWN


@dataclass(frozen=True)
class Prices:
    ai_credit: float
    seat_business: float
    seat_enterprise: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Prices:
        return cls(settings.ai_credit_price_usd, settings.seat_price_business_usd,
                   settings.seat_price_enterprise_usd)

    def credits_cost(self, credits: float | None) -> float | None:
        """Cost of AI credits; None stays None (no line carried the field)."""
        return None if credits is None else credits * self.ai_credit

    def with_credits_cost(self, frame):
        """A frame of days with `credits_cost` beside `ai_credits` (blank where they are), for the
        downloads: a period's cost is then the sum of its days'."""
        if "ai_credits" not in frame:
            return frame
        return frame.assign(credits_cost=frame["ai_credits"] * self.ai_credit)

    def seat_month(self, plan_type: str | None) -> float:
        """A seat's price per month by GitHub's `plan_type`; an unknown or missing plan is
        priced as Business, the cheaper plan, so a cost is never overstated."""
        return self.seat_enterprise if (plan_type or "").lower() == "enterprise" else self.seat_business

    def note(self) -> str:
        """The price settings behind a figure, said beside it."""
        return (f"Prices: AI credit {money(self.ai_credit, cents=True)}; seat per month "
                f"{money(self.seat_business)} (Business), {money(self.seat_enterprise)} (Enterprise)"
                " — settings AI_CREDIT_PRICE_USD, SEAT_PRICE_BUSINESS_USD, SEAT_PRICE_ENTERPRISE_USD.")


def money(amount: float | None, *, cents: bool = False) -> str:
    """'$1,234' (or '$0.01' with cents, and for amounts under $10); '–' for no figure."""
    if amount is None:
        return UNKNOWN
    if cents or abs(amount) < 10:
        return f"${amount:,.2f}"
    return f"${amount:,.0f}"
