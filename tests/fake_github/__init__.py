"""A loopback fake of GitHub that speaks real HTTP, serving the demo organisation."""

from .oauth import FakeOAuth
from .faults import Faults
from .server import FakeGitHub

__all__ = ["FakeGitHub", "FakeOAuth", "Faults"]
