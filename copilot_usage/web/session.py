"""The session cookie: who is signed in, sealed so a reload or a new tab stays signed in.

    sealer = Sealer(secret, hours=8, audience="octo-demo client-id")
    cookie = sealer.seal(Session(login="mona", token="gho_…"))
    sealer.open(cookie)          # Session, or SessionRefused with a sentence

Sealing is Fernet from `cryptography` (AES-128-CBC with HMAC-SHA256, a random IV and
the time of sealing): the token inside cannot be read or changed without the key, and
any replica with the same SESSION_SECRET opens it, so no sticky sessions are needed.
The Fernet key is derived from SESSION_SECRET with HKDF, so the setting can be any
long random text. Plain Python: no Streamlit here.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import CopilotUsageError

COOKIE_NAME = "copilot_usage_session"
_INFO = b"copilot-usage session cookie v1"
_CLOCK_SKEW = 300  # seconds a cookie may claim to come from the future (replicas' clocks differ)
# Demo mode without SESSION_SECRET: the cookie then holds only a persona's name, which anyone
# may pick on the sign-in box anyway, so a fixed key costs nothing and survives restarts.
DEMO_SECRET = "copilot-usage demo personas only; no token is ever sealed under this"


class SessionRefused(CopilotUsageError):
    """A cookie that does not sign anyone in; the message says why, in one sentence."""


@dataclass(frozen=True)
class Session:
    login: str
    token: str = ""    # the viewer's GitHub token (GitHub sign-in)
    persona: str = ""  # the demo persona (demo mode)


class Sealer:
    """Seals and opens sessions under one secret, for `hours`, for one deployment (`audience`)."""

    def __init__(self, secret: str, *, hours: float, audience: str):
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.hours = hours
        self.audience = audience

    @property
    def max_age(self) -> int:
        return int(self.hours * 3600)

    def seal(self, session: Session, *, now: float | None = None) -> str:
        payload = json.dumps({"aud": self.audience, **asdict(session)}, separators=(",", ":"))
        at = int(time.time() if now is None else now)
        return self._fernet.encrypt_at_time(payload.encode(), at).decode("ascii")

    def open(self, sealed: str, *, now: float | None = None) -> Session:
        """The session in `sealed`; SessionRefused when it was changed, is too old, or is foreign."""
        now = time.time() if now is None else now
        unreadable = SessionRefused("Your saved sign-in could not be read (it was changed, or comes "
                                    "from another deployment), so you are signed out. Please sign in again.")
        try:
            token = sealed.encode("ascii")
            sealed_at = self._fernet.extract_timestamp(token)  # checks the MAC first
            payload = json.loads(self._fernet.decrypt(token))
        except (InvalidToken, UnicodeError, ValueError):
            raise unreadable from None
        if sealed_at > now + _CLOCK_SKEW:
            raise unreadable
        if now - sealed_at > self.max_age:
            raise SessionRefused(f"Your sign-in has expired (sessions last {self.hours:g} hours). "
                                 "Please sign in again.")
        if not isinstance(payload, dict) or payload.get("aud") != self.audience:
            raise unreadable
        try:
            session = Session(login=str(payload["login"]), token=str(payload.get("token") or ""),
                              persona=str(payload.get("persona") or ""))
        except KeyError:
            raise unreadable from None
        if not session.login or not (session.token or session.persona):
            raise unreadable
        return session
