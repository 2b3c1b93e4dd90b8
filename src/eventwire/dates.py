"""The dates stage: find date expressions in parsed text and resolve them against the publication date.

News dates are mostly relative ("on Thursday", "last week", "two days ago"), so an event date is only as
good as the publication date it is read against. The rules, in order of trust:

- absolute expressions ("March 3, 2021", "2021-03-03", "in 2020") resolve with or without a
  publication date;
- relative expressions ("on Thursday", "on March 3", "last week") resolve only against a publication
  date; without one the date stays ``None`` and the text is kept (never a date invented from "now");
- vague expressions ("recently", "hours after", "soon") are kept with granularity ``unknown``.

The common expressions are resolved by our own regex tables (compiled once, lazily, and cached);
``dateparser`` is only a fallback for absolute-looking NER dates the tables miss, with fixed settings and a
cache. See ``docs/dates.md`` for every convention (weeks start on Monday, same-day weekdays, ambiguous
``03/04/2021``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .knowledge import load_auxiliaries, load_words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

GRANULARITIES: tuple[str, ...] = ("day", "week", "month", "year", "unknown")
TENSES: tuple[str, ...] = ("past", "future")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a document and what it resolves to.

    ``start``/``end`` are character offsets into the document text (``doc.text[start:end] == text``).
    ``date`` is the resolved day; for coarser granularities it is the first day of the period named
    (Monday for a week, Saturday for a weekend, the 1st for a month, 1 January for a year), and ``None``
    when the expression cannot be resolved (no publication date, or a vague expression). ``rule`` names
    the rule that resolved it, for the event's ``coder`` explanation.
    """

    text: str
    start: int
    end: int
    date: dt.date | None
    granularity: str
    rule: str


Resolution = tuple[dt.date | None, str, str]

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "a couple of": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

# Fixed-date days that news names instead of the date: (month, day).
HOLIDAYS: dict[str, tuple[int, int]] = {
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
}

# Dependency labels through which a date phrase hangs from the word it modifies.
_PHRASE_DEPS = frozenset({"pobj", "pcomp"})

# --------------------------------------------------------------------------------------------------
# Pattern tables. The resolver fullmatches one expression against the lenient rules (name, pattern),
# each rule with a handler; group names are prefixed by the rule name so that they are unique in the
# alternation. The scanner is a separate, faster regex that finds only the *core* of an expression
# (the weekday, the month, the number, "weekend"...) and never starts at a common word such as "the",
# "in" or "a"; the modifiers before a core ("last", "the", "two", "the day before") are added afterwards
# word by word, keeping the longest text the resolver recognises.
# --------------------------------------------------------------------------------------------------

# Alternations start with a one-character lookahead so that most words are rejected at once.
_WD = r"(?=[mtwfs])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MON_FULL = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_MON_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_ORDINAL = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"
_RANGE = rf"(?:\s*[-–]\s*{_DAYNUM})?"
_YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
_NUMW = (
    r"(?:\d{1,2}|a\s+couple\s+of|a\s+few|several|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)"
)
_PART = r"(?:morning|afternoon|evening|night)"
_UNITS = r"(?:days|weeks|months|years)"
_EDGE = r"(?![\w-])"  # not followed by a word character or hyphen
# "Black Friday", "Bloody Sunday", "Good Friday" name days that are not this week's.
_NAMED_DAY = "".join(
    f"(?<!{w}\\s)" for w in ("black", "good", "cyber", "super", "bloody", "holy", "ash", "palm", "easter")
)
# "Sunday School", "the Sunday Times": a weekday in a name.
_NAMED_AFTER = (
    r"(?!\s+(?-i:School|Times|Telegraph|Mirror|Express|Herald|Post|Tribune|Observer|Night\s+Football))"
)
_PREP_CONTEXT = (
    r"(?:in|since|by|until|till|during|through|throughout|from|before|after|of|last|this|next|"
    r"early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
)
# Words that may come right before a bare month or year for it to be a date ("in March", "late 2007").
_CONTEXT_WORDS = (
    "in", "since", "by", "until", "till", "during", "through", "throughout", "from", "before", "after",
    "of", "last", "this", "next", "early", "late", "mid",
)  # fmt: skip
# Modifiers the scanner adds before a core, longest first.
_MODIFIER = (
    rf"(?:the\s+day\s+(?:before|after)|the\s+(?:end|beginning|start|middle)\s+of|earlier|later|early|late|"
    rf"mid|this|last|next|coming|past|previous|the|{_NUMW})"
)


