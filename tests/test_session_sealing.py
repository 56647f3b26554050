"""The session cookie's sealing: what opens, and the sentence for what does not."""

from __future__ import annotations

import base64
import time

import pytest

from copilot_usage.web.session import Sealer, Session, SessionRefused

pytestmark = pytest.mark.unit

SECRET = "kX9-q2Lr_7vT0bWz4mNc8pYs1dHf6gJa"
TOKEN = "gho_" + "T0kenThatMustNeverBeReadable00000000"


def sealer(**kwargs) -> Sealer:
    return Sealer(kwargs.pop("secret", SECRET), hours=kwargs.pop("hours", 8),
                  audience=kwargs.pop("audience", "acme client-1"))


def test_a_sealed_session_opens_on_another_replica_and_hides_the_token():
    session = Session("mona", token=TOKEN)
    sealed = sealer().seal(session)
    assert sealer().open(sealed) == session  # a second Sealer: another copy of the app
    assert TOKEN not in sealed and TOKEN.encode() not in base64.urlsafe_b64decode(sealed)
    assert sealer().seal(session) != sealed  # a fresh IV each time: equal sessions look different


@pytest.mark.parametrize("case", ["tampered", "other secret", "other deployment", "not a cookie",
                                  "from the future", "empty session"])
def test_a_cookie_that_was_not_sealed_here_for_this_deployment_is_refused(case):
    session = Session("mona", token=TOKEN)
    sealed = {
        "tampered": lambda: (lambda s: s[:40] + ("A" if s[40] != "A" else "B") + s[41:])(sealer().seal(session)),
        "other secret": lambda: sealer(secret="another-long-secret-0123456789abcdef").seal(session),
        "other deployment": lambda: sealer(audience="other-org client-1").seal(session),
        "not a cookie": lambda: "nonsense; with=chars",
        "from the future": lambda: sealer().seal(session, now=time.time() + 3600),
        "empty session": lambda: sealer().seal(Session("mona")),
    }[case]()
    with pytest.raises(SessionRefused, match="could not be read") as refused:
        sealer().open(sealed)
    assert TOKEN not in str(refused.value)


def test_a_session_expires_after_its_hours():
    session = Session("octo-admin", persona="admin")
    now = time.time()
    fresh = sealer(hours=2).seal(session, now=now - 2 * 3600 + 30)
    assert sealer(hours=2).open(fresh, now=now) == session
    stale = sealer(hours=2).seal(session, now=now - 2 * 3600 - 30)
    with pytest.raises(SessionRefused, match="has expired \\(sessions last 2 hours\\)"):
        sealer(hours=2).open(stale, now=now)
