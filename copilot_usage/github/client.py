"""One small HTTP client for GitHub's REST API and the signed report links it hands out.

    with GitHubClient(token="ghp_...") as gh:
        teams = list(gh.paginate("/orgs/acme/teams"))
        links = gh.get_json("/orgs/acme/copilot/metrics/reports/users-1-day",
                            {"day": "2026-11-01"})["download_links"]
        for line in gh.iter_download_lines(links[0]):
            ...

Everything goes through one `httpx.Client`, so tests, the demo and the loopback
fake all enter through the `transport` seam (or just a `base_url`); nothing
patches internals. Failures come out as the typed errors of `copilot_usage.errors`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ..errors import (
    ConnectionFailed,
    Forbidden,
    GitHubError,
    NotFound,
    RateLimited,
    ServerError,
)

log = logging.getLogger(__name__)

API_VERSION = "2026-03-10"
USER_AGENT = "copilot-usage"
PAGE_SIZE = 100
BACKOFF_SECONDS = 1.0       # after a 5xx or a dropped connection, doubling
MIN_RATE_LIMIT_WAIT = 60.0  # after a rate limit that names no reset (GITHUB_API.md 5), doubling


@dataclass
class _Attempts:
    """Where one logical request stands in its retry budget."""

    made: int = 0
    rate_limited: int = 0


class GitHubClient:
    """GET GitHub's REST API with retries, rate-limit waits and typed errors."""

    def __init__(
        self,
        base_url: str = "https://api.github.com",
        *,
        token: str | None = None,
        token_provider: Callable[[], str] | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff_seconds: float = BACKOFF_SECONDS,
        min_rate_limit_wait: float = MIN_RATE_LIMIT_WAIT,
        max_wait_seconds: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if token and token_provider:
            raise ValueError("pass token or token_provider, not both")
        self._token = token
        self._token_provider = token_provider
        self._max_retries = max_retries
        self._backoff_seconds = backoff_seconds
        self._min_rate_limit_wait = min_rate_limit_wait
        self._max_wait_seconds = max_wait_seconds
        self._sleep = sleep
        self._clock = clock
        self._count_lock = threading.Lock()
        self._request_count = 0
        # No client-level headers: API headers are added per call, so a download
        # can never inherit the Authorization header by accident.
        self._http = httpx.Client(base_url=base_url, transport=transport, timeout=httpx.Timeout(timeout))

    # -- public API -------------------------------------------------------

    @property
    def request_count(self) -> int:
        """Every HTTP attempt made so far (API calls, retries and downloads).

            gh.get("/user"); gh.request_count   # -> 1 (or more after retries)
        """
        with self._count_lock:
            return self._request_count

    def get(self, path_or_url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET an API path (or absolute URL); return the 2xx response, 204 included.

        Retries 5xx and dropped connections, waits out rate limits, and raises
        NotFound / Forbidden / RateLimited / ServerError / ConnectionFailed /
        GitHubError otherwise.

            gh.get("/orgs/acme/members/octocat").status_code   # -> 204
        """
        return self._send("GET", path_or_url, params=params, api=True)

    def get_json(self, path_or_url: str, params: dict[str, Any] | None = None) -> Any | None:
        """GET and decode JSON; None when GitHub answers 204 (no content).

            gh.get_json("/orgs/acme/copilot/metrics/reports/users-1-day", {"day": "2026-11-01"})
            # -> {"download_links": [...], "report_day": "2026-11-01"}, or None on 204
        """
        return _json_or_none(self.get(path_or_url, params))

    def post_json(self, path_or_url: str, body: Any = None) -> Any | None:
        """POST JSON with API headers and the same error mapping; decoded body or None.

        Retried like GET, so use it only for calls that are safe to repeat.

            gh.post_json("/app/installations/42/access_tokens")   # -> {"token": ..., ...}
        """
        return _json_or_none(self._send("POST", path_or_url, json=body, api=True))

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, *, item_key: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a paged list, following `Link: <...>; rel="next"`.

        Asks for 100 a page unless `params` sets `per_page`. `item_key` names the
        list inside an object body (seats: `{"total_seats": 3, "seats": [...]}`).

            for seat in gh.paginate("/orgs/acme/copilot/billing/seats", item_key="seats"):
                ...
        """
        url: str | None = path
        page_params: dict[str, Any] | None = {"per_page": PAGE_SIZE, **(params or {})}
        seen: set[str] = set()
        while url is not None and url not in seen:
            seen.add(url)
            response = self.get(url, page_params)
            yield from _page_items(_json_or_none(response), item_key, url)
            # The next link is absolute and already carries every query parameter.
            url, page_params = response.links.get("next", {}).get("url"), None

    def download(self, url: str) -> bytes:
        """Fetch a signed report link whole, without GitHub credentials; decoded bytes.

        5xx and dropped connections are retried; 403/404 raise Forbidden/NotFound at
        once because the link has expired: ask the report endpoint for fresh links.

            data = gh.download(links[0])   # -> b'{"user_id": 1, ...}\\n...'
        """
        response = self._send("GET", url, api=False)
        return response.content

    def iter_download_lines(self, url: str) -> Iterator[bytes]:
        """Stream a signed report link line by line (bytes, without line endings).

        Same policy as `download`, but never holds the whole file in memory. A
        connection that breaks mid-file raises ConnectionFailed: lines already
        yielded would repeat on a retry, so the caller re-asks for links instead.

            for line in gh.iter_download_lines(links[0]):
                record = json.loads(line)
        """
        response = self._send("GET", url, api=False, stream=True)
        try:
            yield from _split_lines(response.iter_bytes())
        except httpx.TransportError as exc:
            raise ConnectionFailed(
                f"The download of {_redact(url)} broke off ({type(exc).__name__}); "
                "ask GitHub for fresh report links and download again.",
                url=_redact(url),
            ) from exc
        finally:
            response.close()

    def close(self) -> None:
        """Close the connection pool.

            gh.close()   # or use `with GitHubClient(...) as gh:`
        """
        self._http.close()
        # A GitHubAppAuth provider owns a client of its own; close it with ours.
        closer = getattr(self._token_provider, "close", None)
        if callable(closer):
            closer()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- one logical request: attempts, waits, errors ----------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        api: bool,
        stream: bool = False,
    ) -> httpx.Response:
        attempts = _Attempts()
        while True:
            attempts.made += 1
            out_of_retries = attempts.made > self._max_retries
            request = self._build_request(method, url, params, json, api)
            what = f"{method} {_describe(request.url, api)}"
            try:
                response = self._attempt(request, api, stream)
            except httpx.TransportError as exc:
                if out_of_retries:
                    raise _connection_failed(exc, what, attempts.made, request.url, api) from exc
                self._wait(self._backoff(attempts.made), what, type(exc).__name__)
                continue
            if response.is_success:
                return response
            if stream:
                response.read()  # error bodies are small; the message lives there
                response.close()
            wait = self._retry_wait(response, attempts, what, api)
            if out_of_retries:
                raise _exhausted(response, what, attempts.made, api)
            self._wait(wait, what, str(response.status_code))

    def _build_request(
        self, method: str, url: str, params: dict[str, Any] | None, json: Any, api: bool
    ) -> httpx.Request:
        headers = self._api_headers() if api else {"User-Agent": USER_AGENT}
        return self._http.build_request(method, url, params=params, json=json, headers=headers)

    def _api_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        # Asked on every attempt so an installation token can renew mid-retry.
        token = self._token_provider() if self._token_provider else self._token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _attempt(self, request: httpx.Request, api: bool, stream: bool) -> httpx.Response:
        with self._count_lock:
            self._request_count += 1
        # API redirects stay visible (a 302 on /members/{user} means "caller not a
        # member"); signed links may bounce to blob storage, so downloads follow.
        return self._http.send(request, stream=stream, follow_redirects=not api)

    def _retry_wait(self, response: httpx.Response, attempts: _Attempts, what: str, api: bool) -> float:
        """Seconds to wait before retrying `response`, or raise the error it stands for."""
        if response.status_code >= 500:
            return self._backoff(attempts.made)
        if not _is_rate_limited(response, api):
            raise _error_for(response, what, api)
        attempts.rate_limited += 1
        wait = self._rate_limit_wait(response, attempts.rate_limited)
        if wait > self._max_wait_seconds:
            raise RateLimited(
                f"GitHub rate-limited {what} until {_utc(self._clock() + wait)}, "
                f"longer than the {self._max_wait_seconds:.0f} s this run may wait; "
                "run again after that time.",
                status=response.status_code,
                url=_error_url(response.request.url, api),
            )
        return wait

    def _rate_limit_wait(self, response: httpx.Response, times_limited: int) -> float:
        """GITHUB_API.md section 5, in order: retry-after, then reset, then back off."""
        retry_after = _retry_after_seconds(response.headers.get("retry-after"), self._clock())
        if retry_after is not None:
            return retry_after
        reset = response.headers.get("x-ratelimit-reset")
        if response.headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
            # +1: the reset is whole seconds and our clock may lag GitHub's a little.
            return max(int(reset) - self._clock(), 0.0) + 1.0
        return self._min_rate_limit_wait * 2 ** (times_limited - 1)

    def _backoff(self, attempt: int) -> float:
        return self._backoff_seconds * 2 ** (attempt - 1)

    def _wait(self, seconds: float, what: str, reason: str) -> None:
        log.info("GitHub %s for %s; retrying in %.1f s", reason, what, seconds)
        self._sleep(seconds)


# -- response helpers ---------------------------------------------------------


def _json_or_none(response: httpx.Response) -> Any | None:
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def _page_items(body: Any, item_key: str | None, url: str) -> list[dict[str, Any]]:
    if body is None:
        return []
    items = body.get(item_key, []) if item_key and isinstance(body, dict) else body
    if not isinstance(items, list):
        raise GitHubError(f"GitHub answered GET {url} with {type(items).__name__}, expected a list", url=url)
    return items


def _split_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")
    if pending.strip():
        yield pending.rstrip(b"\r")


def _github_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    return str(body.get("message", "")) if isinstance(body, dict) else ""


def _is_rate_limited(response: httpx.Response, api: bool) -> bool:
    if response.status_code == 429:
        return True
    # A signed link's 403 means "expired", never a GitHub rate limit.
    if response.status_code != 403 or not api:
        return False
    headers = response.headers
    if "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0":
        return True
    return "rate limit" in _github_message(response).lower()


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:  # the HTTP-date form is allowed too
        return max(parsedate_to_datetime(value).timestamp() - now, 0.0)
    except (TypeError, ValueError):
        return None


# -- errors ---------------------------------------------------------------------


def _error_for(response: httpx.Response, what: str, api: bool) -> GitHubError:
    status, url = response.status_code, _error_url(response.request.url, api)
    if not api:
        return _download_error(status, what, url)
    message = _github_message(response)
    if status == 401:
        return Forbidden(
            f"GitHub refused the credential for {what} (401): the token is invalid or expired; "
            "set a fresh GITHUB_TOKEN or check the GitHub App settings.",
            status=status,
            url=url,
        )
    if status == 403:
        return Forbidden(
            f"GitHub refused {what} (403: {message or 'no message'}): {_forbidden_hint(message, what)}.",
            status=status,
            url=url,
        )
    if status == 404:
        return NotFound(
            f"{what} not found (404): check GITHUB_ORG and that the credential can see it.",
            status=status,
            url=url,
        )
    detail = message or response.reason_phrase
    return GitHubError(f"GitHub answered {status} for {what}: {detail}.", status=status, url=url)


def _forbidden_hint(message: str, what: str) -> str:
    lowered = message.lower()
    if "resource not accessible by integration" in lowered:
        return "the GitHub App lacks a permission (for usage reports: Organization Copilot metrics: read)"
    if "oauth app access restrictions" in lowered:
        return "an organisation owner must approve this OAuth app"
    return (
        f"the credential may not read {what.split(' ', 1)[-1]}; usage reports need an organisation "
        "owner or the 'View Organization Copilot Metrics' role (read:org for tokens)"
    )


def _download_error(status: int, what: str, url: str) -> GitHubError:
    if status in (403, 404):
        kind = Forbidden if status == 403 else NotFound
        return kind(
            f"The report link {what} answered {status}: it has probably expired; "
            "ask GitHub for fresh report links and download again.",
            status=status,
            url=url,
        )
    return GitHubError(f"The report link {what} answered {status}.", status=status, url=url)


def _exhausted(response: httpx.Response, what: str, attempts: int, api: bool) -> GitHubError:
    status, url = response.status_code, _error_url(response.request.url, api)
    if status >= 500:
        return ServerError(
            f"GitHub kept answering {status} for {what} after {attempts} attempts; try again later.",
            status=status,
            url=url,
        )
    return RateLimited(
        f"GitHub still rate-limited {what} after {attempts} attempts; "
        "wait for the limit to reset (usually within the hour) and run again.",
        status=status,
        url=url,
    )


def _connection_failed(
    exc: httpx.TransportError, what: str, attempts: int, url: httpx.URL, api: bool
) -> ConnectionFailed:
    return ConnectionFailed(
        f"No answer from GitHub for {what} after {attempts} attempts ({type(exc).__name__}); "
        "check the network or GITHUB_API_URL and try again.",
        url=_error_url(url, api),
    )


def _describe(url: httpx.URL, api: bool) -> str:
    if api:
        return url.path + (f"?{url.query.decode()}" if url.query else "")
    return _redact(url)


def _error_url(url: httpx.URL, api: bool) -> str:
    return str(url) if api else _redact(url)


def _redact(url: httpx.URL | str) -> str:
    """A signed link's query is its credential: keep it out of messages and logs."""
    return str(httpx.URL(str(url)).copy_with(query=None, fragment=None))


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