def _months(strict: bool) -> str:
    """Month-name alternation; in strict (scanning) mode month names must be capitalised ("may", "march"
    are also a modal and a verb)."""
    if not strict:
        return rf"(?:{_MON_FULL}|{_MON_ABBR})"
    full = [m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
    abbr = [m for m in MONTHS if m not in full]

    def caps(names: list[str]) -> str:
        forms = {n.capitalize() for n in names} | {n.upper() for n in names}
        return "|".join(sorted(forms, key=len, reverse=True))

    return rf"(?-i:(?=[JFMASOND])(?:{caps(full)}|(?:{caps(abbr)})\.?))"


def _resolver_patterns() -> list[tuple[str, str]]:
    """The (rule name, regex) list, in priority order, fullmatched against one lower-cased expression."""
    mon = _months(strict=False)
    wd_prefix = rf"(?:{_WD},?\s+)?"
    ctx = rf"(?:{_PREP_CONTEXT}[\s-]+)?(?:(?:early|late|mid)[\s-]+)?"
    return [
        ("iso", r"(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})"),
        ("numeric", r"(?P<num_a>\d{1,2})[/.](?P<num_b>\d{1,2})[/.](?P<num_y>\d{4})"),
        (
            "full_mdy",
            rf"{wd_prefix}(?P<fmdy_m>{mon})\s+(?P<fmdy_d>{_DAYNUM}){_RANGE},?\s+(?P<fmdy_y>{_YEAR})",
        ),
        (
            "full_dmy",
            rf"{wd_prefix}(?:the\s+)?(?P<fdmy_d>{_DAYNUM}){_RANGE}\s+(?:of\s+)?(?P<fdmy_m>{mon}),?\s+"
            rf"(?P<fdmy_y>{_YEAR})",
        ),
        ("month_year", rf"{ctx}(?P<my_m>{mon}),?\s+(?P<my_y>{_YEAR})"),
        ("month_day", rf"{wd_prefix}(?P<md_m>{mon})\s+(?P<md_d>{_DAYNUM}){_RANGE}"),
        ("day_month", rf"{wd_prefix}(?:the\s+)?(?P<dm_d>{_DAYNUM}){_RANGE}\s+(?:of\s+)?(?P<dm_m>{mon})"),
        ("day_of_month", rf"(?:on\s+)?the\s+(?P<dom_d>{_ORDINAL})"),
        ("holiday", r"(?P<hol>new\s+year'?s\s+(?:eve|day)|christmas\s+(?:eve|day))"),
        (
            "relative_day",
            rf"(?:(?:earlier|later|early|late)\s+)?(?P<rd>the\s+day\s+before\s+yesterday|"
            rf"the\s+day\s+after\s+tomorrow|today|tonight|yesterday|tomorrow|last\s+night|this\s+{_PART})"
            rf"(?:\s+{_PART})?",
        ),
        (
            "weekday",
            rf"(?:(?P<wd_mod>last|next|this|coming|past|previous)\s+|(?:early|late)\s+)?(?P<wd_day>{_WD})"
            rf"(?:\s+{_PART})?",
        ),
        ("weekend", r"(?P<we_mod>this\s+past|this|last|next|the\s+past|the\s+coming|the)\s+weekend"),
        (
            "period",
            r"(?:(?:earlier|later|early|late|mid)[\s-]+)?(?P<per_mod>this|last|next)\s+(?P<per_unit>week|month|year)",
        ),
        ("ago", rf"(?:(?P<ago_n>{_NUMW})\s+)?(?P<ago_u>minute|hour|day|week|month|year|decade)s?\s+ago"),
        ("bare_month", rf"{ctx}(?P<bm_m>{mon})"),
        ("year_range", rf"(?:the\s+)?(?:fiscal\s+)?(?P<yrr>{_YEAR}\s*[-–/]\s*(?:\d\d|{_YEAR}))"),
        ("year", rf"{ctx}(?P<yr>{_YEAR})"),
        (
            "vague",
            rf"(?P<vg>recently|lately|soon|shortly|(?:in\s+)?recent\s+{_UNITS}|"
            rf"(?:in\s+)?(?:the\s+)?(?:past|last|previous|coming|next)\s+(?:few\s+|several\s+|{_NUMW}\s+)?{_UNITS}|"
            rf"(?:{_NUMW}\s+)?(?:moments|minutes|hours|{_UNITS})\s+(?:after|before|later|earlier)|"
            rf"the\s+(?:past|last|previous)\s+(?:year|month|week|decade)|"
            rf"the\s+(?:previous|next|following)\s+(?:day|week|month|year)|"
            rf"(?:the|a|one)\s+(?:day|week|month|year)\s+(?:earlier|later|before|after))",
        ),
    ]


def _scanner_pattern() -> str:
    """The scanner: cores of date expressions, most specific first (earlier wins at one position)."""
    mon = _months(strict=True)
    date_tail = (
        rf"(?:{mon}\s+{_DAYNUM}{_RANGE}(?:,?\s+{_YEAR})?|(?:the\s+)?{_DAYNUM}{_RANGE}\s+(?:of\s+)?{mon}"
        rf"(?:,?\s+{_YEAR})?)"
    )
    context = "|".join(rf"(?<={w}[\s-])" if w == "mid" else rf"(?<=\b{w}\s)" for w in _CONTEXT_WORDS)
    alternatives = [
        r"\d{4}-\d{2}-\d{2}(?![\d-])",
        r"(?<![\d/.])\d{1,2}[/.]\d{1,2}[/.]\d{4}(?![\d/])",
        rf"{_NAMED_DAY}{_WD}(?:,?\s+{date_tail}(?![\w:-])|\s+{_PART}{_EDGE}|{_EDGE}){_NAMED_AFTER}",
        rf"{mon}\s+{_DAYNUM}{_RANGE}(?:,?\s+{_YEAR})?(?![\w:-])",
        rf"{mon},?\s+{_YEAR}{_EDGE}",
        rf"(?:{context}){mon}{_EDGE}",
        rf"{_DAYNUM}{_RANGE}\s+(?:of\s+)?{mon}(?:,?\s+{_YEAR})?{_EDGE}",
        rf"(?<=\bon\sthe\s){_ORDINAL}{_EDGE}(?!\s+of\b)",
        rf"(?:{context}){_YEAR}(?![\w/-])",
        r"(?-i:New\s+Year'?s\s+(?:Eve|Day)|Christmas\s+(?:Eve|Day))",
        rf"(?:(?<!russia\s)(?<!usa\s)today|tonight|yesterday|tomorrow|last\s+night|this\s+{_PART})"
        rf"(?:\s+{_PART})?{_EDGE}",
        rf"(?<!the\s)(?:this|last|next)\s+(?:week|month|year){_EDGE}",
        r"(?:(?<=\bthe\s)|(?<=this\s)|(?<=last\s)|(?<=next\s)|(?<=past\s)|(?<=coming\s))weekend" + _EDGE,
        rf"(?:minute|hour|day|week|month|year|decade|moment)s?\s+(?:ago|after|before|later|earlier){_EDGE}"
        r"(?!\s+(?:yesterday|tomorrow))",
        rf"(?:recently|lately|soon|shortly){_EDGE}",
        rf"(?<=\bin\s)recent\s+{_UNITS}{_EDGE}",
        rf"(?:past|last|previous|coming|next)\s+(?:few\s+|several\s+|{_NUMW}\s+)?{_UNITS}{_EDGE}",
        r"(?<=\bthe\s)(?:(?:past|last|previous)\s+(?:year|month|week|decade)|"
        rf"(?:previous|next|following)\s+(?:day|week|month|year)){_EDGE}",
    ]
    # The first letters of every alternative: most words ("the", "said", "was") fail here at once.
    first = (
        r"(?=\d|(?-i:[JFMASOND])|mon|tue|wed|thu|fri|sat|sun|to[dnm]|yes|la[st]|thi|ne[xw]|wee|chr|com|"
        r"rec|soo|sho|pas|pre|fol|min|mom|hou|day|yea|dec)"
    )
    return rf"(?<![\w-]){first}(?:{'|'.join(alternatives)})"


# Expressions NER tags as DATE that name no point in time (ages, durations, frequencies); dropped.
_NOT_A_DATE = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many|some|\d+\s*-?\s*)"
    r"[\s-]*(?:minute|hour|day|week|month|year|decade|century)s?(?:[\s-]+(?:old|long))?"
    r"|(?:for\s+)?(?:the\s+)?(?:first|second|third|last|past)?\s*(?:decades|years|months|weeks|days|centuries)"
    r"|\d{1,3}|(?:the\s+)?age\s+of\s+\d+|aged?\s+\d+|annual|annually|daily|weekly|monthly|yearly|quarterly"
    r"|(?:each|every|per|a)\s+(?:\w+\s+)?(?:day|week|month|year|night|morning|evening)"
    r"|(?:every|each)\s+" + _WD + r"s?|" + _WD + r"s"
)
_DECADE = r"(?:the\s+)?(?:early|late|mid)?[\s-]*(?:1[89]|20)\d0s|(?:the\s+)?(?:eighties|nineties)"


