"""Waiting for the app in a browser on conditions, never for a fixed time.

Streamlit marks its root element with the state of the script run it knows of
(`data-test-script-state`: "initial" until the first run, then "running" and "notRunning").
A page freshly loaded is ready when the state is "notRunning". After an action, the state may
still read "notRunning" for a moment before the browser hears that the run it asked for has
started, so `act` counts the runs started (a MutationObserver on that attribute, installed
before the action) and waits for one more, then for its end. Every action that makes the
app run (a control, a link) goes through it:

    act(page, lambda: page.get_by_text("week", exact=True).click())

A run that ends in `st.rerun()` or `st.switch_page()` is followed by another; after such an
action, wait for what only the last run shows (a heading, a button), then `wait_idle`.
"""

from __future__ import annotations

from collections.abc import Callable

APP = '[data-testid="stApp"]'

# Installs the counter on the app's root element once; answers how many runs it has seen start.
_RUNS_STARTED = """() => {
  const app = document.querySelector('%s');
  if (!app) return 0;
  if (!app.__runsStarted) {
    app.__runsStarted = {count: 0};
    let last = app.getAttribute('data-test-script-state');
    new MutationObserver(() => {
      const now = app.getAttribute('data-test-script-state');
      if (now !== last && now === 'running') app.__runsStarted.count += 1;
      last = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return app.__runsStarted.count;
}""" % APP  # noqa: UP031 (JavaScript braces read better with %)

_IDLE = """after => {
  const app = document.querySelector('%s');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  return after === null || (app.__runsStarted !== undefined && app.__runsStarted.count > after);
}""" % APP  # noqa: UP031 (JavaScript braces read better with %)


def runs_started(page) -> int:
    """Script runs seen starting on this page since it was first asked (which starts counting)."""
    return page.evaluate(_RUNS_STARTED)


def wait_idle(page, after: int | None = None, timeout: int = 60_000) -> None:
    """Until no script run is going on; with `after` (a `runs_started` count), until a run that
    started since has ended."""
    page.wait_for_function(_IDLE, arg=after, timeout=timeout)


def act(page, action: Callable[[], object], timeout: int = 60_000) -> None:
    """Do `action`, which makes the app run its script, and wait until that run is over. The
    action waits for any run under way to end first: asked for during a run, its own run would
    take that one's place without the state changing."""
    wait_idle(page, timeout=timeout)
    before = runs_started(page)
    action()
    wait_idle(page, before, timeout)
