"""The REST API of ``eventwire serve`` (``eventwire.web``) with FastAPI's test client, on DuckDB and on
PostgreSQL: pages and cursors, the filters of ``eventwire query``, counts, dyads, places, the evidence of
one event, downloads, and the safety rules (422 with the reason, 401/403 for writes, JSON errors without
tracebacks, timeouts, CORS off, read-only by default)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.test_store import db_kind, db_url  # noqa: F401 - fixtures
from tests.test_store_browse import D, fill

from eventwire.errors import ConfigError
from eventwire.store import Store, open_store
from eventwire.types import Article, Event
from eventwire.web import ServeSettings, create_app

TOKEN = "t0ken-for-the-tests-only"


def client(url: str, **settings: Any) -> TestClient:
    app = create_app(ServeSettings(db=url, **settings))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def filled(db_url: str) -> str:  # noqa: F811 - the fixture imported above
    """The database of tests/test_store_browse.py: seven merged events, three places."""
    with open_store(db_url) as s:
        fill(s)
    return db_url


@pytest.fixture
def api(filled: str) -> Iterator[TestClient]:
    with client(filled) as c:
        yield c


def ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


# --- reading ------------------------------------------------------------------------------------------------


def test_pages_follow_cursors_to_the_end(api: TestClient) -> None:
    first = ok(api.get("/api/events", params={"limit": 3, "total": "true"}))
    assert first["total"] == 7 and len(first["rows"]) == 3 and first["limit"] == 3
    dates = [r["event_date"] for r in first["rows"]]
    assert dates == sorted(dates, reverse=True)
    ids = [r["merged_id"] for r in first["rows"]]
    url = first["next_url"]
    while url:
        page = ok(api.get(url))
        ids += [r["merged_id"] for r in page["rows"]]
        url = page["next_url"]
    assert len(ids) == len(set(ids)) == 7
    oldest = ok(api.get("/api/events", params={"order": "asc", "limit": 1}))["rows"][0]
    assert oldest["event_date"] == D.isoformat()
    m = ok(api.get("/api/mentions", params={"type": "ASSAULT", "limit": 5}))
    assert [r["event_id"] for r in m["rows"]] == ["a4#0", "a3#0"] and m["next"] is None
    assert "text" not in m["rows"][0] and m["rows"][0]["url"] == "https://outlet.example/a4"


@pytest.mark.parametrize(
    ("params", "n"),
    [
        ({"country": "UKR"}, 3),
        ({"country": "ukr,FJI"}, 4),
        ({"actor": ["RUS", "FJI"]}, 4),
        ({"type": "ASSAULT"}, 2),
        ({"type": "19"}, 2),
        ({"quad": "1,2"}, 4),
        ({"quad": ["3", "4"]}, 3),
        ({"modality": "asserted"}, 7),
        ({"since": "2024-05-14", "until": "2024-05-15"}, 3),
        ({"place": "703448"}, 2),
        ({"place": "baku"}, 3),
        ({"bbox": "170,-30,-170,0"}, 1),
        ({"text": '"shelled kyiv"'}, 1),
        ({"text": "troops", "type": "ASSAULT", "since": "2024-05-10"}, 1),
    ],
)
def test_the_filters_of_eventwire_query(api: TestClient, params: dict[str, Any], n: int) -> None:
    assert ok(api.get("/api/events", params={**params, "total": "true"}))["total"] == n


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "2024-13-01"}, "since: Input should be a valid date"),
        ({"quad": "7"}, "quad class 7 does not exist"),
        ({"quad": "x"}, "quad 'x' is not a number"),
        ({"modality": "maybe"}, "unknown modality 'maybe'"),
        ({"since": "2024-05-10", "until": "2024-05-01"}, "swap them"),
        ({"bbox": "1,2,3"}, "west,south,east,north"),
        ({"bbox": "0,50,10,40"}, "south <= north"),
        ({"type": "DROP TABLE"}, "not a PLOVER type"),
        ({"text": "x" * 201}, "text: String should have at most 200 characters"),
        ({"limit": 5000}, "ask for 1 to 500 rows"),
        ({"limit": 0}, "ask for 1 to 500 rows"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "start again from the first page"),
        ({"order": "sideways"}, "order: Input should be 'desc' or 'asc'"),
    ],
)
def test_malformed_requests_answer_422_with_the_reason(
    api: TestClient, params: dict[str, Any], words: str
) -> None:
    r = api.get("/api/events", params=params)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == 422 and body["error"] == "invalid_request" and words in body["message"]
    assert "Traceback" not in r.text


def test_every_problem_of_a_filter_is_reported_at_once(api: TestClient) -> None:
    r = api.get("/api/counts", params={"quad": "9", "modality": "maybe", "bbox": "0,50,10,40"})
    assert r.status_code == 422
    assert r.json()["message"].count(";") == 2


def test_counts_breakdowns_dyads_and_places(api: TestClient) -> None:
    weeks = ok(api.get("/api/counts", params={"period": "week", "by": "quad_class"}))
    w2 = (D + dt.timedelta(days=7)).isoformat()
    assert [(r["period"], r["key"], r["n"]) for r in weeks["rows"]] == [
        (D.isoformat(), 1, 2), (D.isoformat(), 4, 1), (w2, 1, 1), (w2, 2, 1), (w2, 3, 1), (w2, 4, 1),
    ]  # fmt: skip
    days = ok(api.get("/api/counts", params={"country": "UKR"}))
    assert sum(r["n"] for r in days["rows"]) == 3 and days["period"] == "day"
    assert api.get("/api/counts", params={"by": "nonsense"}).status_code == 422
    assert api.get("/api/counts", params={"period": "fortnight"}).status_code == 422
    types = ok(api.get("/api/breakdown", params={"by": "event"}))["rows"]
    assert types[0] == {"key": "CONSULT", "n": 3, "goldstein": pytest.approx(2.0)}
    bins = ok(api.get("/api/breakdown", params={"by": "goldstein", "level": "mentions"}))["rows"]
    assert {r["key"]: r["n"] for r in bins}[-10] == 2
    dyads = ok(api.get("/api/dyads", params={"limit": 2}))["rows"]
    assert [(d["actor_code"], d["recipient_code"], d["n"]) for d in dyads] == [
        ("AZEGOV", "ARMGOV", 3), ("RUSMIL", "UKR", 2),
    ]  # fmt: skip
    assert dyads[1]["goldstein"] == pytest.approx(-9.75)
    r = api.get("/api/places", params={"quad": "4"})
    assert r.headers["content-type"].startswith("application/geo+json")
    geo = r.json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    kyiv = geo["features"][0]
    assert kyiv["geometry"]["type"] == "Point"
    assert kyiv["geometry"]["coordinates"] == [pytest.approx(30.5238), pytest.approx(50.45466)]
    props = kyiv["properties"]
    assert props["n"] == 2 and props["q4"] == 2 and props["name"] == "Kyiv"


def test_one_event_with_its_evidence(api: TestClient) -> None:
    row = ok(api.get("/api/events", params={"type": "ASSAULT", "order": "asc", "limit": 1}))["rows"][0]
    ev = ok(api.get(f"/api/events/{row['merged_id']}"))
    assert ev["event"]["merged_id"] == row["merged_id"] and ev["mentions_total"] == 1
    m = ev["mentions"][0]
    assert m["event"]["event_id"] == "a3#0" and m["article"]["url"] == "https://outlet.example/a3"
    spans = {s["kind"]: s for s in m["spans"]}
    sentence = m["event"]["sentence"]
    trigger = spans["trigger"]  # hand-made offsets 3..6 of "Troops shelled Kyiv overnight."
    assert trigger["in_sentence"] and sentence[trigger["sentence_start"] : trigger["sentence_end"]] == "ops"
    assert {"actor", "recipient", "place", "date"} <= set(spans)
    assert m["event"] == {**m["event"], "cameo": "190", "event": "ASSAULT"}
    missing = api.get("/api/events/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert api.get("/api/events/notanumber").status_code == 422


def test_info_lists_the_database_limits_and_vocabularies(api: TestClient) -> None:
    info = ok(api.get("/api/info"))
    assert info["store"]["counts"]["merged_events"] == 7
    assert info["dates"] == {"first": D.isoformat(), "last": (D + dt.timedelta(days=13)).isoformat()}
    assert info["server"]["read_only"] is True and info["server"]["allow_sql"] is False
    assert info["server"]["max_page"] == 500
    assert "CONSULT" in {t["name"] for t in info["vocab"]["plover_types"]}
    assert "asserted" in info["vocab"]["modalities"] and "quad_class" in info["vocab"]["breakdowns"]


def test_downloads_in_every_export_format(api: TestClient) -> None:
    r = api.get("/api/export", params={"format": "plover", "country": "UKR"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    assert "eventwire-events.plover.jsonl" in r.headers["content-disposition"]
    records = [json.loads(line) for line in r.text.splitlines()]
    assert len(records) == 3 and all(x["id"].startswith("eventwire-") for x in records)
    assert json.loads(r.headers["x-eventwire-export"])["events"] == 3
    r = api.get("/api/export", params={"format": "gdelt"})
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert r.headers["content-type"] == "application/zip"
    assert sorted(names) == ["eventwire.export.CSV", "eventwire.mentions.CSV"]
    r = api.get("/api/export", params={"format": "parquet", "type": "AID"})
    names = sorted(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert names == ["actors.parquet", "articles.parquet", "events.parquet", "mentions.parquet"]
    assert len(api.get("/api/export", params={"format": "jsonl"}).text.splitlines()) == 7
    assert api.get("/api/export", params={"format": "xml"}).status_code == 422


def test_downloads_are_bounded(filled: str) -> None:
    with client(filled, max_export=5) as c:
        r = c.get("/api/export", params={"format": "csv"})
        assert r.status_code == 422 and "exports at most 5" in r.json()["message"]
        assert c.get("/api/export", params={"format": "csv", "country": "UKR"}).status_code == 200


def test_openapi_schema_and_the_offline_api_browser(api: TestClient) -> None:
    schema = ok(api.get("/openapi.json"))
    assert {"/api/events", "/api/mentions", "/api/counts", "/api/dyads", "/api/places", "/api/export",
            "/api/code", "/api/ingest", "/api/events/{merged_id}"} <= set(schema["paths"])  # fmt: skip
    params = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"since", "until", "actor", "country", "type", "quad", "modality", "place", "bbox", "text"} <= (
        params
    )
    docs = api.get("/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in docs.text
    assert "http" not in docs.text.replace("http-equiv", "")  # nothing from elsewhere
    assert api.get("/static/vendor/swagger-ui-dist/swagger-ui.css").status_code == 200
    assert api.get("/redoc").status_code == 404


# --- safety -------------------------------------------------------------------------------------------------


def test_errors_are_json_never_tracebacks(filled: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Store, *a: object, **k: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Store, "dyads", broken)
    with client(filled) as c:
        r = c.get("/api/dyads")
        assert r.status_code == 500 and r.headers["content-type"] == "application/json"
        assert r.json() == {
            "status": 500,
            "error": "internal_error",
            "message": "internal error; the server's log has the details",
        }
        r = c.get("/no/such/page")
        assert r.status_code == 404 and r.json()["error"] == "not_found"
        r = c.delete("/api/events")
        assert r.status_code == 405 and r.json()["status"] == 405


def test_a_query_past_the_statement_timeout_answers_503(
    db_kind: str,  # noqa: F811 - the fixture imported above
    filled: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = "SELECT count(*) FROM range(10000000000) a" if db_kind == "duckdb" else "SELECT pg_sleep(5)"

    def timeline(self: Store, *a: object, **k: object) -> None:
        self.backend.fetchall(slow)

    monkeypatch.setattr(Store, "timeline", timeline)
    with client(filled, timeout=0.3) as c:
        r = c.get("/api/counts")
        assert r.status_code == 503 and r.json()["error"] == "timeout"
        assert "longer than 0.3 s" in r.json()["message"] and r.headers["retry-after"] == "5"
        assert ok(c.get("/api/events", params={"limit": 1}))["rows"]  # the connection still serves


def test_read_only_by_default_and_headers(db_kind: str, api: TestClient) -> None:  # noqa: F811
    r = api.get("/api/events", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers  # CORS off
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    pool = api.app.state.ew.pool  # type: ignore[attr-defined]
    assert pool.first.backend.read_only
    for store in (pool.first, *pool._all[1:]):  # DuckDB's read-only file; PostgreSQL's read-only sessions
        with pytest.raises(Exception, match="read-only"):
            store.backend.execute("DELETE FROM articles")
    settings = ServeSettings()
    assert settings.host == "127.0.0.1" and settings.loopback
    assert not ServeSettings(host="0.0.0.0").loopback and ServeSettings(host="::1").loopback


def test_cors_only_for_the_origins_given(filled: str) -> None:
    with client(filled, cors_origins=("http://localhost:3000",)) as c:
        r = c.get("/api/info", headers={"Origin": "http://localhost:3000"})
        assert r.headers["access-control-allow-origin"] == "http://localhost:3000"
        r = c.get("/api/info", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers


class FakeCoder:
    """Codes every text as one hand-made event (the API's wiring is under test, not the coder)."""

    def __init__(self) -> None:
        from tests.test_store import make_event

        self.make_event = make_event

    def code(self, article: Article) -> list[Event]:
        return [self.make_event(article.id, 0, date=article.date or D)]

    def code_articles(self, articles: Any, on_skip: Any = None) -> Iterator[tuple[Article, list[Event]]]:
        for a in articles:
            yield a, self.code(a)


def test_writes_need_the_flag_and_the_token(filled: str) -> None:
    doc = {"documents": [{"id": "new-1", "text": "Azerbaijan met Armenia.", "date": "2024-06-01"}]}
    with client(filled) as c:  # read-only server
        r = c.post("/api/ingest", json=doc)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in r.json()["message"]
        r = c.post("/api/ingest", json=doc, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403 and "--allow-writes" in r.json()["message"]
        r = c.post("/api/code", json={"text": "x", "store": True})
        assert r.status_code == 401
    with client(filled, allow_writes=True, token=TOKEN) as c:
        c.app.state.ew.coder = FakeCoder()  # type: ignore[attr-defined]
        for header in ("Bearer wrong-token-0000000", "Basic dXNlcjpwYXNz", f"bearer{TOKEN}"):
            r = c.post("/api/ingest", json=doc, headers={"Authorization": header})
            assert r.status_code == 401, header
        assert c.post("/api/ingest", json=doc).status_code == 401
        r = c.post("/api/ingest", json=doc, headers={"Authorization": f"Bearer {TOKEN}"})
        stats = ok(r)
        assert stats["coded"] == 1 and stats["events"] == 1
        assert ok(c.get("/api/events", params={"total": "true"}))["total"] == 8
        bad = {"urls": ["file:///etc/passwd", "/etc/passwd"]}
        r = c.post("/api/ingest", json=bad, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 422 and "is not an http(s) URL" in r.json()["message"]
        later = {"text": "Iran met Iraq.", "id": "c-1", "date": "2024-07-01", "store": True}
        r = c.post("/api/code", json=later, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok(r)["stored"]["mentions"] == 1
        assert ok(c.get("/api/events", params={"total": "true"}))["total"] == 9
    with pytest.raises(ConfigError, match="needs a bearer token"):
        create_app(ServeSettings(db=filled, allow_writes=True))


def test_post_code_returns_what_eventwire_code_prints(filled: str, coder: Any) -> None:
    from eventwire.pipeline import code_text

    text = (
        "BAKU, May 6 - Azerbaijani Foreign Minister Jeyhun Bayramov met his Armenian counterpart "
        "Ararat Mirzoyan in Almaty on Friday, the ministry said."
    )
    with client(filled) as c:
        c.app.state.ew.coder = coder  # type: ignore[attr-defined]  (the session's loaded coder)
        out = ok(c.post("/api/code", json={"text": text, "date": "2024-05-11"}))
        expected = [e.to_dict() for e in code_text(text, "2024-05-11", coder=coder)]
        assert out["events"] == expected and expected and out["stored"] is None
        assert ok(c.get("/api/events", params={"total": "true"}))["total"] == 7  # nothing stored
        r = c.post("/api/code", json={"text": ""})
        assert r.status_code == 422 and "text" in r.json()["message"]
    with client(filled, max_text=20) as c:
        r = c.post("/api/code", json={"text": text})
        assert r.status_code == 422 and "codes 20" in r.json()["message"]


def test_serve_command_reports_a_bad_database_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    out = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert out.exit_code == 1 and out.output.startswith("eventwire: error: no event database")
    assert "Traceback" not in out.output
    out = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "x.duckdb"), "--max-page", "0"])
    assert out.exit_code == 1 and "--max-page must be" in out.output


def test_sql_only_when_allowed_read_only_bounded(db_kind: str, filled: str) -> None:  # noqa: F811
    q = "SELECT event, count(*) AS n FROM merged_events GROUP BY 1 ORDER BY 2 DESC, 1"
    with client(filled) as c:
        r = c.get("/api/sql", params={"sql": q})
        assert r.status_code == 403 and "--allow-sql" in r.json()["message"]
    with client(filled, allow_sql=True, max_rows=2, timeout=0.5) as c:
        out = ok(c.get("/api/sql", params={"sql": q + ";"}))
        assert out["columns"] == ["event", "n"] and out["rows"] == [["CONSULT", 3], ["ASSAULT", 2]]
        assert out["truncated"] is True
        assert ok(c.get("/api/sql", params={"sql": "SELECT count(*) AS n FROM mentions"}))["rows"] == [[7]]
        for bad in ("DELETE FROM articles", "SELECT 1; DROP TABLE articles", "DROP TABLE mentions"):
            r = c.get("/api/sql", params={"sql": bad})
            assert r.status_code == 400 and r.json()["error"] == "sql_error", (bad, r.text)
        if db_kind == "duckdb":
            r = c.get("/api/sql", params={"sql": "SELECT * FROM read_csv('/etc/passwd')"})
            assert r.status_code == 400
        slow = "SELECT count(*) FROM range(10000000000) a" if db_kind == "duckdb" else "SELECT pg_sleep(5)"
        r = c.get("/api/sql", params={"sql": slow})
        assert r.status_code == 503 and r.json()["error"] == "timeout"
        assert ok(c.get("/api/sql", params={"sql": "SELECT count(*) AS n FROM articles"}))["rows"] == [[7]]
    if db_kind == "duckdb":
        with pytest.raises(ConfigError, match="needs PostgreSQL"):
            create_app(ServeSettings(db=filled, allow_sql=True, allow_writes=True, token=TOKEN))
