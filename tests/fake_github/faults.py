"""Faults the loopback fake GitHub injects on request, for failure tests.

    github.faults.add(status=502, times=3, path="/copilot/metrics/reports/")
    github.faults.add(status=429, headers={"retry-after": "1"}, times=1)
    github.faults.add(delay=20.0, times=1)                 # a slow answer (none if the client gives up)
    github.faults.add(truncate=True, times=1, path="/downloads/")
    github.faults.add(reset=True, times=1)                  # the connection drops
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field


@dataclass
class Fault:
    times: int
    path: str | None = None         # applies to request paths containing this; None: every path
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "injected fault"
    delay: float = 0.0              # seconds before answering; a client that hangs up first gets none
    truncate: bool = False
    reset: bool = False

    def matches(self, path: str) -> bool:
        return self.times > 0 and (self.path is None or self.path in path)


class Faults:
    """A queue of faults; each applies to the next `times` matching requests.

    `abandoned` lists the paths of delayed requests whose client hung up before the answer
    (which was then never made); `wait_delays_over` waits until no delayed answer is pending.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.injected = 0
        self.abandoned: list[str] = []
        self._delaying = 0
        self._delays_over = threading.Condition(self._lock)

    @contextlib.contextmanager
    def delaying(self):
        """Around a delayed answer, for `wait_delays_over`."""
        with self._lock:
            self._delaying += 1
        try:
            yield
        finally:
            with self._lock:
                self._delaying -= 1
                self._delays_over.notify_all()

    def wait_delays_over(self, timeout: float) -> bool:
        """True once no delayed answer is pending (False if one still is after `timeout` s)."""
        with self._lock:
            return self._delays_over.wait_for(lambda: self._delaying == 0, timeout)

    def add(self, *, times: int = 1, **kwargs) -> Fault:
        fault = Fault(times=times, **kwargs)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        """The fault for this request (its count used up by one), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.times -= 1
                    self.injected += 1
                    return fault
        return None
