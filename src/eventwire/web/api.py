"""The REST API (mounted at ``/api``): a thin layer over :class:`~eventwire.store.Store`.

Every list takes the filters of ``eventwire query`` (one :class:`~eventwire.store.EventFilter`, checked
by the library) and reads through the store's own queries; nothing here writes SQL.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ..errors import InputError, QueryTimeoutError, StoreError
from ..store import BY, PERIODS, EventFilter, Store
from ..types import MODALITIES, Article
from .app import ApiError, AppState

router = APIRouter()

EXPORT_FORMATS = ("gdelt", "plover", "parquet", "csv", "jsonl")
QUAD_CLASSES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


# --- plumbing -------------------------------------------------------------------------------------------


def _default(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    raise TypeError(f"cannot encode {type(v).__name__}")


def json_response(obj: Any, *, status: int = 200, media_type: str = "application/json") -> Response:
    """JSON (dates as ISO strings) without a pass through pydantic: pages and aggregates stay fast."""
    body = json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status_code=status, media_type=media_type)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.ew
    return state


State = Annotated[AppState, Depends(get_state)]


def reader(state: State) -> Iterator[Store]:
    """A store connection for this request (returned to the pool afterwards)."""
    with state.pool.borrow() as store:
        yield store


Reader = Annotated[Store, Depends(reader)]


def _split(values: list[str]) -> tuple[str, ...]:
    """Repeated parameters, each of which may also be a comma-separated list."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def event_filter(
    since: Annotated[dt.date | None, Query(description="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[dt.date | None, Query(description="Events on or before this date (YYYY-MM-DD).")] = None,
    actor: Annotated[
        list[str], Query(description="CAMEO actor code prefix on either side (AZE, AZEGOV); repeatable.")
    ] = [],  # noqa: B006 - FastAPI copies defaults
    country: Annotated[
        list[str], Query(description="Actor's or recipient's country (ISO alpha-3); repeatable.")
    ] = [],  # noqa: B006
    type: Annotated[
        list[str], Query(description="PLOVER type (CONSULT) or CAMEO code prefix (04, 042); repeatable.")
    ] = [],  # noqa: B006
    quad: Annotated[list[str], Query(description="Quad class 1-4; repeatable.")] = [],  # noqa: B006
    modality: Annotated[list[str], Query(description=f"One of {', '.join(MODALITIES)}; repeatable.")] = [],  # noqa: B006
    place: Annotated[
        list[str],
        Query(description="Where it happened: GeoNames id, place name or ISO alpha-3 country; repeatable."),
    ] = [],  # noqa: B006
    bbox: Annotated[
        str | None, Query(description="Events located in west,south,east,north (degrees).", max_length=100)
    ] = None,
    text: Annotated[
        str | None,
        Query(description='Words or "phrases" that must all appear in the evidence.', max_length=200),
    ] = None,
) -> EventFilter:
    """The filters of ``eventwire query``, checked by the library (422 with every problem at once)."""
    quads: list[int] = []
    problems: list[str] = []
    for q in _split(quad):
        if q.isdigit():
            quads.append(int(q))
        else:
            problems.append(f"quad {q!r} is not a number: use 1 to 4")
    box = None
    if bbox is not None:
        try:
            w, s, e, n = (float(x) for x in bbox.split(","))
            box = (w, s, e, n)
        except ValueError:
            problems.append(f"bbox {bbox!r} is not west,south,east,north in degrees (e.g. 44,38,51,42)")
    where = EventFilter(
        since=since,
        until=until,
        actor=_split(actor),
        country=_split(country),
        type=_split(type),
        quad=tuple(quads),
        modality=_split(modality),
        place=tuple(p.strip() for p in place if p.strip()),
        bbox=box,
        text=text,
    )
    problems += where.problems()
    if problems:
        raise InputError("; ".join(problems))
    return where


Filter = Annotated[EventFilter, Depends(event_filter)]
Level = Annotated[
    Literal["events", "mentions"], Query(description="events: merged events; mentions: one per article.")
]


def _limit(limit: int | None, state: AppState, default: int, cap: int) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > cap:
        raise InputError(f"limit {limit} is out of range: ask for 1 to {cap} rows (this server's cap)")
    return limit


def require_writer(request: Request, state: AppState) -> None:
    """401 without a valid bearer token, 403 when the server does not allow writes."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise ApiError(
            401,
            "unauthorized",
            "this request writes to the database: send Authorization: Bearer <token>, "
            "the token the server was started with",
            {"WWW-Authenticate": "Bearer"},
        )
    if not state.settings.allow_writes or not state.settings.token:
        raise ApiError(
            403, "writes_disabled", "this server is read-only: start it with --allow-writes and a token"
        )
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), state.settings.token.encode()
    ):
        raise ApiError(
            401,
            "unauthorized",
            "the bearer token is not the one the server was started with",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


def _body_limit(request: Request, limit: int) -> None:
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > limit:
        raise ApiError(413, "too_large", f"the request body is {int(size):,} bytes; at most {limit:,}")


# --- response shapes (for the OpenAPI schema; handlers return JSON directly) ---------------------------


class PageOut(BaseModel):
    rows: list[dict[str, Any]] = Field(description="Merged events (`merged_events` rows) or mentions.")
    next: str | None = Field(description="Cursor of the next page (`cursor=`); null on the last page.")
    next_url: str | None = Field(description="The URL of the next page.")
    limit: int
    total: int | None = Field(None, description="How many rows the filter selects (with `total=true`).")


class CountsOut(BaseModel):
    period: str
    by: str | None
    level: str
    rows: list[dict[str, Any]] = Field(description="`period` (first day), `key`, `n`, `goldstein` (mean).")


class RowsOut(BaseModel):
    rows: list[dict[str, Any]]


class EventOut(BaseModel):
    event: dict[str, Any] = Field(description="The merged event (`merged_events` row).")
    mentions: list[dict[str, Any]] = Field(
        description="Each mention: `event` (the record as `eventwire code` prints it), `article`, `spans`."
    )
    mentions_total: int


class CodeIn(BaseModel):
    text: str = Field(min_length=1, description="The text to code (a news report).")
    date: dt.date | None = Field(None, description="Publication date: relative dates resolve against it.")
    id: str | None = Field(None, max_length=200, description="Document id (default: from the text).")
    url: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=1000)
    store: bool = Field(False, description="Also store and merge the events (needs writes and a token).")


class CodeOut(BaseModel):
    doc_id: str
    events: list[dict[str, Any]]
    stored: dict[str, Any] | None


class IngestIn(BaseModel):
    documents: list[CodeIn] = Field(default_factory=list, description="Documents to code and store.")
    urls: list[str] = Field(default_factory=list, description="http(s) URLs to fetch, code and store.")


# --- reading --------------------------------------------------------------------------------------------


@router.get("/info", summary="The database, the server's limits and the vocabularies")
def info(state: State, store: Reader) -> Response:
    from ..ontology import load_ontology

    onto = load_ontology()
    s = state.settings
    first, last = store.extent()
    return json_response(
        {
            "store": store.info().to_dict(),
            "dates": {"first": first, "last": last},
            "server": {
                "read_only": not s.allow_writes,
                "allow_sql": s.allow_sql,
                "page_size": s.page_size,
                "max_page": s.max_page,
                "max_rows": s.max_rows,
                "timeout": s.timeout,
                "max_export": s.max_export,
                "export_formats": list(EXPORT_FORMATS),
            },
            "vocab": {
                "plover_types": [
                    {"name": t.name, "quad_class": t.quad_class, "definition": t.definition}
                    for t in sorted(onto.plover_types.values(), key=lambda t: (t.quad_class, t.name))
                ],
                "cameo_roots": [
                    {"code": c.code, "description": c.description, "quad_class": c.quad_class}
                    for c in sorted(onto.cameo_codes.values(), key=lambda c: c.code)
                    if c.is_root
                ],
                "quad_classes": [{"code": k, "name": v} for k, v in QUAD_CLASSES.items()],
                "modalities": list(MODALITIES),
                "breakdowns": list(BY),
                "periods": list(PERIODS),
            },
        }
    )


def _page(
    request: Request, state: State, store: Store, where: EventFilter, level: str, limit: int | None,
    cursor: str | None, order: str, total: bool,
) -> Response:  # fmt: skip
    n = _limit(limit, state, state.settings.page_size, state.settings.max_page)
    page = store.page(where, level=level, after=cursor, limit=n, order=order)
    rows = page.rows
    if level == "mentions" and "text" in rows.column_names:
        rows = rows.drop_columns(["text"])
    next_url = str(request.url.include_query_params(cursor=page.next)) if page.next else None
    out = {"rows": rows.to_pylist(), "next": page.next, "next_url": next_url, "limit": n}
    if total:
        out["total"] = store.count(where, level=level)
    return json_response(out)


Limit = Annotated[int | None, Query(description="Rows per page (default 50; the server caps it).")]
Cursor = Annotated[str | None, Query(description="The `next` of the previous page.", max_length=400)]
Order = Annotated[Literal["desc", "asc"], Query(description="desc: newest first; asc: oldest first.")]
Total = Annotated[bool, Query(description="Also count every row the filter selects.")]


@router.get("/events", response_model=PageOut, summary="Merged events, one per real-world event")
def events(
    request: Request, state: State, store: Reader, where: Filter, limit: Limit = None, cursor: Cursor = None,
    order: Order = "desc", total: Total = False,
) -> Response:  # fmt: skip
    return _page(request, state, store, where, "events", limit, cursor, order, total)


@router.get("/mentions", response_model=PageOut, summary="Event mentions, one per coded event in an article")
def mentions(
    request: Request, state: State, store: Reader, where: Filter, limit: Limit = None, cursor: Cursor = None,
    order: Order = "desc", total: Total = False,
) -> Response:  # fmt: skip
    return _page(request, state, store, where, "mentions", limit, cursor, order, total)


@router.get("/events/{merged_id}", response_model=EventOut, summary="One merged event with its evidence")
def event(
    store: Reader,
    merged_id: Annotated[int, PathParam(description="The merged event's id (GDELT's GLOBALEVENTID).")],
    mentions: Annotated[int, Query(ge=1, le=500, description="Mentions to include, oldest first.")] = 50,
) -> Response:
    from ..evidence import evidence_spans

    found = store.events_by_id([merged_id]).to_pylist()
    if not found:
        raise ApiError(404, "not_found", f"no merged event {merged_id}: it may have been merged again")
    ments = store.mentions_of([merged_id])
    total = ments.num_rows
    rows = ments.slice(0, mentions).to_pylist()
    records = {e.event_id: e for e in store.get_events([r["event_id"] for r in rows])}
    texts = {a.id: a.text for a in store.get_articles(sorted({r["article_id"] for r in rows}))}
    out = []
    for r in rows:
        ev = records.get(r["event_id"])
        if ev is None:
            continue
        text = texts.get(r["article_id"])
        out.append(
            {
                "event": ev.to_dict(),
                "merged_id": merged_id,
                "article": {
                    "id": r["article_id"],
                    "url": r.get("url"),
                    "title": r.get("title"),
                    "source": r.get("source"),
                    "language": r.get("language"),
                    "pub_date": r.get("pub_date"),
                },
                "spans": [sp.to_dict(ev, text) for sp in evidence_spans(ev)],
            }
        )
    return json_response({"event": found[0], "mentions": out, "mentions_total": total})


@router.get("/counts", response_model=CountsOut, summary="Counts by day, week, month or year")
def counts(
    store: Reader,
    where: Filter,
    period: Annotated[Literal["day", "week", "month", "year"], Query()] = "day",
    by: Annotated[
        str | None, Query(description=f"Split each period by one of: {', '.join(BY)}.", max_length=40)
    ] = None,
    level: Level = "events",
) -> Response:
    t = store.timeline(where, period=period, by=by, level=level)
    return json_response({"period": period, "by": by, "level": level, "rows": t.to_pylist()})


@router.get("/breakdown", response_model=RowsOut, summary="Counts by type, quad class, Goldstein bin ...")
def breakdown(
    state: State,
    store: Reader,
    where: Filter,
    by: Annotated[str, Query(description=f"One of: {', '.join(BY)}.", max_length=40)] = "event",
    level: Level = "events",
    limit: Annotated[int | None, Query(description="At most this many keys, most frequent first.")] = None,
) -> Response:
    n = _limit(limit, state, 100, state.settings.max_rows)
    return json_response({"by": by, "rows": store.breakdown(where, by, level=level, limit=n).to_pylist()})


@router.get("/dyads", response_model=RowsOut, summary="Actor pairs with counts and mean Goldstein")
def dyads(
    state: State,
    store: Reader,
    where: Filter,
    level: Level = "events",
    limit: Annotated[int | None, Query(description="At most this many pairs, most frequent first.")] = None,
) -> Response:
    n = _limit(limit, state, 200, state.settings.max_rows)
    return json_response({"rows": store.dyads(where, level=level, limit=n).to_pylist()})


@router.get(
    "/places",
    summary="Where events happened, as GeoJSON points",
    response_description="A GeoJSON FeatureCollection, one Point per place, with counts by quad class.",
)
def places(
    state: State,
    store: Reader,
    where: Filter,
    level: Level = "events",
    limit: Annotated[int | None, Query(description="At most this many places, most events first.")] = None,
) -> Response:
    n = _limit(limit, state, state.settings.max_rows, state.settings.max_rows)
    rows = store.places(where, level=level, limit=n).to_pylist()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")},
        }
        for r in rows
    ]
    return json_response(
        {"type": "FeatureCollection", "features": features, "truncated": len(rows) >= n},
        media_type="application/geo+json",
    )


@router.get(
    "/export",
    summary="Download the selected events in an export format",
    response_description="gdelt, parquet, csv: a zip of the files; plover, jsonl: one JSONL file.",
)
def export_download(
    state: State,
    store: Reader,
    where: Filter,
    format: Annotated[Literal["gdelt", "plover", "parquet", "csv", "jsonl"], Query()] = "plover",
) -> Response:
    from ..export import export

    n = store.count(where)
    cap = state.settings.max_export
    if n > cap:
        raise InputError(
            f"the filter selects {n:,} events and this server exports at most {cap:,}: narrow it "
            "(dates, actors, types) or run `eventwire export` on the database"
        )
    tmp = Path(tempfile.mkdtemp(prefix="eventwire-export-"))
    try:
        store.set_timeout(state.settings.export_timeout)
        if format in ("plover", "jsonl"):
            path = tmp / f"eventwire-events.{format}.jsonl"
            res = export(store, format, path, where)
            media = "application/x-ndjson"
        else:
            folder = tmp / "files"
            res = export(store, format, folder, where)
            path = tmp / f"eventwire-{format}.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for f in res.files:
                    z.write(f, Path(f).name)
            media = "application/zip"
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary = json.dumps(res.to_dict() | {"files": [Path(f).name for f in res.files]}, ensure_ascii=True)
    return FileResponse(
        path,
        media_type=media,
        filename=path.name,
        headers={"X-Eventwire-Export": summary},
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )


_WRAPPABLE = ("SELECT", "WITH", "VALUES", "TABLE", "FROM")


@router.get(
    "/sql",
    summary="One read-only SQL statement (only on a server started with --allow-sql)",
    response_description="`columns`, `rows` (lists, in column order) and `truncated`.",
)
def sql(
    state: State,
    store: Reader,
    sql: Annotated[str, Query(min_length=1, max_length=20_000, description="One SELECT (WITH, SHOW...).")],
) -> Response:
    """Runs one statement in the store's read-only sandbox (:meth:`eventwire.store.Store.sql`): anything
    but one read is refused before it runs, it stops after the server's timeout, and at most the
    server's row cap comes back. Tables: ``merged_events``, ``mentions``, ``actors``, ``articles``."""
    from ..store.backend import first_keyword

    s = state.settings
    if not s.allow_sql:
        raise ApiError(403, "sql_disabled", "this server runs no SQL: start it with --allow-sql")
    query = sql.strip().rstrip(";").strip()
    cap = s.max_rows
    if first_keyword(query) in _WRAPPABLE:  # bound what comes back before it is fetched
        query = f"SELECT * FROM (\n{query}\n) AS ew_sql LIMIT {cap + 1}"
    try:
        table = store.sql(query, timeout=s.timeout)
    except QueryTimeoutError:
        raise
    except StoreError as e:
        raise ApiError(400, "sql_error", str(e).replace("--sql", "/api/sql")) from None
    truncated = table.num_rows > cap
    table = table.slice(0, cap)
    cols = table.column_names
    rows = [list(r.values()) for r in table.to_pylist()]
    return json_response({"columns": cols, "rows": rows, "truncated": truncated})


# --- coding and writing ---------------------------------------------------------------------------------


def _article(doc: CodeIn) -> Article:
    from ..components import doc_id_for

    return Article(
        id=doc.id or doc_id_for(doc.text),
        text=doc.text,
        date=doc.date,
        url=doc.url,
        source=doc.source,
        title=doc.title,
    )


@router.post("/code", response_model=CodeOut, summary="Code posted text into events")
def code(request: Request, state: State, body: CodeIn) -> Response:
    """The events of one text, as ``eventwire code --format json`` prints them. With ``store`` (a server
    started with ``--allow-writes``, and the bearer token) they are also stored and merged."""
    s = state.settings
    _body_limit(request, 4 * s.max_text + 10_000)
    if body.store:
        require_writer(request, state)
    if len(body.text) > s.max_text:
        raise InputError(f"the text has {len(body.text):,} characters; this server codes {s.max_text:,}")
    article = _article(body)
    coder = state.get_coder()
    with state.coder_lock:
        events = coder.code(article)
    stored = None
    if body.store:
        with state.pool.writer() as w:
            res = w.write([(article, events)])
        stored = {
            "articles": res.articles,
            "mentions": res.mentions,
            "merged_new": res.merged_new,
            "merged_touched": res.merged_touched,
            "skipped": [{"where": k.where, "reason": k.reason, "detail": k.detail} for k in res.skipped],
        }
    return json_response({"doc_id": article.id, "events": [e.to_dict() for e in events], "stored": stored})


@router.post("/ingest", summary="Code and store posted documents and fetched URLs (a write)")
def ingest(request: Request, state: State, body: IngestIn) -> Response:
    """Runs ``eventwire run`` over the posted documents and URLs: coded, stored, merged; already
    stored texts are not coded again. Needs ``--allow-writes`` and the bearer token."""
    s = state.settings
    require_writer(request, state)
    _body_limit(request, s.max_documents * s.max_text)
    problems = []
    if len(body.documents) + len(body.urls) > s.max_documents:
        problems.append(f"at most {s.max_documents} documents and URLs per request")
    if not body.documents and not body.urls:
        problems.append("nothing to ingest: give documents or urls")
    problems += [
        f"{u!r} is not an http(s) URL" for u in body.urls if not u.startswith(("http://", "https://"))
    ]
    problems += [
        f"document {i}: {len(d.text):,} characters; at most {s.max_text:,}"
        for i, d in enumerate(body.documents)
        if len(d.text) > s.max_text
    ]
    if problems:
        raise InputError("; ".join(problems))
    from ..ingest import ingest as ingest_sources
    from ..run import run_pipeline

    def items() -> Iterator[Any]:
        yield from (_article(d) for d in body.documents)
        if body.urls:
            yield from ingest_sources(body.urls)  # fetching refuses private addresses (ingest's default)

    coder = state.get_coder()
    with state.coder_lock, state.pool.writer() as w:
        stats = run_pipeline(items(), w, coder, sources=["api"])
    return json_response(stats.to_dict())
