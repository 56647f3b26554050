"""Every error a caller of copilot_usage can meet, in one tree.

    CopilotUsageError
    ├── SettingsError          a setting is missing or malformed
    ├── GitHubError            GitHub answered badly or not at all
    │   ├── NotFound           404: unknown org/team, or a report not produced yet
    │   ├── Forbidden          403 without rate-limit signs: a missing permission
    │   ├── RateLimited        403/429 over a limit, still limited after waiting
    │   ├── ServerError        5xx, still failing after retries
    │   ├── ConnectionFailed   no answer (reset, timeout), still failing after retries
    │   └── MalformedReport    a report file that is truncated or not JSON
    ├── StoreError             the history store could not be read or written
    │   ├── StoreConflict      someone else wrote first (stale version tag)
    │   ├── InvalidStoreFile   a stored file is not what it should be; never overwritten
    │   └── StoreUnavailable   the store itself is missing or failing (no bucket, 5xx)
    ├── SignInFailed           the GitHub sign-in did not complete (state, code, secret)
    └── AccessDenied           the viewer may not see what they asked for

Messages are sentences that say what to do next; they never hold a token.
"""

from __future__ import annotations


class CopilotUsageError(Exception):
    """Base of every error this package raises on purpose."""


class SettingsError(CopilotUsageError):
    """A setting is missing or malformed; the message names the setting."""


class GitHubError(CopilotUsageError):
    """GitHub answered with an error, or not at all."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status = status
        self.url = url


class NotFound(GitHubError):
    """404: the org, team or report does not exist or is not visible."""


class Forbidden(GitHubError):
    """403 that is not a rate limit: a missing permission or an unapproved app."""


class RateLimited(GitHubError):
    """Over a rate limit, and still limited after the allowed waiting."""


class ServerError(GitHubError):
    """GitHub kept answering 5xx after the retries."""


class ConnectionFailed(GitHubError):
    """No answer from GitHub (connection reset, timeout) after the retries."""


class MalformedReport(GitHubError):
    """A downloaded report is truncated or holds a line that is not JSON."""


class StoreError(CopilotUsageError):
    """The history store could not be read or written."""

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        self.key = key


class StoreConflict(StoreError):
    """A conditional write lost: the object changed since it was read."""


class InvalidStoreFile(StoreError):
    """A stored file failed validation; it is left untouched."""


class StoreUnavailable(StoreError):
    """The store itself is missing or failing (no bucket, no folder, 5xx)."""


class SignInFailed(CopilotUsageError):
    """The OAuth sign-in was refused or could not complete; the viewer stays signed out."""


class AccessDenied(CopilotUsageError):
    """The viewer may not see the team or page they asked for."""
