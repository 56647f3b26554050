"""A loopback fake of GitHub that speaks real HTTP, serving the demo organisation."""

from .server import FakeGitHub

__all__ = ["FakeGitHub"]