# --------------------------------------------------------------------------------------------------
# Date arithmetic
# --------------------------------------------------------------------------------------------------


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _choose(cands: list[dt.date], pub: dt.date, tense: str | None) -> dt.date | None:
    """Pick among candidate dates: past → latest not after ``pub``; future → earliest not before;
    no tense → the nearest (ties go to the past, as news mostly reports what happened)."""
    if tense == "past":
        before = [c for c in cands if c <= pub]
        return max(before) if before else None
    if tense == "future":
        after = [c for c in cands if c >= pub]
        return min(after) if after else None
    return min(cands, key=lambda c: (abs((c - pub).days), c > pub)) if cands else None


def _weekday_date(wd: int, mod: str | None, pub: dt.date, tense: str | None) -> tuple[dt.date, str]:
    back = (pub.weekday() - wd) % 7  # days back to the most recent such weekday (0 = today)
    fwd = (wd - pub.weekday()) % 7  # days forward to the next (0 = today)
    if mod in ("last", "past", "previous"):
        return pub - dt.timedelta(days=back or 7), "weekday.last"
    if mod in ("next", "coming"):
        return pub + dt.timedelta(days=fwd or 7), "weekday.next"
    if mod == "this" and tense is None:
        return _monday(pub) + dt.timedelta(days=wd), "weekday.this"
    if tense == "future":
        return pub + dt.timedelta(days=fwd), "weekday.future"
    return pub - dt.timedelta(days=back), "weekday.past" if tense == "past" else "weekday.default-past"


