"""A loopback fake of GitHub that speaks real HTTP, serving the demo organisation."""

from .faults import Faults
from .oauth import FakeOAuth
from .server import FakeGitHub

__all__ = ["FakeGitHub", "FakeOAuth", "Faults"]
