"""A synthetic GitHub organisation, served exactly as GitHub would serve it.

`build_demo_org()` makes an organisation with teams, members, Copilot seats and
daily usage reports; `DemoOrg.transport()` serves it behind an
`httpx.MockTransport`, so the real collector collects it without knowing.
It is the demo data of `make run`, the shared fixture of the tests, the data of
the loopback fake GitHub, and the load generator of benchmarks.

    demo = build_demo_org(seed=7)
    client = httpx.Client(transport=demo.transport(), headers={"Authorization": "Bearer x"})
    client.get("https://api.github.com/orgs/octo-demo/teams").json()

Shapes follow the design notes (shared/GITHUB_API.md, sections 2-4). Everything derives from
the seed: per-(day, user) detail comes from `random.Random` seeded by an integer
mix of (seed, day, user id) and never from global random or `hash()` of a str
(salted per process), so two processes build identical lines. Only the
structure (people, seats, teams) is built up-front; daily lines are computed
when asked, which keeps a 2,000-team / 50,000-user organisation cheap to build.

The modules, in dependency order:
    randomness  seeded hashing and the poisson/binomial draws
    catalogue   editors, languages, models, names, weights (report names and counters: contract/)
    activity    a user's habits and one day of their usage, as report fields
    seats       the member record with its seat history, and the seat listing
    transport   DemoTransport: GitHub's REST API and the report download host
    org         DemoOrg: the organisation and its daily reports
    structure   build_demo_org: people, seats and teams, built from the seed
"""

from .org import DemoOrg
from .structure import build_demo_org
from .transport import DemoTransport

__all__ = ["DemoOrg", "DemoTransport", "build_demo_org"]
