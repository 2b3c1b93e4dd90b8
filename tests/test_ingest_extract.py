"""Extraction: main text without boilerplate, metadata, encodings, plain-text cleaning, dates, URLs."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest

from eventwire.errors import ConfigError
from eventwire.ingest.extract import (
    Boilerplate,
    decode,
    extract_html,
    fragment_text,
    looks_binary,
    parse_date,
    split_title,
)
from eventwire.ingest.language import detect_language
from eventwire.ingest.urls import host_of, normalize_url, same_site, site_of

FIX = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def bp() -> Boilerplate:
    return Boilerplate.load()


def _extract(name: str, bp: Boilerplate, url: str | None = None):  # type: ignore[no-untyped-def]
    ex = extract_html(decode((FIX / name).read_bytes()), url, bp)
    assert ex is not None
    return ex


def test_news_page_keeps_story_and_drops_menus_related_comments(bp: Boilerplate) -> None:
    ex = _extract("ledger_ports.html", bp)
    assert ex.text.startswith("TALLINN — The foreign ministers of Estonia and Finland agreed on Wednesday")
    assert ex.text.endswith("Sweden and Latvia have been invited to join.")
    assert ex.text.count("\n\n") == 6  # seven paragraphs
    for junk in (
        "Subscribe",
        "We use cookies",
        "You might also like",
        "Insurers raise premiums",
        "seawatcher77",
        "First!",
        "Morning Ledger",
        "All rights reserved",
        "Share on Facebook",
        "Photo: Ledger archive",
    ):
        assert junk not in ex.text, junk
    assert ex.title == "Baltic ministers agree joint patrols to guard undersea cables"
    assert ex.author == "Marta Kivisild"
    assert ex.date == dt.date(2024, 3, 13)
    assert ex.url == "https://www.harbourcityledger.example/world/2024/03/13/baltic-cable-patrols"
    assert ex.sitename == "Harbour City Ledger"


def test_wordpress_page_drops_comment_thread_and_widgets(bp: Boilerplate) -> None:
    ex = _extract("river_post_protest.html", bp)
    assert "Police fired tear gas" in ex.text
    assert ex.text.endswith("between the government and the opposition alliance.")
    for junk in (
        "Mutale",
        "Nobody understands",
        "Leave a Reply",
        "Recent Posts",
        "Copper exports",
        "Skip to content",
    ):
        assert junk not in ex.text, junk
    assert (ex.author, ex.date) == ("Chanda Mwale", dt.date(2023, 11, 2))


def test_cross_site_canonical_is_ignored(bp: Boilerplate) -> None:
    """A syndicated copy pointing its canonical link at another outlet keeps its own URL (and id)."""
    ex = _extract("ledger_ports.html", bp, url="https://mirror.example/world/baltic?utm_campaign=x")
    assert ex.url == "https://mirror.example/world/baltic"


def test_declared_windows_1252_page(bp: Boilerplate) -> None:
    ex = _extract("weekly_cp1252.html", bp)
    assert ex.title == "Mayor Peña opens €4m flood barrier"
    assert "“This barrier is a promise kept,” Peña told residents" in ex.text
    assert "café district" in ex.text
    assert ex.date == dt.date(2022, 9, 5)


def test_mixed_utf8_and_cp1252_bytes_decode_both() -> None:
    data = "Reuters: “talks resumed” in Genève".encode() + b" \x93quoted\x94 caf\xe9"
    assert decode(data) == "Reuters: “talks resumed” in Genève “quoted” café"


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = "Министр иностранных дел заявил в понедельник, что переговоры продолжатся на следующей неделе."
    assert decode(text.encode("cp1251")) == text


def test_wrong_declared_charset_loses_to_valid_utf8() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Zürich – Genève</p></body></html>'
    assert "Zürich – Genève" in decode(html.encode("utf-8"), declared="iso-8859-1")


def test_utf16_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + "Kyiv talks resume".encode("utf-16-le")
    assert not looks_binary(data)
    assert decode(data) == "Kyiv talks resume"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"%PDF-1.7\n%\xe2\xe3",
        b"PK\x03\x04" + bytes(50),
        b"abc\x00def" * 20,
        bytes(range(0, 32)) * 20,
    ],
)
def test_binary_is_recognised(data: bytes) -> None:
    assert looks_binary(data)


def test_text_is_not_binary() -> None:
    assert not looks_binary(b"Plain news text.\n\tIndented line.\n" * 50)


def test_tag_soup_does_not_crash(bp: Boilerplate) -> None:
    soup = (
        "<html><body><div><p>The council <b>voted <i>on Tuesday</b> to close</i> the old market hall"
        "<p>Traders said they would appeal <table><tr><td>the decision</div></span></body>" * 5
    )
    ex = extract_html(soup, None, bp)
    assert ex is None or "council" in ex.text


def test_empty_and_nonsense_html(bp: Boilerplate) -> None:
    assert extract_html("", None, bp) is None
    ex = extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", None, bp)
    assert ex is None or len(ex.text) < 25  # below min_chars: the run skips it as empty


def test_plain_text_trailer_and_share_lines(bp: Boilerplate) -> None:
    raw = (FIX / "plain_story.txt").read_text(encoding="utf-8")
    title, body = split_title(bp.clean(raw))
    assert title == "Ministers pledge to reopen border crossing by spring"
    assert body.endswith("they had heard similar promises before.")
    assert "You Might Also Like" not in body and "Facebook" not in body and "Share this" not in body


def test_trailer_marker_in_the_middle_keeps_the_story(bp: Boilerplate) -> None:
    paras = [
        f"Paragraph {i} of the report says the talks in the capital continued late into the night."
        for i in range(6)
    ]
    text = "\n\n".join([*paras[:2], "Related", *paras[2:]])
    assert bp.clean(text) == "\n\n".join(paras)


def test_trailer_with_glued_counter(bp: Boilerplate) -> None:
    story = "The minister met the delegation on Thursday and discussed vaccine deliveries."
    assert bp.clean(story + "\n\n\nYou Might Also Like2") == story


def test_extra_boilerplate_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("kind\tpattern\nline\tthis story was produced by .{1,40}\n", encoding="utf-8")
    bp2 = Boilerplate.load([extra])
    assert (
        bp2.clean("Talks resumed on Monday.\nThis story was produced by the night desk")
        == "Talks resumed on Monday."
    )
    bad = tmp_path / "bad.tsv"
    bad.write_text("drop\t(unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.tsv:1"):
        Boilerplate.load([bad])


def test_split_title_only_for_headline_like_first_lines() -> None:
    assert split_title("A full first sentence ends with a stop.\n\nMore text.") == (
        None,
        "A full first sentence ends with a stop.\n\nMore text.",
    )
    assert split_title("Single paragraph without title") == (None, "Single paragraph without title")


def test_fragment_text_keeps_paragraphs() -> None:
    html = "<p>First paragraph &amp; more.</p><p>Second<br>line</p><script>x()</script>"
    assert fragment_text(html) == "First paragraph & more.\n\nSecond\n\nline"
    assert fragment_text("no markup at all") == "no markup at all"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-13T09:41:00+02:00", dt.date(2024, 3, 13)),
        ("Wed, 13 Mar 2024 09:41:00 GMT", dt.date(2024, 3, 13)),
        ("20240313094100", dt.date(2024, 3, 13)),
        ("13 March 2024", dt.date(2024, 3, 13)),
        ("March 13, 2024", dt.date(2024, 3, 13)),
        (1710315660, dt.date(2024, 3, 13)),
        (1710315660000, dt.date(2024, 3, 13)),
        ("2024-02-30", None),
        ("3024-01-01", None),
        ("yesterday-ish", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_normalize_url() -> None:
    assert (
        normalize_url("HTTPS://WWW.Example.ORG:443/a/b?utm_source=x&z=2&a=1&fbclid=q#top")
        == "https://www.example.org/a/b?a=1&z=2"
    )
    assert normalize_url("http://example.org") == "http://example.org/"
    assert normalize_url("http://example.org:8080/x") == "http://example.org:8080/x"
    assert host_of("https://www.example.org/x") == "example.org"
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert same_site("https://a.example.com/1", "https://www.example.com/2")
    assert not same_site("https://example.com/1", "https://example.net/1")


def test_language_detection() -> None:
    assert (
        detect_language("The foreign ministers met in Tallinn on Wednesday to discuss the cables.")[0] == "en"
    )
    assert detect_language("Les dockers du port de Marseille ont cessé le travail jeudi matin.")[0] == "fr"
    assert detect_language("ok") == (None, 0.0)
