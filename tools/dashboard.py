"""Drive the dashboard in a real browser: a server in a thread and Debian's Chromium through Playwright.

Used by the browser tests (``tests/test_web_pages.py``) and to take the screenshots in ``docs/``:

    python -m tools.dashboard --db out/demo.duckdb --out docs/img   # one PNG per view (make demo first)

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run`` with apt); Playwright only drives
it (no browser download). Every request the page makes to anywhere but the server is refused and
recorded, so a view that needed the network would show it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWS = ("/", "/timeline", "/map", "/network", "/events")


def chromium_missing() -> str | None:
    """Why the browser cannot run here (None when it can)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[dev]')"
    return None


@contextmanager
def serving(db: str, **settings: Any) -> Iterator[str]:
    """``eventwire serve`` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    import uvicorn

    from eventwire.web import ServeSettings, create_app

    app = create_app(ServeSettings(db=db, **settings))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught exceptions, requests elsewhere."""

    origin: str
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin) or url.startswith("data:"):
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()


@contextmanager
def browser(origin: str, *, width: int = 1400, height: int = 900) -> Iterator[tuple[Any, Watch]]:
    """A fresh Chromium page that may talk to ``origin`` only; yields the page and its :class:`Watch`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = b.new_context(viewport={"width": width, "height": height}, service_workers="block")
            watch = Watch(origin)
            context.route("**/*", watch.route)
            page = context.new_page()
            watch.attach(page)
            yield page, watch
        finally:
            b.close()


def open_view(page: Any, url: str, timeout: float = 20_000) -> str:
    """Load ``url`` and wait until the view has drawn (or failed); returns ``ready`` or ``error``."""
    page.goto(url)
    page.wait_for_selector("main[data-state=ready], main[data-state=error]", timeout=timeout)
    state: str = page.get_attribute("main", "data-state")
    return state


def first_paint_ms(page: Any) -> float | None:
    """The page's first contentful paint, in ms after navigation started (None if not recorded)."""
    value = page.evaluate(
        "() => { const e = performance.getEntriesByName('first-contentful-paint')[0]"
        " || performance.getEntriesByName('first-paint')[0]; return e ? e.startTime : null; }"
    )
    return float(value) if value is not None else None


def screenshots(db: str, out: Path, event_id: int | None = None) -> list[Path]:
    """One PNG per view of the dashboard over ``db`` (and the API browser), into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with serving(db) as origin, browser(origin, width=1360, height=860) as (page, watch):
        views = [*VIEWS]
        if event_id is not None:
            views.append(f"/event/{event_id}")
        for view in views:
            if open_view(page, origin + view) != "ready":
                raise RuntimeError(f"{view} did not render: {page.inner_text('#message')}")
            page.wait_for_timeout(600)  # let the map's clusters settle
            name = "overview" if view == "/" else view.strip("/").replace("/", "-")
            path = out / f"dashboard-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            shots.append(path)
        page.goto(origin + "/docs")
        page.wait_for_selector(".opblock")
        path = out / "dashboard-api-docs.png"
        page.screenshot(path=str(path))
        shots.append(path)
        if watch.errors or watch.elsewhere:
            raise RuntimeError(f"the pages misbehaved: {watch.errors + watch.elsewhere}")
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of every dashboard view.")
    parser.add_argument("--db", default="out/demo.duckdb")
    parser.add_argument("--out", default="docs/img", type=Path)
    parser.add_argument("--event", type=int, default=None, help="merged event id for the event page")
    args = parser.parse_args(argv)
    why = chromium_missing()
    if why:
        print(f"dashboard: {why}", file=sys.stderr)
        return 1
    for path in screenshots(args.db, args.out, args.event):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
