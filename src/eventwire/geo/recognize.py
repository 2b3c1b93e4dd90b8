"""Toponym recognition: place mentions in a parsed spaCy Doc.

Three sources, in order of trust (a later one never overrides an earlier one's span):

1. the dateline ("NAIROBI, March 4 (Reuters) -", "BOONE COUNTY, Mo. (KOMU) -");
2. spaCy's GPE, LOC and FAC entities, split at "City, State" commas, without a leading "the";
3. the gazetteer, for capitalised names that NER missed or mislabelled (small models often tag a town as a
   person or an organisation). A gazetteer-only match must look like a name (proper noun, capitalised, not
   at the start of a sentence unless a preposition like "in" precedes it), must not be a common word that
   happens to name a hamlet ("Police", "Mobile": see ``data/geo/not_places.tsv``), must not be part of a
   person's name, and inside an organisation's name is taken only where news puts a place: first ("Boone
   County Fiscal Court") or after "of"/"in" ("University of Cincinnati", "UNHCR office in Chad").

Demonyms ("Azerbaijani", "Russians") are never place mentions; they are kept as references to their
place, which helps resolution and is returned only on request. Organisation names ("Gulf Cooperation
Council", "WHO") yield nothing, as no part of them names a place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, IS_ALPHA, LENGTH, LIKE_NUM, POS, SENT_START
from spacy.parts_of_speech import ADJ, NOUN, PROPN

from ..actors.credits import credit_spans
from .gazetteer import (
    HOW_ABBR,
    HOW_ALIAS,
    HOW_ALT,
    HOW_NAME,
    KIND_ADMIN1,
    KIND_ADMIN2,
    KIND_CITY,
    KIND_COUNTRY,
    KIND_REGION,
    Entry,
    Gazetteer,
    haversine_km,
)
from .names import normalize, word_set
from .resolve import Mention, find_dateline, mention_key, qualifier_after

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NON_PLACE_LABELS = frozenset(
    {"DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL", "ORDINAL", "PERCENT", "LANGUAGE", "LAW", "NORP"}
)
CUES = word_set(
    """
    in at near from outside across into toward towards throughout around through to inside between via
    """
)
ORG_PLACE_PREPS = frozenset({"of", "in", "for"})
CONNECTORS = frozenset({"of", "de", "del", "la", "le", "du", "upon", "on", "the", "al", "el", "and"})
MAX_NGRAM = 5
STRONG_CITY_POP = 100_000
GAZ_CITY_POP = 5_000
DIRECTIONS = word_set(
    """
    north south east west northern southern eastern western northeast northwest southeast southwest
    northeastern northwestern southeastern southwestern central upstate downtown
    """
)
GENERIC_AREAS = word_set(
    """
    city district province region area state oblast governorate prefecture town village municipality
    """
)
# Titles before a name: the name that follows is a person's ("President Tyler", "Sheriff Mason").
PERSON_TITLES = word_set(
    """
    mr mrs ms miss dr president gov governor sen senator rep representative judge justice sheriff mayor
    officer sgt sergeant detective deputy chief king queen prince princess pope rev reverend father
    sister brother lt col gen capt maj adm cmdr minister premier chancellor secretary ambassador
    """
)
# Kinship nouns: a name right after one is a person's ("his wife Florence", "her son Tyler").
KIN_NOUNS = word_set(
    """
    wife husband son daughter mother father brother sister uncle aunt grandson granddaughter grandmother
    grandfather cousin nephew niece girlfriend boyfriend fiance fiancee stepson stepdaughter widow
    """
)
STREET_WORDS = word_set(
    """
    street st road rd avenue ave drive dr boulevard blvd lane ln highway hwy way court ct place pl
    parkway pkwy circle terrace trail pike route bridge square close crescent
    """
)
_ATTRS = [IDX, LENGTH, IS_ALPHA, LIKE_NUM, SENT_START, ENT_IOB, ENT_TYPE, POS]
_IOB = {1: "I", 2: "O", 3: "B"}
NAME_POS = frozenset({PROPN, NOUN, ADJ})
_WORD = re.compile(r"[^\s]+")
ANCHOR_READINGS = 5
ANCHOR_KM = 80.0
_ACRONYM = re.compile(r"^[A-Z.&]{1,5}$")
_Take = Callable[[Mention], bool]


class Recognizer:
    """Finds place mentions in a Doc with a gazetteer and two small tables (demonyms, common words)."""

    def __init__(self, gaz: Gazetteer, demonyms: dict[str, str], not_places: frozenset[str]) -> None:
        self.gaz = gaz
        self.demonyms = demonyms
        self.not_places = not_places
        self._no_abbr: dict[str, tuple[Entry, ...]] = {}

    # -- helpers -------------------------------------------------------------------------------------
    def _entries(self, key: str) -> tuple[Entry, ...]:
        """Entries under a key, without abbreviations (read only where a state is expected)."""
        hit = self._no_abbr.get(key)
        if hit is None:
            hit = tuple(e for e in self.gaz.lookup_key(key) if e.how != HOW_ABBR)
            if len(self._no_abbr) > 100_000:
                self._no_abbr.clear()
            self._no_abbr[key] = hit
        return hit

    @staticmethod
    def _strong(entries: Iterable[Entry], key: str) -> bool:
        """Names that are places in almost any sentence: countries, states, regions, big cities."""
        for e in entries:
            if e.kind in (KIND_COUNTRY, KIND_REGION) and e.how <= HOW_ALIAS:
                return True
            if e.kind == KIND_ADMIN1 and e.how == HOW_NAME and e.population >= 1000:
                return True
            if e.kind == KIND_ADMIN2 and e.how == HOW_NAME and " " in key:
                return True
            if e.kind == KIND_CITY and e.how == HOW_NAME and e.population >= STRONG_CITY_POP:
                return True
        return False

    def demonym_place(self, text: str) -> str | None:
        """The place a demonym refers to ("Azerbaijani" -> "Azerbaijan"), else ``None``."""
        return self.demonyms.get(normalize(text))

    def is_place_name(self, key: str) -> bool:
        """Whether a key is itself the name of a country or region (then it is no demonym)."""
        return any(e.kind in (KIND_COUNTRY, KIND_REGION) and e.how <= HOW_ALIAS for e in self._entries(key))

    # -- the three sources ---------------------------------------------------------------------------
    def mentions(self, doc: Doc, *, demonyms: bool = True, text: str | None = None) -> list[Mention]:
        """Place mentions (and, with ``demonyms``, demonym references) sorted by position.

        ``text`` is ``doc.text`` when the caller has it already (spaCy rebuilds it on every access).
        """
        text = doc.text if text is None else text
        ents = list(doc.ents)
        tk = _Tokens(doc, text)
        found: list[Mention] = []
        covered = bytearray(len(text) + 1)

        def take(m: Mention) -> bool:
            if m.end <= m.start or any(covered[m.start : m.end]):
                return False
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
            found.append(m)
            return True

        for b0, b1 in credit_spans(text):  # "BY JORDAN MILLS", "Photo: AP": no place is named there
            covered[b0:b1] = b"\x01" * (b1 - b0)
        dl = find_dateline(text)
        if dl is not None:
            s, e, _ = dl
            if self.gaz.lookup(text[s:e]):
                take(Mention(s, e, text[s:e], source="dateline", dateline=True))
                self._qualifier(text, e, take)

        surnames = {  # "Colfax" after "Mayor Ann Colfax": the NER may call the surname alone a place
            e[-1].lower_ for e in ents if e.label_ == "PERSON" and len(e) > 1 and e[-1].is_alpha
        }
        for ent in ents:
            label = ent.label_
            if label in PLACE_LABELS and (
                self._surname(doc, ent.start, ent.end) or self._person_again(ent, surnames, text)
            ):
                covered[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
                continue  # nor may the gazetteer scan take it
            if label in PLACE_LABELS or label == "NORP":
                for s, e in _parts(tk, ent.start, ent.end, text):
                    self._entity_part(text, s, e, label, take, demonyms)

        self._scan(tk, text, covered, take)
        found.sort(key=lambda m: m.start)
        return found

    def _entity_part(self, text: str, s: int, e: int, label: str, take: _Take, demonyms: bool) -> None:
        part = text[s:e]
        place = self.demonym_place(part)
        if place is not None and not self.is_place_name(mention_key(part)):
            if demonyms:
                take(Mention(s, e, part, source="demonym", key=mention_key(place), demonym=True, label=label))
            return
        if label == "NORP":
            return
        key = mention_key(part)
        entries = self._entries(key)
        if _ACRONYM.match(part) and not entries:
            return  # "WHO", "UN": organisations tagged as places
        if not entries:
            s, e = self._trim(text, s, e, label)
            part = text[s:e]
        if take(Mention(s, e, part, source=f"ner:{label}", label=label, abbreviation_ok=False)):
            self._qualifier(text, e, take)

    def _trim(self, text: str, s: int, e: int, label: str) -> tuple[int, int]:
        """The place inside an entity span that is not itself in the gazetteer.

        "Northeast Georgia" -> "Georgia"; "Ochamchire district" -> "Ochamchire"; "Cottonport Fire Station"
        -> "Cottonport" (a facility named after its town). Streets keep their name ("Hot Springs Drive").
        """
        words = [(m.start() + s, m.end() + s) for m in _WORD.finditer(text[s:e])]
        if len(words) < 2:
            return s, e
        first = text[words[0][0] : words[0][1]].lower()
        last = text[words[-1][0] : words[-1][1]].lower().rstrip(".")
        if first in DIRECTIONS and self._entries(mention_key(text[words[1][0] : e])):
            return words[1][0], e
        if last in GENERIC_AREAS and self._entries(mention_key(text[s : words[-2][1]])):
            return s, words[-2][1]
        if label == "FAC" and last not in STREET_WORDS:
            for k in range(len(words) - 1, 0, -1):
                prefix = text[s : words[k - 1][1]]
                if any(
                    x.kind in (KIND_CITY, KIND_ADMIN2, KIND_ADMIN1)
                    for x in self._entries(mention_key(prefix))
                ):
                    return s, words[k - 1][1]
        return s, e

    def _person_again(self, ent: Span, surnames: set[str], text: str) -> bool:
        """A small place named like a person of the article, alone, is that person ("Colfax said")."""
        if len(ent) != 1 or ent[0].lower_ not in surnames:
            return False
        key = mention_key(ent.text)
        if self._strong(self._entries(key), key):
            return False  # "Jordan", "Alexandria": names of countries and cities are places first
        return qualifier_after(self.gaz, text, ent.end_char) is None

    def _surname(self, doc: Doc, start: int, end: int) -> bool:
        """A one-word name right after a title or a first name is a person's: "President Tyler", "Aiko
        Toyama", "Sheriff Mason" (the NER took the surname for a place)."""
        if end - start != 1 or start == 0:
            return False
        prev = doc[start - 1]
        if prev.text[:1].isupper() and prev.lower_.rstrip(".") in PERSON_TITLES:
            return True
        if prev.lower_ in KIN_NOUNS:
            return True  # "his wife Florence", "her son Tyler"
        return (
            prev.pos_ == "PROPN"
            and prev.is_alpha
            and prev.text[:1].isupper()
            and not prev.text.isupper()
            and prev.ent_type_ in ("", "PERSON")
            and prev.lower_ not in CONNECTORS
            and normalize(prev.text) not in self.not_places
            and not self._entries(mention_key(prev.text))
        )

    def _qualifier(self, text: str, end: int, take: _Take) -> None:
        """After "City," a state or country name or abbreviation is a mention too ("Alexandria, La.")."""
        q = qualifier_after(self.gaz, text, end)
        if q is not None:
            take(Mention(q[0], q[1], text[q[0] : q[1]], source="qualifier", abbreviation_ok=True))

    def _scan(self, tk: _Tokens, text: str, covered: bytearray, take: _Take) -> None:
        """Gazetteer matches over capitalised token runs that no earlier source covered.

        A single word without a cue ("in", "City, State") is weak evidence: it is taken only when the same
        name is a place elsewhere in the article (found by NER or with a cue: one sense per discourse), or
        when one of its readings lies near a place the article surely names (local news names its towns).
        """
        person_words = {  # words of multi-word person names: "Jordan" after "Michael Jordan"
            w.lower()
            for s, e, lab in tk.entities()
            if lab == "PERSON" and " " in text[s:e]
            for w in text[s:e].split()
        }
        surnames = {  # the last word of a multi-word person name ("Smith" after "Carl Dean Smith")
            text[s:e].split()[-1].lower().removesuffix("'s").removesuffix("’s")
            for s, e, lab in tk.entities()
            if lab == "PERSON" and " " in text[s:e]
        }
        sure_keys = {mention_key(text[s:e]) for s, e, lab in tk.entities() if lab in PLACE_LABELS}
        weak: list[tuple[int, int, str, tuple[Entry, ...]]] = []
        n = len(tk.text)
        i = 0
        while i < n:
            if not tk.cap[i] or covered[tk.idx[i]] or tk.lower(i) in CONNECTORS:
                i += 1
                continue
            run = i + 1  # the run of capitalised words (and connectors between them) from i
            while run < min(n, i + MAX_NGRAM) and (
                tk.cap[run] or tk.lower(run) in CONNECTORS or tk.text[run] == "-"
            ):
                run += 1
            matched = 0
            for j in range(run, i, -1):
                if not tk.cap[j - 1] or any(covered[tk.idx[x]] for x in range(i, j)):
                    continue
                s, e = tk.idx[i], tk.idx[j - 1] + len(tk.text[j - 1])
                key = mention_key(text[s:e])
                entries = self._entries(key) or self._dotted_abbreviation(tk, text[s:e], i, key)
                if not entries:
                    continue
                verdict = self._accept(tk, text, i, j, key, entries, person_words, surnames)
                if verdict is None:
                    continue
                if verdict == "weak":
                    weak.append((s, e, key, entries))
                elif take(Mention(s, e, text[s:e], source="gazetteer", abbreviation_ok=verdict == "abbr")):
                    sure_keys.add(key)
                    self._qualifier(text, e, take)
                matched = j - i
                break
            i += matched or 1
        if weak:
            anchors = self._anchors(sure_keys)
            for s, e, key, entries in weak:
                if key in sure_keys or _near_any(entries, anchors):
                    take(Mention(s, e, text[s:e], source="gazetteer", abbreviation_ok=False))

    def _anchors(self, keys: Iterable[str]) -> list[Entry]:
        """Readings of the names the article surely uses: the places weak matches may be near."""
        out: list[Entry] = []
        for k in keys:
            ents = [e for e in self._entries(k) if e.kind in (KIND_CITY, KIND_ADMIN2) and e.how <= HOW_ALIAS]
            ents.sort(key=lambda e: -e.population)
            out.extend(ents[:ANCHOR_READINGS])
        return out

    def _dotted_abbreviation(self, tk: _Tokens, span_text: str, i: int, key: str) -> tuple[Entry, ...]:
        """ "B.C.", "N.J.", "D.C.": dotted state abbreviations read alone (not after a number: "500 B.C.")."""
        if span_text.count(".") < 2 or (i > 0 and tk.like_num[i - 1]):
            return ()
        return tuple(e for e in self.gaz.lookup_key(key) if e.how == HOW_ABBR and e.kind == KIND_ADMIN1)

    def _accept(
        self,
        tk: _Tokens,
        text: str,
        i: int,
        j: int,
        key: str,
        entries: tuple[Entry, ...],
        person_words: set[str],
        surnames: frozenset[str] | set[str] = frozenset(),
    ) -> str | None:
        """``"sure"``, ``"abbr"`` (dotted abbreviation), ``"weak"`` (needs support elsewhere) or ``None``."""
        words = key.split()
        if key in self.not_places or (len(words) == 1 and words[0] in self.not_places):
            return None
        ent = tk.entity(i)
        if (
            ent is not None
            and ent[2] == "NORP"
            and self.demonym_place(text[tk.idx[i] : tk.idx[j - 1] + len(tk.text[j - 1])]) is None
        ):
            ent = None  # small models tag some towns NORP ("Greer, South Carolina"): judge it as untagged
        if any(e.how == HOW_ABBR for e in entries):
            if ent is None or ent[2] in PLACE_LABELS:
                return "abbr"
            return "abbr" if i == ent[0] + (1 if tk.lower(ent[0]) == "the" else 0) else None
        span_text = text[tk.idx[i] : tk.idx[j - 1] + len(tk.text[j - 1])]
        if len(key) < 3 or (span_text.isupper() and len(span_text) <= 3):
            return None
        if all(e.how == HOW_ALT for e in entries):
            return None  # a foreign spelling alone is weak evidence
        strong = self._strong(entries, key)
        cue = i > 0 and tk.lower(i - 1) in CUES
        qualified = qualifier_after(self.gaz, text, tk.idx[j - 1] + len(tk.text[j - 1])) is not None
        single = j - i == 1 or len(words) == 1
        if single and not (strong or qualified or cue) and tk.lower(i) in surnames:
            return None  # "Smith's" after "Carl Dean Smith", whatever the NER calls it
        if single and not qualified and i > 0:
            before = tk.lower(i - 1)
            if before in KIN_NOUNS or (tk.cap[i - 1] and before.rstrip(".") in PERSON_TITLES):
                return None  # "his wife Florence", "President Tyler", "Sheriff Mason"
        if ent is not None:
            e_start, e_end, label = ent
            if label in NON_PLACE_LABELS:
                return None
            if label == "PERSON":
                if single and tk.lower(i) in person_words and not qualified:
                    return None  # "Obama" after "Barack Obama"
                return "sure" if (e_start == i and e_end == j) and (strong or qualified) else None
            if label in PLACE_LABELS:
                return "sure"
            # ORG, EVENT, WORK_OF_ART, PRODUCT...: a place leads the name, or follows "of"/"in".
            first = e_start + (1 if tk.lower(e_start) == "the" else 0)
            after_prep = i > e_start and tk.lower(i - 1) in ORG_PLACE_PREPS
            district = (
                i >= 2 and tk.text[i - 1] == "-" and tk.text[i - 2] in ("D", "R", "I")
            )  # "D-Charleston"
            if district and self._city(entries):
                return "sure"
            if not (i == first or after_prep):
                return None
            if strong or not single:
                return "sure"
            return "weak" if self._city(entries) else None
        if span_text.isupper() and not strong:
            return None
        if any(tk.pos[x] not in NAME_POS for x in range(i, j) if tk.lower(x) not in CONNECTORS):
            return None
        headline = tk.in_headline(i)
        if not single:
            return "weak" if headline and not strong else "sure"
        if tk.lower(i) in person_words and not qualified:
            return None  # "Obama" after "Barack Obama"; "Clinton" after "Bill Clinton"
        if tk.sent_start[i] and not (cue or qualified or strong):
            return None
        if tk.pos[i] != PROPN and not strong:
            return None
        if qualified or (not headline and (strong or (cue and self._city(entries)))):
            return "sure"
        return "weak" if strong or self._city(entries, GAZ_CITY_POP) else None

    @staticmethod
    def _city(entries: Iterable[Entry], min_pop: int = 0) -> bool:
        return any(
            e.kind in (KIND_CITY, KIND_ADMIN2) and e.how <= HOW_ALIAS and e.population >= min_pop
            for e in entries
        )


