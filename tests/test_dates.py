"""The dates stage: expressions resolved against the publication date, found in parses, tied to triggers.

All sentences are ours. The publication date of most cases is Friday 2021-01-22 (the seed's).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.dates import (
    GRANULARITIES,
    WEEKDAYS,
    DateMention,
    event_date,
    find_dates,
    resolve_expression,
    token_tense,
)

PUB = dt.date(2021, 1, 22)  # a Friday
D = dt.date


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from eventwire.config import Config
    from eventwire.nlp import load_model

    return load_model(Config())


# ------------------------------------------------------------------------------------------------
# resolve_expression
# ------------------------------------------------------------------------------------------------

RESOLVE_CASES = [
    # text, tense, expected date, granularity
    ("on Thursday", "past", D(2021, 1, 21), "day"),
    ("Thursday", None, D(2021, 1, 21), "day"),
    ("on Friday", "past", D(2021, 1, 22), "day"),  # same day as publication
    ("on Friday", "future", D(2021, 1, 22), "day"),
    ("on Thursday", "future", D(2021, 1, 28), "day"),
    ("on Thursday night", "past", D(2021, 1, 21), "day"),
    ("last Thursday", None, D(2021, 1, 21), "day"),
    ("last Friday", None, D(2021, 1, 15), "day"),
    ("next Monday", None, D(2021, 1, 25), "day"),
    ("next Friday", None, D(2021, 1, 29), "day"),
    ("this Friday", None, D(2021, 1, 22), "day"),
    ("today", None, D(2021, 1, 22), "day"),
    ("tonight", None, D(2021, 1, 22), "day"),
    ("yesterday", None, D(2021, 1, 21), "day"),
    ("last night", None, D(2021, 1, 21), "day"),
    ("the day before yesterday", None, D(2021, 1, 20), "day"),
    ("tomorrow", None, D(2021, 1, 23), "day"),
    ("this week", None, D(2021, 1, 18), "week"),
    ("last week", None, D(2021, 1, 11), "week"),
    ("next week", None, D(2021, 1, 25), "week"),
    ("this month", None, D(2021, 1, 1), "month"),
    ("earlier this month", None, D(2021, 1, 1), "month"),
    ("last month", None, D(2020, 12, 1), "month"),
    ("next month", None, D(2021, 2, 1), "month"),
    ("this year", None, D(2021, 1, 1), "year"),
    ("last year", None, D(2020, 1, 1), "year"),
    ("late last year", None, D(2020, 1, 1), "year"),
    ("in March", "past", D(2020, 3, 1), "month"),
    ("in March", "future", D(2021, 3, 1), "month"),
    ("in January", "past", D(2021, 1, 1), "month"),
    ("in late January", "past", D(2021, 1, 1), "month"),
    ("on March 3", "past", D(2020, 3, 3), "day"),
    ("on March 3", "future", D(2021, 3, 3), "day"),
    ("March 3", None, D(2021, 3, 3), "day"),  # nearest: 40 days ahead beats 325 days back
    ("3 March", "past", D(2020, 3, 3), "day"),
    ("Jan. 15", None, D(2021, 1, 15), "day"),
    ("December 20", None, D(2020, 12, 20), "day"),
    ("on the 3rd", "past", D(2021, 1, 3), "day"),
    ("on the 3rd", "future", D(2021, 2, 3), "day"),
    ("March 3, 2021", None, D(2021, 3, 3), "day"),
    ("Wednesday, March 3, 2021", None, D(2021, 3, 3), "day"),
    ("the 3rd of March 2019", None, D(2019, 3, 3), "day"),
    ("2021-03-03", None, D(2021, 3, 3), "day"),
    ("03/13/2021", None, D(2021, 3, 13), "day"),  # only month/day/year is valid
    ("13/03/2021", None, D(2021, 3, 13), "day"),  # only day/month/year is valid
    ("01/12/2021", None, D(2021, 1, 12), "day"),  # ambiguous: the reading not after publication
    ("12/01/2021", None, D(2021, 1, 12), "day"),
    ("in 2020", None, D(2020, 1, 1), "year"),
    ("March 2020", None, D(2020, 3, 1), "month"),
    ("two days ago", None, D(2021, 1, 20), "day"),
    ("three weeks ago", None, D(2020, 12, 28), "week"),
    ("a month ago", None, D(2020, 12, 1), "month"),
    ("two years ago", None, D(2019, 1, 1), "year"),
    ("at the weekend", "past", D(2021, 1, 16), "week"),
    ("over the weekend", "future", D(2021, 1, 23), "week"),
    ("last weekend", None, D(2021, 1, 16), "week"),
    ("on New Year's Eve", "past", D(2020, 12, 31), "day"),
    ("on Christmas Day", "past", D(2020, 12, 25), "day"),
    ("recently", None, None, "unknown"),
    ("hours after", None, None, "unknown"),
    ("in recent days", None, None, "unknown"),
    ("the past two years", None, None, "unknown"),
    ("a few days ago", None, None, "unknown"),
    ("the 1990s", None, None, "unknown"),
]


@pytest.mark.parametrize(("text", "tense", "expected", "granularity"), RESOLVE_CASES)
def test_resolve_expression(text: str, tense: str | None, expected: dt.date | None, granularity: str) -> None:
    got, gran, rule = resolve_expression(text, PUB, tense=tense)
    assert (got, gran) == (expected, granularity), rule
    assert rule


RELATIVE = [
    "on Thursday",
    "last Thursday",
    "today",
    "yesterday",
    "tomorrow",
    "last week",
    "this month",
    "last year",
    "in March",
    "on March 3",
    "March 3",
    "on the 3rd",
    "two days ago",
    "at the weekend",
    "on New Year's Eve",
]


@pytest.mark.parametrize("text", RELATIVE)
def test_relative_expressions_need_a_publication_date(text: str) -> None:
    got, _gran, rule = resolve_expression(text, None, tense="past")
    assert got is None, f"{text!r} invented a date without a publication date ({rule})"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on March 3, 2021", D(2021, 3, 3)),
        ("3 March 2021", D(2021, 3, 3)),
        ("2021-03-03", D(2021, 3, 3)),
        ("03/03/2021", D(2021, 3, 3)),
        ("in 2020", D(2020, 1, 1)),
        ("in March 2020", D(2020, 3, 1)),
        ("the twenty-first of January, 2020", None),  # spelled-out days are not guessed
    ],
)
def test_absolute_expressions_resolve_without_publication_date(text: str, expected: dt.date | None) -> None:
    assert resolve_expression(text, None)[0] == expected


@pytest.mark.parametrize("text", ["45", "two years", "19-year-old", "every Monday", "annual", "decades"])
def test_ages_durations_and_frequencies_are_not_dates(text: str) -> None:
    assert resolve_expression(text, PUB) == (None, "unknown", "not-a-date")


def test_dateparser_fallback_for_absolute_strings_our_rules_miss() -> None:
    got, gran, rule = resolve_expression("Jan 21st 2020 at 10am", None)
    assert (got, gran, rule) == (D(2020, 1, 21), "day", "dateparser")
    # a number that only looks like a date is rejected, not turned into the year 2301
    assert resolve_expression("2301 8th", None)[0] is None


# ------------------------------------------------------------------------------------------------
# find_dates and event_date over parses
# ------------------------------------------------------------------------------------------------

FIND_CASES = [
    ("The ministers met on Thursday night in Baku.", [("Thursday night", D(2021, 1, 21), "day")]),
    ("Rebels attacked the town last week.", [("last week", D(2021, 1, 11), "week")]),
    ("The president will visit Paris next month.", [("next month", D(2021, 2, 1), "month")]),
    (
        "He arrived two days ago and left at the weekend.",
        [("two days ago", D(2021, 1, 20), "day"), ("the weekend", D(2021, 1, 16), "week")],
    ),
    ("The talks held in late January ended without a deal.", [("late January", D(2021, 1, 1), "month")]),
    (
        "The court convicted him on March 3, 2019 and released him on the 5th.",
        [("March 3, 2019", D(2019, 3, 3), "day"), ("the 5th", D(2021, 1, 5), "day")],
    ),
    ("Over the past two years the economy grew.", [("the past two years", None, "unknown")]),
    ("The minister, 45, has served for two years.", []),
    ("Black Friday sales fell, USA Today reported.", []),
    ("Protesters march through the capital. Strikes may spread.", []),
    (
        "The treaty was signed in May and ratified the day before yesterday.",
        [("May", D(2020, 5, 1), "month"), ("the day before yesterday", D(2021, 1, 20), "day")],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), FIND_CASES)
def test_find_dates(nlp, sentence: str, expected: list[tuple[str, dt.date | None, str]]) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(sentence)
    mentions = find_dates(doc, PUB)
    assert [(m.text, m.date, m.granularity) for m in mentions] == expected
    for m in mentions:
        assert doc.text[m.start : m.end] == m.text


def test_find_dates_offsets_are_document_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Talks opened in Geneva. The envoy left on Tuesday, and talks resume next week.")
    second = list(doc.sents)[1]
    mentions = find_dates(second, PUB)
    assert [m.text for m in mentions] == ["Tuesday", "next week"]
    assert all(doc.text[m.start : m.end] == m.text for m in mentions)
    assert mentions[0].start > second.start_char
    assert find_dates(doc, None)[0] == DateMention(
        "Tuesday", mentions[0].start, mentions[0].end, None, "day", "weekday.no-pub-date"
    )


def _trigger(doc, word: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc if t.text == word)


EVENT_CASES = [
    # sentence, trigger, pub date, expected text, date, tense-sensitive rule fragment
    (
        "Azerbaijani Foreign Minister Jeyhun Bayramov on Thursday received the WHO envoy.",
        "received",
        PUB,
        "Thursday",
        D(2021, 1, 21),
    ),
    ("The two ministers met on Thursday.", "met", PUB, "Thursday", D(2021, 1, 21)),
    ("The two ministers met on Friday.", "met", PUB, "Friday", D(2021, 1, 22)),
    ("Thursday's meeting was tense.", "meeting", PUB, "Thursday", D(2021, 1, 21)),
    ("The minister will travel to Moscow on Thursday.", "travel", PUB, "Thursday", D(2021, 1, 28)),
    ("She is expected to visit Iran on Monday.", "visit", PUB, "Monday", D(2021, 1, 25)),
    ("The president will visit Paris next month.", "visit", PUB, "next month", D(2021, 2, 1)),
    ("Rebels attacked the town last week.", "attacked", PUB, "last week", D(2021, 1, 11)),
    ("The talks held in late January ended without a deal.", "talks", PUB, "late January", D(2021, 1, 1)),
    ("They met yesterday and signed a trade deal.", "signed", PUB, "yesterday", D(2021, 1, 21)),
    (
        "Police said on Thursday that rebels attacked the town last week.",
        "said",
        PUB,
        "Thursday",
        D(2021, 1, 21),
    ),
    (
        "Police said on Thursday that rebels attacked the town last week.",
        "attacked",
        PUB,
        "last week",
        D(2021, 1, 11),
    ),
    ("Hours after the blast, police arrested two men.", "arrested", PUB, "Hours after", None),
    ("The two ministers met on Thursday.", "met", None, "Thursday", None),
    ("The suspect was arrested on March 3, 2020 in Paris.", "arrested", None, "March 3, 2020", D(2020, 3, 3)),
]


@pytest.mark.parametrize(("sentence", "word", "pub", "text", "expected"), EVENT_CASES)
def test_event_date(
    nlp, sentence: str, word: str, pub: dt.date | None, text: str, expected: dt.date | None
) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(sentence)
    got = event_date(_trigger(doc, word), pub)
    assert got is not None
    assert (got.text, got.date) == (text, expected), got.rule
    assert doc.text[got.start : got.end] == got.text
    assert ":" in got.rule  # "<how it attaches>:<how it resolved>"


def test_a_date_on_another_verb_does_not_date_the_event(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Police said on Thursday that rebels had attacked the town.")
    assert event_date(_trigger(doc, "attacked"), PUB) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Maria Lopez, 19, of 2011 Elm Street, was arrested on Tuesday.",
        "Deputies were called to the 1900 block of North Main Street on Tuesday.",
        "The man, who lives at 1985 S. Oak Ave., was charged on Tuesday.",
        "Officers stopped Tom Reyes, 2012, of Kent, on Tuesday.",
        "The council voted 1998 to 12 on Tuesday.",
    ],
)
def test_house_numbers_ages_and_counts_are_not_years(nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    """A number is a year where news writes years ("in 2011", "May 2011"); a house number, an age or a count
    the tagger calls a date is none, so the event is not pushed into the past."""
    found = find_dates(nlp(sentence), dt.date(2024, 5, 17))
    assert [m.text for m in found] == ["Tuesday"]


def test_a_year_after_in_is_still_a_year(nlp) -> None:  # type: ignore[no-untyped-def]
    found = find_dates(nlp("The plant opened in 1998 on Elm Street."), dt.date(2024, 5, 17))
    assert [(m.text, m.date) for m in found] == [("1998", dt.date(1998, 1, 1))]


def test_sentence_without_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The sides exchanged views on cooperation.")
    assert find_dates(doc, PUB) == []
    assert event_date(_trigger(doc, "exchanged"), PUB) is None


@pytest.mark.parametrize(
    ("sentence", "word", "tense"),
    [
        ("The minister will visit Baku.", "visit", "future"),
        ("The minister visited Baku.", "visited", "past"),
        ("The minister has visited Baku.", "visited", "past"),
        ("The minister plans to visit Baku.", "visit", "future"),
        ("He went to visit his mother.", "visit", "past"),
        ("The director announced a planned visit to the region.", "visit", "future"),
        ("The talks were held in Baku.", "talks", "past"),
        ("The minister visits Baku.", "visits", None),
    ],
)
def test_token_tense(nlp, sentence: str, word: str, tense: str | None) -> None:  # type: ignore[no-untyped-def]
    assert token_tense(_trigger(nlp(sentence), word)) == tense


@pytest.mark.shared
def test_seed_meeting_is_dated_thursday(nlp, shared) -> None:  # type: ignore[no-untyped-def]
    text = (shared / "seed" / "000_af454e03e7bba8b9.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    got = event_date(_trigger(doc, "received"), PUB)
    assert got is not None and got.date == D(2021, 1, 21)


# ------------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------------

dates_st = st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31))
weekday_names = st.sampled_from(sorted(WEEKDAYS))


@settings(max_examples=300, deadline=None)
@given(pub=dates_st, name=weekday_names, capitalise=st.booleans())
def test_weekday_windows(pub: dt.date, name: str, capitalise: bool) -> None:
    word = name.capitalize() if capitalise else name
    past = resolve_expression(f"on {word}", pub, tense="past")[0]
    future = resolve_expression(f"on {word}", pub, tense="future")[0]
    last = resolve_expression(f"last {word}", pub)[0]
    nxt = resolve_expression(f"next {word}", pub)[0]
    assert past is not None and future is not None and last is not None and nxt is not None
    assert all(d.weekday() == WEEKDAYS[name] for d in (past, future, last, nxt))
    assert 0 <= (pub - past).days <= 6
    assert 0 <= (future - pub).days <= 6
    assert 1 <= (pub - last).days <= 7
    assert 1 <= (nxt - pub).days <= 7


@settings(max_examples=300, deadline=None)
@given(pub=dates_st, day=dates_st)
def test_month_day_follows_tense(pub: dt.date, day: dt.date) -> None:
    text = f"on {day.strftime('%B')} {day.day}"
    past = resolve_expression(text, pub, tense="past")[0]
    future = resolve_expression(text, pub, tense="future")[0]
    if (day.month, day.day) == (2, 29):
        return  # a leap day may have no occurrence within a year either way
    assert past is not None and future is not None
    assert (past.month, past.day) == (future.month, future.day) == (day.month, day.day)
    assert 0 <= (pub - past).days < 366
    assert 0 <= (future - pub).days < 366


@settings(max_examples=300, deadline=None)
@given(
    pub=dates_st,
    n=st.integers(min_value=1, max_value=12),
    unit=st.sampled_from(["day", "week", "month", "year"]),
)
def test_ago_is_never_after_publication(pub: dt.date, n: int, unit: str) -> None:
    got, gran, _rule = resolve_expression(f"{n} {unit}s ago", pub)
    assert got is not None and got <= pub
    assert gran == unit


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=40),
    pub=st.one_of(st.none(), dates_st),
    tense=st.sampled_from([None, "past", "future"]),
)
def test_resolve_never_fails(text: str, pub: dt.date | None, tense: str | None) -> None:
    got, gran, rule = resolve_expression(text, pub, tense=tense)
    assert gran in GRANULARITIES
    assert isinstance(rule, str) and rule
    assert got is None or isinstance(got, dt.date)
