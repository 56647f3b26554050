"""Waiting for the app in a browser on conditions, never for a fixed time.

Streamlit marks its root element with the state of the script run it knows of
(`data-test-script-state`: "initial" until the first run, then "running" and "notRunning").
A page freshly loaded is ready when the state is "notRunning". After an action, the state may
still read "notRunning" for a moment before the browser hears that the run it asked for has
started, so `act` counts the runs the server reports finished (RUN_COUNTER) and waits for
one more. Every action that makes the
app run (a control, a link) goes through it:

    act(page, lambda: page.get_by_text("week", exact=True).click())

A run that ends in `st.rerun()` or `st.switch_page()` is followed by another; after such an
action, wait for what only the last run shows (a heading, a button), then `wait_idle`.
"""

from __future__ import annotations

from collections.abc import Callable

APP = '[data-testid="stApp"]'

# Counts the runs the server reports finished (every ForwardMsg whose top-level field 6,
# `script_finished`, is set, read from the page's WebSocket before Streamlit handles it) and
# the runs the page asks for (every BackMsg with field 11, `rerun_script`, it sends).
# Installed on every page before it loads (`with_run_counter`, used by conftest's `browser`).
# The state attribute alone misses a run replayed from the cache: it is over so fast that
# the page never shows "running" (React draws the state once, already "notRunning").
RUN_COUNTER = """(() => {
  if (window.__runsEnded !== undefined) return;
  window.__runsEnded = 0;
  window.__runsAsked = 0;
  const has = (bytes, wanted) => {
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      return value;
    };
    while (i < bytes.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (field === wanted) return true;
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }  // not `i += varint()`: i read first
      else if (wire === 1) i += 8; else if (wire === 5) i += 4; else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        if (event.data instanceof ArrayBuffer && has(new Uint8Array(event.data), 6)) window.__runsEnded += 1;
      });
    }
    send(data) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes && has(bytes, 11)) window.__runsAsked += 1;
      return super.send(data);
    }
  };
})();"""

_IDLE = """after => {
  const app = document.querySelector('%s');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  return after === null || window.__runsEnded > after;
}""" % APP  # noqa: UP031 (JavaScript braces read better with %)


def with_run_counter(browser):
    """The browser, its new pages and contexts counting the runs each page sees end."""

    class Counting:
        def __getattr__(self, name):
            return getattr(browser, name)

        def new_page(self, **options):
            page = browser.new_page(**options)
            page.add_init_script(RUN_COUNTER)
            return page

        def new_context(self, **options):
            context = browser.new_context(**options)
            context.add_init_script(RUN_COUNTER)
            return context

    return Counting()


def runs_ended(page) -> int:
    """Script runs this page has seen end since it loaded."""
    ended = page.evaluate("() => window.__runsEnded")
    assert ended is not None, "the page counts no runs: create it through conftest's `browser`"
    return ended


def runs_asked(page) -> int:
    """Script runs this page has asked the server for since it loaded."""
    return page.evaluate("() => window.__runsAsked")


def wait_idle(page, after: int | None = None, timeout: int = 60_000) -> None:
    """Until no script run is going on; with `after` (a `runs_ended` count), until a run has
    ended since."""
    page.wait_for_function(_IDLE, arg=after, timeout=timeout)


def act(page, action: Callable[[], object], timeout: int = 60_000) -> None:
    """Do `action`, which makes the app run its script, and wait until that run is over. The
    action waits for any run under way to end first: asked for during a run, its own run would
    take that one's place without the state changing."""
    wait_idle(page, timeout=timeout)
    asked, before = runs_asked(page), runs_ended(page)
    action()
    wait_idle(page, before, timeout)
    # The page's own request is counted too: a counter that missed it would let a test that
    # expects no run (a download) pass whatever the page asked for.
    assert runs_asked(page) > asked, "the action asked for no run, or the counter missed it"