class _Tokens:
    """The token attributes the scan needs, read in one ``Doc.to_array`` call (no Token objects)."""

    __slots__ = (
        "cap",
        "etype",
        "headline",
        "idx",
        "iob",
        "length",
        "like_num",
        "pos",
        "sent_id",
        "sent_start",
        "text",
    )

    def __init__(self, doc: Doc, text: str) -> None:
        rows = doc.to_array(_ATTRS).tolist() if len(doc) else []
        strings = doc.vocab.strings
        labels: dict[int, str] = {}
        self.idx = [r[0] for r in rows]
        self.length = [r[1] for r in rows]
        self.like_num = [r[3] == 1 for r in rows]
        self.sent_start = [r[4] == 1 for r in rows]
        self.iob = [_IOB.get(r[5], "") for r in rows]
        self.etype = []
        for r in rows:
            lab = labels.get(r[6])
            if lab is None:
                lab = labels[r[6]] = strings[r[6]] if r[6] else ""
            self.etype.append(lab)
        self.pos = [r[7] for r in rows]
        self.text = [text[r[0] : r[0] + r[1]] for r in rows]
        self.cap = [
            bool(t) and t[0].isupper() and (r[2] == 1 or "." in t or "'" in t or "’" in t)
            for t, r in zip(self.text, rows, strict=True)
        ]
        self.sent_id = []
        sent = -1
        caps: list[int] = []
        alphas: list[int] = []
        for k, r in enumerate(rows):
            if self.sent_start[k] or sent < 0:
                sent += 1
                caps.append(0)
                alphas.append(0)
            self.sent_id.append(sent)
            if r[2] == 1 and r[1] > 3:
                alphas[sent] += 1
                caps[sent] += self.cap[k]
        self.headline = [a >= 3 and c >= 0.7 * a for a, c in zip(alphas, caps, strict=True)]

    def lower(self, i: int) -> str:
        """Token ``i`` in lower case."""
        return self.text[i].lower()

    def entities(self) -> list[tuple[int, int, str]]:
        """``(start_char, end_char, label)`` of every entity."""
        out = []
        for k, iob in enumerate(self.iob):
            if iob == "B":
                end = k + 1
                while end < len(self.iob) and self.iob[end] == "I":
                    end += 1
                out.append((self.idx[k], self.idx[end - 1] + self.length[end - 1], self.etype[k]))
        return out

    def in_headline(self, i: int) -> bool:
        """Whether token ``i`` is in a Title Case Sentence (a headline: every word is capitalised)."""
        return self.headline[self.sent_id[i]]

    def entity(self, i: int) -> tuple[int, int, str] | None:
        """``(start, end, label)`` of the entity token ``i`` is in, if any."""
        if self.iob[i] in ("O", "") or not self.etype[i]:
            return None
        start = i
        while start > 0 and self.iob[start] == "I":
            start -= 1
        end = i + 1
        while end < len(self.iob) and self.iob[end] == "I":
            end += 1
        return start, end, self.etype[i]


def _near_any(entries: Iterable[Entry], anchors: list[Entry], km: float = ANCHOR_KM) -> bool:
    """Whether a reading of the name lies within ``km`` of one of the anchors."""
    for e in entries:
        if e.kind not in (KIND_CITY, KIND_ADMIN2) or e.how > HOW_ALIAS:
            continue
        for a in anchors:
            if a.eid != e.eid and haversine_km(e.lat, e.lon, a.lat, a.lon) <= km:
                return True
    return False


def _parts(tk: _Tokens, start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Character spans of an entity's parts: "Boone County, Missouri" -> two; without "the" or "'s"."""
    out: list[tuple[int, int]] = []
    first: int | None = None
    for k in range(start, end):
        t = tk.text[k]
        if t in (",", ";", "'s", "’s") or (first is None and t.lower() == "the"):
            if first is not None:
                out.append((first, tk.idx[k]))
                first = None
            continue
        if first is None:
            first = tk.idx[k]
    if first is not None:
        out.append((first, tk.idx[end - 1] + tk.length[end - 1]))
    return [(s, _rstrip(text, s, e)) for s, e in out if e > s]


def _rstrip(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in " \n\t":
        e -= 1
    return e