def _number(word: str) -> int | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w.isdigit():
        return int(w)
    return NUMBER_WORDS.get(w)


def _tense_tag(tense: str | None) -> str:
    return tense if tense in TENSES else "nearest"


# --------------------------------------------------------------------------------------------------
# Rule handlers: (match, pub_date, tense) -> (date, granularity, rule)
# --------------------------------------------------------------------------------------------------

Handler = Callable[[re.Match[str], dt.date | None, str | None], Resolution]


def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day_of(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _h_iso(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    d = _safe_date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    return (d, "day", "iso") if d else (None, "unknown", "iso.invalid")


def _h_numeric(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    a, b, y = int(m["num_a"]), int(m["num_b"]), int(m["num_y"])
    mdy, dmy = _safe_date(y, a, b), _safe_date(y, b, a)
    if mdy and dmy and mdy != dmy:
        if pub is None:
            return mdy, "day", "numeric.mdy"
        best = _choose([mdy, dmy], pub, "past") or _choose([mdy, dmy], pub, None)
        return best, "day", "numeric.mdy" if best == mdy else "numeric.dmy"
    if mdy:
        return mdy, "day", "numeric.mdy"
    if dmy:
        return dmy, "day", "numeric.dmy"
    return None, "unknown", "numeric.invalid"


def _h_full(prefix: str) -> Handler:
    def handler(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
        d = _safe_date(int(m[f"{prefix}_y"]), _month_of(m[f"{prefix}_m"]), _day_of(m[f"{prefix}_d"]))
        return (d, "day", "full-date") if d else (None, "unknown", "full-date.invalid")

    return handler


def _h_month_year(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    return dt.date(int(m["my_y"]), _month_of(m["my_m"]), 1), "month", "month-year"


def _month_day(month: int, day: int, pub: dt.date | None, tense: str | None, rule: str) -> Resolution:
    if pub is None:
        return None, "day", f"{rule}.no-pub-date"
    cands = [c for y in (pub.year - 1, pub.year, pub.year + 1) if (c := _safe_date(y, month, day))]
    d = _choose(cands, pub, tense)
    return d, "day" if d else "unknown", f"{rule}.{_tense_tag(tense)}"


def _h_month_day(prefix: str) -> Handler:
    def handler(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
        return _month_day(_month_of(m[f"{prefix}_m"]), _day_of(m[f"{prefix}_d"]), pub, tense, "month-day")

    return handler


def _h_holiday(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    key = re.sub(r"\s+", " ", m["hol"].lower()).replace("years", "year's")
    month, day = HOLIDAYS[key]
    return _month_day(month, day, pub, tense, "holiday")


def _h_relative_day(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    w = re.sub(r"\s+", " ", m["rd"].lower())
    offset = {
        "the day before yesterday": -2,
        "yesterday": -1,
        "last night": -1,
        "tomorrow": 1,
        "the day after tomorrow": 2,
    }.get(w, 0)
    rule = "relative-day." + w.replace(" ", "-")
    if pub is None:
        return None, "day", f"{rule}.no-pub-date"
    return pub + dt.timedelta(days=offset), "day", rule


def _h_weekday(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    mod = m["wd_mod"].lower() if m["wd_mod"] else None
    if pub is None:
        return None, "day", "weekday.no-pub-date"
    d, rule = _weekday_date(WEEKDAYS[m["wd_day"].lower()], mod, pub, tense)
    return d, "day", rule


def _h_weekend(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    mod = re.sub(r"\s+", " ", m["we_mod"].lower())
    if pub is None:
        return None, "week", "weekend.no-pub-date"
    if mod in ("next", "the coming"):
        d, rule = _weekday_date(5, "next", pub, None)
    elif mod in ("last", "the past", "this past"):
        d, rule = _weekday_date(5, "last", pub, None)
    else:  # "the weekend" / "this weekend": the current or most recent one for the past, else the next
        if pub.weekday() == 6:
            d = pub - dt.timedelta(days=1)
        else:
            d, _ = _weekday_date(5, None, pub, "future" if tense == "future" else "past")
        rule = "weekday.future" if tense == "future" else "weekday.past"
    return d, "week", rule.replace("weekday", "weekend")


def _h_period(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    mod, unit = m["per_mod"].lower(), m["per_unit"].lower()
    k = {"last": -1, "this": 0, "next": 1}[mod]
    rule = f"period.{mod}-{unit}"
    if pub is None:
        return None, unit, f"{rule}.no-pub-date"
    if unit == "week":
        return _monday(pub) + dt.timedelta(weeks=k), "week", rule
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, k)
        return dt.date(y, mo, 1), "month", rule
    return dt.date(pub.year + k, 1, 1), "year", rule


def _h_ago(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    n = _number(m["ago_n"]) if m["ago_n"] else None  # "days ago" with no number is vague
    unit = m["ago_u"].lower()
    if n is None or unit == "decade":
        return None, "unknown", "ago.vague"
    if pub is None:
        return None, "unknown", "ago.no-pub-date"
    if unit in ("minute", "hour"):
        return pub, "day", f"ago.{unit}"
    if unit == "day":
        return pub - dt.timedelta(days=n), "day", "ago.day"
    if unit == "week":
        return _monday(pub - dt.timedelta(weeks=n)), "week", "ago.week"
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, -n)
        return dt.date(y, mo, 1), "month", "ago.month"
    return dt.date(pub.year - n, 1, 1), "year", "ago.year"


def _h_bare_month(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    month = _month_of(m["bm_m"])
    if pub is None:
        return None, "month", "month.no-pub-date"
    cands = [dt.date(y, month, 1) for y in (pub.year - 1, pub.year, pub.year + 1)]
    first = dt.date(pub.year, pub.month, 1)  # compare by month: "in January" includes all of January
    d = _choose(cands, first, tense)
    return d, "month" if d else "unknown", f"month.{_tense_tag(tense)}"


def _h_year(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    return dt.date(int(m["yr"]), 1, 1), "year", "year"


def _h_year_range(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    return None, "unknown", "year-range"


def _h_vague(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    return None, "unknown", "vague"


def _h_day_of_month(m: re.Match[str], pub: dt.date | None, tense: str | None) -> Resolution:
    """A bare day ("on the 3rd"): that day of the publication month or a neighbouring one, by tense."""
    day = _day_of(m["dom_d"])
    if pub is None:
        return None, "day", "day-of-month.no-pub-date"
    cands = []
    for k in (-1, 0, 1):
        y, mo = _add_months(pub.year, pub.month, k)
        if c := _safe_date(y, mo, day):
            cands.append(c)
    d = _choose(cands, pub, tense)
    return d, "day" if d else "unknown", f"day-of-month.{_tense_tag(tense)}"


_HANDLERS: dict[str, Handler] = {
    "iso": _h_iso,
    "numeric": _h_numeric,
    "full_mdy": _h_full("fmdy"),
    "full_dmy": _h_full("fdmy"),
    "month_year": _h_month_year,
    "month_day": _h_month_day("md"),
    "day_month": _h_month_day("dm"),
    "day_of_month": _h_day_of_month,
    "holiday": _h_holiday,
    "relative_day": _h_relative_day,
    "weekday": _h_weekday,
    "weekend": _h_weekend,
    "period": _h_period,
    "ago": _h_ago,
    "bare_month": _h_bare_month,
    "year": _h_year,
    "year_range": _h_year_range,
    "vague": _h_vague,
}


@lru_cache(maxsize=1)
def _scanner() -> re.Pattern[str]:
    """The one regex that finds the cores of date expressions in a document (case-insensitive except
    month names)."""
    return re.compile(_scanner_pattern(), re.IGNORECASE)


@lru_cache(maxsize=1)
def _resolver() -> re.Pattern[str]:
    """The lenient patterns, fullmatched against one normalised expression."""
    alternation = "|".join(f"(?P<{name}>{pat})" for name, pat in _resolver_patterns())
    return re.compile(alternation, re.IGNORECASE)


@lru_cache(maxsize=1)
def _modifier_before() -> re.Pattern[str]:
    """One modifier word (or fixed phrase) ending where the search window ends."""
    return re.compile(rf"(?<![\w-]){_MODIFIER}[\s-]+\Z", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _recognised(norm: str) -> bool:
    return _resolver().fullmatch(norm) is not None


@lru_cache(maxsize=1)
def _not_a_date() -> re.Pattern[str]:
    return re.compile(_NOT_A_DATE, re.IGNORECASE)


@lru_cache(maxsize=1)
def _decade() -> re.Pattern[str]:
    return re.compile(_DECADE, re.IGNORECASE)


_LEAD_RE = re.compile(
    r"(?:(?:on|in|at|over|during|by|since|until|till|from|through|throughout|as\s+of|of|for|around)\s+)+",
    re.IGNORECASE,
)
# dateparser is only asked about text with both a digit and a month name (it reads "2301 8th" or
# "2010-11" as dates).
_ABSOLUTE_HINT_RE = re.compile(rf"^(?=.*\d).*\b(?:{_MON_FULL}|{_MON_ABBR})", re.IGNORECASE)


def _strip_lead(text: str) -> str:
    """Drop leading prepositions ("on Thursday" → "Thursday")."""
    lead = _LEAD_RE.match(text)
    return text[lead.end() :] if lead else text


def _normalise(text: str) -> str:
    t = text.replace("’", "'").replace("\u2013", "-").strip().strip('.,;:()"')
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"'s$", "", t)
    return t.lower()


# --------------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------------


def resolve_expression(text: str, pub_date: dt.date | None, *, tense: str | None = None) -> Resolution:
    """Resolve one date expression: ``(date, granularity, rule)``.

    ``tense`` is ``"past"``, ``"future"`` or ``None`` (unknown; see docs/dates.md for the defaults).
    Relative expressions need ``pub_date`` and give ``None`` without it; absolute ones never do.
    Unrecognised text gives ``(None, "unknown", "unrecognised")``; ages and durations ("45",
    "two years") give rule ``"not-a-date"``.
    """
    if tense not in TENSES:
        tense = None
    return _resolve_cached(_normalise(text), pub_date, tense)


@lru_cache(maxsize=8192)
def _resolve_cached(norm: str, pub: dt.date | None, tense: str | None) -> Resolution:
    m = _resolver().fullmatch(norm)
    if m is None:
        stripped = _strip_lead(norm)
        if stripped != norm:
            m = _resolver().fullmatch(stripped)
    if m is not None and m.lastgroup is not None:
        return _HANDLERS[m.lastgroup](m, pub, tense)
    bare = _strip_lead(norm)
    if _decade().fullmatch(bare):
        return None, "unknown", "decade"
    if _not_a_date().fullmatch(bare):
        return None, "unknown", "not-a-date"
    if _ABSOLUTE_HINT_RE.search(norm):
        return _dateparser_fallback(norm, pub, tense)
    return None, "unknown", "unrecognised"


@lru_cache(maxsize=8)
def _date_parser(pub: dt.date | None, tense: str | None) -> object:
    from dateparser.date import DateDataParser

    settings: dict[str, object] = {
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "MDY",
        "PREFER_DATES_FROM": {"past": "past", "future": "future"}.get(tense or "", "current_period"),
        # Without a publication date the base is a fixed day, so nothing is read against "now";
        # results are only kept when their year is written in the text (see _dateparser_fallback).
        "RELATIVE_BASE": dt.datetime.combine(pub or dt.date(1900, 1, 1), dt.time()),
    }
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser_fallback(norm: str, pub: dt.date | None, tense: str | None) -> Resolution:
    """The rare absolute-looking expression our tables miss ("the 21st day of January, 2020")."""
    parser = _date_parser(pub, tense)
    data = parser.get_date_data(norm)  # type: ignore[attr-defined]
    got = data.date_obj
    if got is None:
        return None, "unknown", "unrecognised"
    d = got.date()
    year_written = str(d.year) in norm
    near_pub = pub is not None and abs((d - pub).days) <= 400
    if not (year_written or near_pub):
        return None, "unknown", "dateparser.rejected"
    gran = data.period if data.period in GRANULARITIES else "day"
    return d, gran, "dateparser"


# --------------------------------------------------------------------------------------------------
# Finding mentions in a parse
# --------------------------------------------------------------------------------------------------

_DROP_RULES = frozenset({"not-a-date", "unrecognised", "dateparser.rejected"})
_SCANNER_ONLY = ("weekday", "relative-day")


def _candidates(doc: Doc) -> list[tuple[int, int, str]]:
    """The document's date expressions: those the ``eventwire_dates`` component found (``Doc._.ew_dates``),
    else found now and kept there (so ``doc.ents`` must be final by then)."""
    from .components import register_extensions

    register_extensions()
    found: list[tuple[int, int, str]] | None = doc._.ew_dates
    if found is None:
        found = doc._.ew_dates = find_candidates(doc)
    return found


# A number before a street name or "block" is a house number, not a year ("of 1935 Orchard St.", "the 2000
# block of Main Street").
_ADDRESS_AFTER = re.compile(
    r"\s+(?:block\b|(?:(?:[NSEW]\.?|North|South|East|West)\s+)?(?:[A-Z0-9][\w'.-]*\s+){0,3}?"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|Highway|Hwy|"
    r"Circle|Cir|Parkway|Pkwy|Terrace|Trail|Route|Rte|Pike|Square|Alley|Crescent)\b)"
)
_BARE_NUMBER = re.compile(r"\d+")


def _house_number(text: str, start: int, end: int) -> bool:
    """Is the number ending at ``end`` a house number (a street name or "block" follows)?"""
    return _BARE_NUMBER.fullmatch(text[start:end].split()[-1]) is not None and bool(
        _ADDRESS_AFTER.match(text, end, min(len(text), end + 60))
    )


def find_candidates(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, text) of every date expression in ``doc``: our scanner's matches plus the NER DATE
    entities it missed.

    Numbers are years only where news writes years: after the words that make a bare year a date ("in
    2009", "since 1996"; the scanner's), or with a month. A bare number the tagger alone calls a date is an
    age, a count or a house number ("Jane Doe, 19, of Springfield", "of 1935 Orchard St.", "arrested 2015
    people"), and a number before a street name is a house number even after "of".
    """
    text = doc.text
    spans: list[tuple[int, int, str]] = []
    for m in _scanner().finditer(text):
        s, e = m.span()
        s = _extend_left(text, s, e)
        if _house_number(text, s, e):
            continue
        if resolve_expression(text[s:e], None)[2] not in _DROP_RULES:  # the resolver has the last word
            spans.append((s, e, text[s:e]))
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        s, e = ent.start_char, ent.end_char
        if any(s < ce and cs < e for cs, ce, _t in spans):
            continue
        etext = text[s:e]
        if etext.endswith("'s") or etext.endswith("’s"):
            e -= 2
        if _BARE_NUMBER.fullmatch(_strip_lead(text[s:e].strip())) or _house_number(text, s, e):
            continue
        _d, _g, rule = resolve_expression(text[s:e], None)
        # The scanner finds every real weekday and today/yesterday; one it skipped was a name
        # ("Black Friday", "USA Today").
        if rule not in _DROP_RULES and not rule.startswith(_SCANNER_ONLY):
            spans.append((s, e, text[s:e]))
    spans.sort()
    return spans


def _extend_left(text: str, start: int, end: int) -> int:
    """Add the modifiers before a core ("last" Thursday, "the day before" yesterday, "two" days ago),
    keeping the longest extension the resolver recognises."""
    best = cur = start
    for _ in range(3):
        m = _modifier_before().search(text, max(0, cur - 24), cur)
        if m is None:
            break
        cur = m.start()
        if _recognised(_normalise(text[cur:end])):
            best = cur
    return best


def _as_span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _attachment(span: Span) -> Token | None:
    """The word a date phrase modifies: "met on Thursday" → met, "Thursday's meeting" → meeting."""
    root = span.root
    t = root
    if t.dep_ in _PHRASE_DEPS and t.head is not t:
        t = t.head  # the preposition
    if t.head is t:
        return None
    return t.head


def _clause_verb(tok: Token) -> Token | None:
    """The verb whose clause ``tok`` is in (itself for a verb); ``None`` when no verb governs it."""
    t = tok
    for _ in range(64):
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.head is t:
            return None
        t = t.head
    return None


def token_tense(tok: Token, _depth: int = 0) -> str | None:
    """``"past"``, ``"future"`` or ``None`` for an event trigger (verb or event noun), from the parse.

    Future: auxiliary will/shall/would/may/could…, a governing "plan/expect/agree/is due… to", or a
    noun modified by "planned/upcoming/next…". Past: past-tense verb or perfect/passive with a past
    auxiliary. Present tense gives ``None`` (news headlines use it for the past, schedules for the
    future).
    """
    depth = _depth
    words, aux = load_words(), load_auxiliaries()
    if tok.pos_ not in ("VERB", "AUX"):
        if any(c.lower_ in words.future_modifiers for c in tok.children if c.dep_ in ("amod", "compound")):
            return "future"
        verb = _clause_verb(tok)
        if verb is None:
            return None
        tok = verb
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.tag_ != "TO"]
    if any(a.lower_ in aux.future_tense for a in auxes):
        return "future"
    head = tok.head
    governor = head.lemma_.lower()
    if (
        tok.dep_ == "xcomp"
        and governor in words.future_governors
        and (governor != "go" or head.tag_ == "VBG")
    ):
        # "plans to visit", "is going to visit" (but not "went to visit"); a plan stated in the past
        # ("was expected to attend") may have happened since: unknown.
        return None if _is_past(head) else "future"
    infinitive = any(c.tag_ == "TO" for c in tok.children)
    inherits = tok.dep_ in ("xcomp", "conj") or (tok.dep_ == "advcl" and infinitive)
    if not auxes and inherits and head is not tok and depth < 4:
        return token_tense(head, _depth=depth + 1)  # "tried to enter", "went to visit", "met and signed"
    if tok.tag_ == "VBG" and any(a.lower_ in ("is", "are", "am", "'s", "'re") for a in auxes):
        return "future"  # "is meeting on Monday"
    if tok.dep_ in ("acl", "amod") and tok.lower_ in words.future_modifiers:
        return "future"  # "a re-enactment planned for April 4"
    if _is_past(tok):
        return "past"
    if tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod"):
        return "past"  # "talks held on Thursday"
    return None


def _is_past(verb: Token) -> bool:
    """A past-tense verb, or one with a past auxiliary ("has visited", "was arrested")."""
    if verb.tag_ == "VBD":
        return True
    return any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in load_auxiliaries().past_tense for c in verb.children
    )


def _doc_and_range(span: Span | Doc) -> tuple[Doc, int, int]:
    from spacy.tokens import Doc

    if isinstance(span, Doc):
        return span, 0, 1 << 62
    return span.doc, span.start_char, span.end_char


def _mention(text: str, s: int, e: int, pub: dt.date | None, tense: str | None, how: str = "") -> DateMention:
    d, gran, rule = resolve_expression(text, pub, tense=tense)
    return DateMention(text=text, start=s, end=e, date=d, granularity=gran, rule=f"{how}{rule}")


def find_dates(span: Span | Doc, pub_date: dt.date | None) -> list[DateMention]:
    """Every date expression in ``span`` (a sentence or a whole ``Doc``), resolved against ``pub_date``.

    Uses our own patterns plus the NER DATE entities they miss; each mention's tense comes from the verb
    its phrase attaches to. Offsets are into the document text.
    """
    doc, lo, hi = _doc_and_range(span)
    out = []
    for s, e, text in _candidates(doc):
        if s < lo or e > hi:
            continue
        ds = _as_span(doc, s, e)
        att = _attachment(ds) if ds is not None else None
        verb = _clause_verb(att) if att is not None else None
        out.append(_mention(text, s, e, pub_date, token_tense(verb) if verb is not None else None))
    return out


def _rank(trigger: Token, tverb: Token | None, att: Token | None) -> tuple[int, str] | None:
    """How closely a date attached to ``att`` governs ``trigger``: lower is closer, ``None`` is not."""
    if att is None:
        return None
    if att == trigger:
        return 0, "direct"
    averb = _clause_verb(att)
    if averb is not None and averb == tverb:
        return (1, "clause") if att == averb else (2, "clause")
    if averb is not None and averb.dep_ in ("acl", "relcl") and averb.head == trigger:
        return 3, "modifier"
    if (
        averb is not None
        and tverb is not None
        and ((tverb.dep_ == "conj" and tverb.head == averb) or (averb.dep_ == "conj" and averb.head == tverb))
    ):
        return 4, "conj"
    return None


def event_date(trigger: Token, pub_date: dt.date | None, sent: Span | None = None) -> DateMention | None:
    """The date expression that governs an event trigger, resolved with the trigger's tense.

    Preference: a date attached to the trigger itself ("met on Thursday", "Thursday's meeting"), then
    one in the trigger's clause ("held talks on Thursday"), then one on a verb modifying the trigger
    ("talks scheduled for Monday"), then one on a coordinated verb ("met yesterday and signed"), else
    the sentence's only date expression when no verb governs it. A date on another verb ("said on
    Thursday that rebels attacked") is not the event's. ``rule`` is ``"<how>:<resolution rule>"``.
    Pass the trigger's sentence as ``sent`` when you have it (``Token.sent`` walks the document).
    """
    doc = trigger.doc
    if sent is None:
        sent = trigger.sent
    tverb = _clause_verb(trigger)
    tense = token_tense(trigger)
    best: tuple[tuple[int, int], int, int, str, str] | None = None
    in_sent: list[tuple[int, int, str, Token | None]] = []
    for s, e, text in _candidates(doc):
        if s < sent.start_char or e > sent.end_char:
            continue
        ds = _as_span(doc, s, e)
        att = _attachment(ds) if ds is not None else None
        in_sent.append((s, e, text, att))
        r = _rank(trigger, tverb, att)
        if r is None or ds is None:
            continue
        dist = min(abs(ds.start - trigger.i), abs(ds.end - 1 - trigger.i))
        key = (r[0], dist)
        if best is None or key < best[0]:
            best = (key, s, e, text, r[1])
    if best is not None:
        _key, s, e, text, how = best
        return _mention(text, s, e, pub_date, tense, f"{how}:")
    if len(in_sent) == 1:
        s, e, text, att = in_sent[0]
        if att is None or _clause_verb(att) is None:
            return _mention(text, s, e, pub_date, tense, "sentence:")
    return None


__all__ = [
    "GRANULARITIES",
    "DateMention",
    "event_date",
    "find_dates",
    "resolve_expression",
    "token_tense",
]
