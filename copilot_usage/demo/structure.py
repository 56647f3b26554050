"""Building the structure: people, seats and teams, up-front from the seed.

`build_demo_org()` draws the members, plans their seats, specifies and fills
the teams (including the special ones tests rely on: platform and its SRE
child, admins, a never-qualifying and a late-qualifying team), picks the
personas and assembles the `DemoOrg`.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from .catalogue import FIRST_NAMES, GENERIC_TEAMS, LAST_NAMES
from .org import DemoOrg
from .randomness import S_BUILD, mix
from .seats import Member


@dataclass(slots=True)
class _TeamSpec:
    name: str
    description: str | None
    size: int
    role: str = "generic"  # platform, sre, admins, never, late, generic
    id: int = 0
    members: list[int] = field(default_factory=list)


def _slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build_demo_org(
    *,
    seed: int = 7,
    org: str = "octo-demo",
    teams: int = 12,
    users: int = 150,
    days: int = 120,
    end_day: date | None = None,
) -> DemoOrg:
    """Build a synthetic organisation, identical for identical arguments.

    `end_day` is the last day whose reports exist; by default today (UTC)
    minus two days, since GitHub publishes a day within two full UTC days.
    Needs at least 6 teams and 50 users (the special teams and personas).

    >>> demo = build_demo_org(seed=7, teams=12, users=150, days=120)
    >>> demo.personas["outsider"] in {u["login"] for u in demo.users}
    False
    """
    if teams < 6 or users < 50 or days < 1:
        raise ValueError("a demo organisation needs teams >= 6, users >= 50 and days >= 1")
    if end_day is None:
        end_day = datetime.now(UTC).date() - timedelta(days=2)
    first_day = end_day - timedelta(days=days - 1)
    rng = random.Random(mix(seed, S_BUILD))
    people = _make_people(rng, users)
    _plan_seats(rng, people, first_day, end_day)
    personas = dict(zip(("two-teams", "admin", "no-team"), (people[i] for i in rng.sample(range(users), 3)), strict=True))
    for persona in personas.values():
        _seat_early(rng, persona, first_day)
    specs = _team_specs(rng, teams, users)
    reserved = {m.idx for m in personas.values()}  # personas join only the teams chosen for them
    qualifies_from = _fill_teams(rng, specs, people, reserved, first_day, end_day)
    roles = [s.role for s in specs]
    specs[roles.index("platform")].members.append(personas["two-teams"].idx)
    specs[roles.index("generic")].members.append(personas["two-teams"].idx)  # the big generic team
    specs[roles.index("admins")].members.append(personas["admin"].idx)
    demo = _assemble(seed, org, people, specs, (first_day, end_day), qualifies_from)
    demo.personas = {**{role: m.login for role, m in personas.items()}, **demo.personas}
    _finish_seats(rng, people, end_day, reserved)
    return demo


def _make_people(rng: random.Random, n: int) -> list[Member]:
    taken: set[str] = set()
    people = []
    for idx in range(n):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        style = rng.random()
        login = (
            f"{first}{last}" if style < 0.4 else f"{first[0]}{last}" if style < 0.7 else f"{first}-{last}"
        ).lower()
        while login in taken:
            login = f"{login.rstrip('0123456789')}{rng.randint(2, 9999)}"
        taken.add(login)
        name = None if rng.random() < 0.06 else f"{first} {last}"
        kind = rng.choices((0, 1, 2), (20, 50, 30))[0]
        # Increasing ids with gaps, like accounts created over the years.
        people.append(Member(idx, 1_200_000 + idx * 53 + rng.randrange(53), login, name, kind))
    return people


def _plan_seats(rng: random.Random, people: list[Member], first: date, end: date) -> None:
    """Seats: most before the period, the rest assigned progressively during it."""
    f, e, span = first.toordinal(), end.toordinal(), (end - first).days
    for m in people:
        r = rng.random()
        if r < 0.06:
            continue  # an org member without a Copilot seat
        m.seat_from = f - rng.randint(1, 420) if r < 0.64 else f + rng.randint(0, span)
        m.seat_time = rng.randint(7 * 3600, 19 * 3600)
        early = m.seat_from < f
        if early and span >= 8 and rng.random() < 0.03:
            m.seat_until = f + rng.randint(span // 4, span - 1)  # cancelled mid-period
        if rng.random() < 0.05:
            m.never_uses = True
        elif early and m.seat_from < e - 100 and rng.random() < 0.07:
            m.stops_on = e - rng.randint(31, 75)  # went quiet: an inactive seat by end_day


def _seat_early(rng: random.Random, m: Member, first: date) -> None:
    """A clean seat held since before the period, used normally."""
    m.seat_from = first.toordinal() - rng.randint(30, 300)
    m.seat_until = None
    m.never_uses = False
    m.stops_on = None
    m.pending_cancellation = None
    m.kind = min(m.kind, 1)


def _team_specs(rng: random.Random, n: int, users: int) -> list[_TeamSpec]:
    platform = min(40, max(12, users // 4))
    specs = [
        _TeamSpec("Platform", "<b>Platform</b> & tools", platform, "platform"),
        _TeamSpec("Copilot Admins", "People who administer GitHub Copilot for the organisation", 3, "admins"),
        _TeamSpec("Design Guild", None, 3, "never"),
        _TeamSpec("Data Science", "Models, notebooks and pipelines", 8, "late"),
        _TeamSpec("Platform SRE", "Reliability for the platform", min(8, platform - 4), "sre"),
    ]
    cap = max(6, users // 3)
    for i in range(n - len(specs)):
        base = GENERIC_TEAMS[i % len(GENERIC_TEAMS)]
        name = base if i < len(GENERIC_TEAMS) else f"{base} {i // len(GENERIC_TEAMS) + 1}"
        size = int(5 + 35 * rng.random() ** 2.2)
        if i == 0:  # a sure-to-qualify team for the two-teams persona
            size = max(size, min(20, cap))
        description = None if rng.random() < 0.3 else rng.choice(
            [f"The {name} team", f"Owns {name.lower()}", f"{name}: services, on-call and roadmap"]
        )
        specs.append(_TeamSpec(name, description, min(size, cap)))
    ids = rng.sample(range(100_000), len(specs))
    for spec, offset in zip(specs, sorted(ids), strict=True):
        spec.id = 4_100_000 + offset
    return specs


def _sample_excluding(rng: random.Random, n: int, k: int, excluded: set[int]) -> list[int]:
    """k distinct indices of range(n), none in `excluded`; O(k), not O(n)."""
    picks = rng.sample(range(n), min(n, k + len(excluded)))
    return [i for i in picks if i not in excluded][:k]


def _fill_teams(
    rng: random.Random,
    specs: list[_TeamSpec],
    people: list[Member],
    reserved: set[int],
    first: date,
    end: date,
) -> date:
    """Sample members; give the late team its late seats. Returns the day it qualifies."""
    n = len(people)
    platform = next(s for s in specs if s.role == "platform")
    for spec in specs:
        if spec.role != "sre":
            spec.members = _sample_excluding(rng, n, spec.size, reserved)
    sre = next(s for s in specs if s.role == "sre")
    sre.members = rng.sample(platform.members, sre.size)  # a child team's people are in its parent
    late = next(s for s in specs if s.role == "late")
    for m in (people[i] for i in late.members[:3]):
        _seat_early(rng, m, first)
    span = (end - first).days
    late_days = [first.toordinal() + round(frac * span) for frac in (0.35, 0.5, 0.6, 0.7, 0.8)]
    for m, d in zip((people[i] for i in late.members[3:]), late_days, strict=False):
        m.seat_from, m.seat_until, m.stops_on, m.never_uses = d, None, None, False
        m.pending_cancellation = None
    return date.fromordinal(late_days[1])  # the fifth licensed member


def _assemble(
    seed: int,
    org: str,
    people: list[Member],
    specs: list[_TeamSpec],
    period: tuple[date, date],
    qualifies_from: date,
) -> DemoOrg:
    """Public team and user objects from the specs; personas are filled in by the caller."""
    specs = sorted(specs, key=lambda s: s.name.lower())  # GitHub lists teams by name
    slugs = {s.role: _slugify(s.name) for s in specs if s.role != "generic"}
    platform = next(s for s in specs if s.role == "platform")
    team_dicts = []
    for t, spec in enumerate(specs):
        spec.members = sorted(set(spec.members))
        for i in spec.members:
            people[i].teams.append(t)
        slug = _slugify(spec.name)
        team_dicts.append(
            {
                "id": spec.id,
                "name": spec.name,
                "slug": slug,
                "description": spec.description,
                "html_url": f"https://github.com/orgs/{org}/teams/{slug}",
                "parent": (
                    {"id": platform.id, "name": platform.name, "slug": slugs["platform"]}
                    if spec.role == "sre"
                    else None
                ),
            }
        )
    logins = {m.login for m in people}
    outsider = "outside-octocat"
    while outsider in logins:
        outsider += "-x"
    return DemoOrg(
        org=org,
        org_id=10_000_000 + (zlib.crc32(org.encode()) ^ seed) % 80_000_000,
        seed=seed,
        first_day=period[0],
        end_day=period[1],
        teams=team_dicts,
        users=[{**DemoOrg._user_ref(m), "name": m.name} for m in people],
        members={t["slug"]: [people[i].login for i in s.members] for t, s in zip(team_dicts, specs, strict=True)},
        personas={"outsider": outsider},
        admin_teams=[slugs["admins"]],
        never_qualifying_team=slugs["never"],
        late_team=slugs["late"],
        late_team_qualifies_from=qualifies_from,
        _people=people,
        _team_members=[s.members for s in specs],
    )


def _finish_seats(rng: random.Random, people: list[Member], end: date, protected: set[int]) -> None:
    """Seats given through a team, and one seat about to be cancelled."""
    e = end.toordinal()
    for m in people:
        if m.seat_from is not None and m.teams and rng.random() < 0.35:
            m.assigning_team = m.teams[0]
    candidates = [m for m in people if m.holds_seat(e) and m.seat_until is None and m.idx not in protected]
    if candidates:
        next_month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
        rng.choice(candidates).pending_cancellation = next_month
