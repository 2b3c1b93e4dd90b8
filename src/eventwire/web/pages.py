"""The dashboard's pages and assets, all from the package: one HTML shell for every view (the script
renders the view the path names), the API browser at ``/docs``, and ``/static`` (our scripts and the
libraries vendored from npm by ``tools/vendor_js.py``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"

VIEWS = ("timeline", "map", "network", "events")
"""The dashboard's views besides the overview (``/``) and the event page (``/event/<id>``)."""


def install_pages(app: FastAPI) -> None:
    """Add the pages, ``/docs`` and ``/static`` to ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    shell = STATIC / "index.html"

    def page() -> FileResponse:
        return FileResponse(shell, media_type="text/html", headers={"Cache-Control": "no-cache"})

    app.add_api_route("/", page, include_in_schema=False)
    for view in VIEWS:
        app.add_api_route(f"/{view}", page, include_in_schema=False)

    @app.get("/event/{merged_id}", include_in_schema=False)
    def event_page(merged_id: str) -> FileResponse:
        return page()

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")
