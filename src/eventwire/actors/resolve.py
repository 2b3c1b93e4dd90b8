"""Code noun phrases as actors, and resolve people, pronouns and "the sides" within one document.

:class:`DocumentActors` is built once per parsed document from the dictionary matches. It reads each
person's first full mention ("Chilean Interior Minister Ana Fuentes", "Marc Dubois, head of the UNHCR
office in Chad") and codes every later mention ("Fuentes", "the minister", "she") the same way.
The event coder asks it for the actors a noun phrase denotes (:meth:`DocumentActors.code_np`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..knowledge import load_org_name_sectors, load_words
from ..types import Actor, Place
from .credits import credit_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..geo.home import Home
    from .dictionary import DictMatch
    from .people import PeopleIndex

# Dependency labels that belong to a noun phrase's own modifiers (left side).
NP_LEFT = frozenset({"compound", "amod", "poss", "nmod", "det", "nummod", "quantmod", "case", "predet"})
ORG_KINDS = frozenset({"igo", "ngo", "mnc", "org", "group"})
ACTOR_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class Identity:
    """What a mention refers to, before it becomes an :class:`Actor` with a span."""

    name: str | None = None
    country: str | None = None
    sector: str | None = None
    org: str | None = None
    role: str | None = None
    kind: str | None = None
    coder: str | None = None

    def merged(self, other: Identity) -> Identity:
        """Fill my empty fields from ``other``."""
        return Identity(
            name=self.name or other.name,
            country=self.country or other.country,
            sector=self.sector or other.sector,
            org=self.org or other.org,
            role=self.role or other.role,
            kind=self.kind or other.kind,
            coder=self.coder or other.coder,
        )

    @property
    def codable(self) -> bool:
        return bool(self.country or self.org or self.sector)

    def actor(self, text: str, start: int, end: int, resolved: str | None = None) -> Actor:
        """This identity as the actor of the mention at ``text[start:end]``."""
        return Actor(
            text=text,
            start=start,
            end=end,
            name=self.name,
            country=self.country,
            sector=self.sector,
            org=self.org,
            role=self.role,
            kind=self.kind,
            code=actor_code(self.country, self.org, self.sector),
            resolved_from=resolved,
            coder=self.coder,
        )


def actor_code(country: str | None, org: str | None, sector: str | None) -> str | None:
    """The CAMEO-style code: country, then organisation or sector (``AZEGOV``, ``IGOWHO``, ``---REB``)."""
    if not (country or org or sector):
        return None
    code = country or "---"
    if org and org != country:
        return code + org
    if sector and not code.endswith(sector):
        code += sector
    return code


def _looks_like_name(name: str | None) -> bool:
    """Whether a PERSON entity reads as a person's name ("Dana Ortiz", "O'Neil"), not "COVID-19"."""
    if not name:
        return False
    words = name.replace("’", "'").split()
    return all(
        w[0].isupper() and all(ch.isalpha() or ch in ".'-" for ch in w) and not (len(w) > 3 and w.isupper())
        for w in words
    )


def _norm_name(text: str) -> str:
    t = text.strip().lower()
    for suffix in ("'s", "’s", "'"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    return " ".join(t.split())


class DocumentActors:
    """Actor coding for one parsed document (dictionary matches + in-document memory)."""

    def __init__(
        self,
        doc: Doc,
        matches: list[DictMatch],
        people: PeopleIndex | None = None,
        pub_date: dt.date | None = None,
        places: Sequence[Place] = (),
        url: str | None = None,
    ) -> None:
        self.doc = doc
        self.url = url
        self.text = doc.text  # Doc.text joins every token: compute it once
        self.pub_date = pub_date
        self.people = people
        self.words = load_words()
        # Resolved place mentions (geo stage) by start offset: where an event happened names a country.
        self._all_places = tuple(places)
        self._places = sorted((p for p in places if p.country), key=lambda p: p.start)
        self._place_starts = [p.start for p in self._places]
        self._places_home: str | None = None
        self.match_at: dict[int, DictMatch] = {}
        credits = credit_spans(self.text)
        for m in matches:
            if any(c0 <= m.start_char < c1 for c0, c1 in credits):
                continue  # "Photo: AP Hughes", "BY JORDAN MILLS": a credit names no actor
            m = self._placed_match(m)
            for i in range(m.start, m.end):
                self.match_at[i] = m
        self._home: Home | None = None
        # Police, sheriffs or troopers act in this document (decides "deputies", "officers").
        self.police_context = any(m.entry.sector == "COP" for m in matches)
        self.persons: dict[str, Identity] = {}
        self.parties: list[Actor] = []
        # (char offset, identity, is_person, is_plural) of every mention, in text order, for pronouns.
        self._timeline: list[tuple[int, Identity, str]] = []
        self._person_ents: dict[int, Span] = {}
        self._learn_people()
        self._index_mentions()

    # -- building the document memory ---------------------------------------------------------------

    def _placed_match(self, m: DictMatch) -> DictMatch:
        """A country's capital or name that the geo stage read as a town or state elsewhere, in context.

        The dictionary knows one Athens and one Georgia; the geo stage weighs every place of the name
        against the article's other places. Its reading replaces the dictionary's when the article is
        from the country of that reading (the home country its places give) and, for a country's name
        ("Georgia"), when it is a state or province the article names other places of ("Atlanta",
        "Savannah"): a country's name is the country unless the story is local to a state of that name.
        The place then codes as its country, as a country's name does. Entries of a user's own files are
        taken as written.
        """
        e = m.entry
        if (
            e.kind != "country"
            or e.via in ("adjective", "demonym")
            or not self._places
            or not e.source.startswith("countries.tsv:")
        ):
            return m
        i = bisect_right(self._place_starts, m.start_char) - 1
        if i < 0:
            return m
        p = self._places[i]
        if not (p.start <= m.start_char < p.end) or p.precision not in ("city", "admin1", "admin2"):
            return m
        if not p.country or p.country == e.country or p.country != self._place_home():
            return m
        if e.via != "capital":
            same_area = any(
                q.admin1 == p.admin1 and q.country == p.country and (q.name or q.text) != (p.name or p.text)
                for q in self._places
            )
            if p.precision != "admin1" or not same_area:
                return m
        entry = replace(
            e,
            name=p.name or e.name,
            country=p.country,
            sector=None,
            org=None,
            code=None,
            via="place",
            source=f"geo:{p.geonameid}" if p.geonameid else "geo",
        )
        return replace(m, entry=entry)

    def _place_home(self) -> str | None:
        """The home country the article's places alone give (before any actor is coded)."""
        if self._places_home is None:
            from ..geo.home import document_home

            self._places_home = document_home(self.text, self._all_places).country or ""
        return self._places_home or None

    def _learn_people(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ != "PERSON":
                continue
            if all(t.i in self.match_at and self.match_at[t.i].entry.kind != "sector" for t in ent):
                continue  # NER calls "Chad" or "Bosnian Serbs" a person; the dictionary knows better
            place = self.place_at(ent[0])
            if place is not None and place.geonameid is not None and place.end >= ent.end_char:
                continue  # "the Tamworth district": the geo stage read the name as a place
            for t in ent:
                self._person_ents[t.i] = ent
            ident = self._describe_person(ent)
            key = _norm_name(ent.text)
            known = self.persons.get(key)
            if known is not None and known.codable and not ident.codable:
                ident = known
            elif known is not None:
                ident = ident.merged(known)
            self.persons[key] = ident
            parts = key.split()
            if len(parts) > 1:
                last = parts[-1]
                prior = self.persons.get(last)
                if prior is None or not prior.codable or ident.codable:
                    self.persons[last] = ident

    def _describe_person(self, ent: Span) -> Identity:
        """Code a person from the words around the name: titles, apposition, "X's foreign minister Y"."""
        root = ent.root
        name = ent.text
        key = _norm_name(name)
        known = self.persons.get(key) or (self.persons.get(key.split()[-1]) if key else None)
        desc_tokens: list[Token] = []
        # Titles the NER took into the name: "Officer Ron Black", "Detective Sgt. Ann Lee".
        desc_tokens.extend(
            t for t in ent if t.i in self.match_at and self.match_at[t.i].entry.kind == "sector"
        )
        # Left modifiers of the name: "Chilean Interior Minister Ana Fuentes".
        for child in root.lefts:
            if child.i < ent.start and child.dep_ in NP_LEFT:
                desc_tokens.extend(child.subtree)
        # Apposition either way: "Dubois, head of the UNHCR office" / "the agency's head, Dubois".
        for child in root.rights:
            if child.dep_ == "appos":
                # "Dubois, head of the UNHCR office in Chad"; not the relative clauses inside it
                skip = {
                    t.i
                    for c in child.subtree
                    if c.dep_ in ("relcl", "acl", "appos") and c is not child
                    for t in c.subtree
                }
                desc_tokens.extend(
                    t for t in child.subtree if t.i not in self._person_ents and t.i not in skip
                )
            elif child.dep_ == "prep" and child.lower_ == "of" and desc_tokens:
                desc_tokens.extend(child.subtree)  # "Queen Margrethe of Denmark"
        if (
            root.dep_ == "appos"
            and root.head.pos_ in ("NOUN", "PROPN")
            and root.head.i not in self._person_ents
        ):
            head = root.head
            desc_tokens.extend(t for t in head.subtree if t.i < ent.start or t.i >= ent.end)
        # "X's foreign minister, Y" is covered by apposition; "Y, the X minister," too.
        ident = self._code_tokens(desc_tokens, head_word=None) if desc_tokens else Identity()
        if ident.codable:
            ident = replace(ident, name=name, kind="person", coder=ident.coder or "actor:title")
        elif known is not None and known.codable:
            return replace(known, name=known.name or name)
        else:
            ident = replace(ident, name=name, kind="person")
        if self.people is not None and not ident.country:
            entry = self.people.lookup(name, on_date=self.pub_date)
            if entry is not None:
                ident = ident.merged(
                    Identity(
                        name=entry.name,
                        country=entry.country,
                        sector=entry.sector,
                        org=entry.org,
                        role=entry.role,
                        kind="person",
                        coder=f"people:{entry.source}",
                    )
                )
        return ident

    def _index_mentions(self) -> None:
        seen: set[int] = set()
        for ent_start, ent in sorted({e.start: e for e in self._person_ents.values()}.items()):
            ident = self.persons.get(_norm_name(ent.text)) or Identity(name=ent.text, kind="person")
            self._timeline.append((ent.start_char, ident, "person"))
            seen.add(ent_start)
        done: set[int] = set()
        for i, m in sorted(self.match_at.items()):
            if m.start in done or m.start in seen or i in self._person_ents:
                continue
            done.add(m.start)
            e = m.entry
            if e.kind == "sector":
                continue
            ident = Identity(name=e.name, country=e.country, sector=e.sector, org=e.org, kind=e.kind)
            plural = self.doc[m.end - 1].tag_ in ("NNS", "NNPS")
            self._timeline.append((m.start_char, ident, "plural" if plural else "thing"))
        self._timeline.sort(key=lambda x: x[0])
        self._offsets = [t[0] for t in self._timeline]

    # -- coding noun phrases ----------------------------------------------------------------------

    def code_np(self, head: Token, *, expand_conj: bool = True) -> list[Actor]:
        """The actors a noun phrase headed by ``head`` denotes (several for "X and Y"); [] for non-actors."""
        heads = [head]
        if expand_conj:
            heads.extend(c for c in head.conjuncts if c.i > head.i)
            # "Ghana and the neighbouring Togo": a coordinated name hung on the head as a modifier
            listed = [
                c
                for c in head.lefts
                if c.dep_ in ("nmod", "compound", "appos", "npadvmod")
                and (any(x.dep_ == "cc" for x in c.children) or self.doc[c.i + 1].text in (",", "and"))
                and (m := self.match_at.get(c.i)) is not None
                and m.entry.kind != "sector"
            ]
            heads[:0] = [x for c in listed for x in (c, *c.conjuncts) if x.i != head.i]
        out: list[Actor] = []
        for h in heads:
            for actor in self._code_one(h):
                if not any(a.code == actor.code and a.name == actor.name for a in out):
                    out.append(actor)
        return self._distribute(out) if len(out) > 1 else out

    @staticmethod
    def _distribute(actors: list[Actor]) -> list[Actor]:
        """ "Lawmakers and officials in X and Y": every role of the list in every country of it.

        Applies when a coordinated list mixes roles without a country and countries without a role; an
        actor that already has both keeps them.
        """
        roles = [a for a in actors if a.sector and not a.country and not a.org]
        lands = [a for a in actors if a.country and a.kind == "country" and not a.sector]
        if not roles or not lands:
            return actors
        placed = [
            a for a in actors if a.country and a.sector and not a.org and a.kind in ("sector", "country")
        ]
        countries = list(dict.fromkeys([a.country for a in (*lands, *placed) if a.country]))
        sectors = list(dict.fromkeys([a.sector for a in (*roles, *placed) if a.sector]))
        out = [a for a in actors if a not in roles and a not in lands and a not in placed]
        template = roles[0]
        for country in countries:
            for sector in sectors:
                out.append(
                    replace(
                        template,
                        country=country,
                        sector=sector,
                        code=actor_code(country, None, sector),
                        resolved_from="distributed",
                    )
                )
        return out

    def _code_one(self, head: Token) -> list[Actor]:
        if self._is_party_reference(head):
            tokens = self._np_tokens(head)
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            return [
                replace(p, text=self.text[start:end], start=start, end=end, resolved_from="parties")
                for p in self._parties_before(head)
            ]
        joint = self._joint_countries(head)
        if joint:
            return joint
        actor = self._code_single(head)
        return [actor] if actor is not None else []

    def _joint_countries(self, head: Token) -> list[Actor]:
        """ "Dutch and Belgian officials", "the defence ministers of Chile and Peru": one
        actor per country."""
        groups = [
            [c, *c.conjuncts] for c in head.lefts if c.dep_ in ("amod", "compound", "nmod") and c.conjuncts
        ]
        if head.lemma_.lower() not in self.words.quantity_nouns:
            groups += [
                [p, *p.conjuncts]
                for prep in head.rights
                if prep.dep_ == "prep" and prep.lower_ == "of"
                for p in prep.children
                if p.dep_ == "pobj" and p.conjuncts
            ]
        for group in groups:
            matches = [self.match_at.get(t.i) for t in group]
            if len(group) < 2 or not all(m is not None and m.entry.kind == "country" for m in matches):
                continue
            sector = self.match_at.get(head.i)
            se = sector.entry if sector is not None and sector.entry.kind == "sector" else None
            out = []
            for tok, m in zip(group, matches, strict=True):
                assert m is not None
                ce = m.entry
                start = min(tok.idx, head.idx)
                end = max(head.idx + len(head.text), tok.idx + len(tok.text))
                out.append(
                    Actor(
                        text=self.text[start:end],
                        start=start,
                        end=end,
                        name=ce.name,
                        country=ce.country,
                        sector=se.sector if se else ce.sector,
                        role=(se.role or se.name) if se else None,
                        kind="sector" if se else "country",
                        code=actor_code(ce.country, None, se.sector if se else ce.sector),
                        coder=f"actor:{ce.source}" + (f"+{se.source}" if se else ""),
                    )
                )
            return out
        return []

    def _code_single(self, head: Token) -> Actor | None:
        lower = head.lower_
        if (
            head.pos_ == "PRON"
            or lower in self.words.person_pronouns | self.words.thing_pronouns | self.words.plural_pronouns
        ):
            return self._pronoun(head)
        if lower == "old" and any(c.lemma_.lower() in self.words.age_units for c in head.children):
            # "police arrested a 19-year-old": a person named by age is a private person
            tokens = list(self.doc[head.left_edge.i : head.i + 1])
            return self._actor(
                tokens, Identity(sector="CVL", role="person", kind="sector", coder="actor:age")
            )
        span_tokens = self._np_tokens(head)
        listed = self.match_at.get(head.i)
        if head.i in self._person_ents and (listed is None or listed.entry.kind == "sector"):
            ent = self._person_ents[head.i]
            ident = self.persons.get(_norm_name(ent.text)) or Identity(name=ent.text, kind="person")
            extra = [t for t in span_tokens if t.i < ent.start or t.i >= ent.end]
            if extra:
                local = self._code_tokens(extra, head_word=None)
                if local.codable:
                    # "Officer Ron Black": the words around the name describe the person it names
                    ident = replace(local.merged(ident), name=ident.name or ent.text, kind="person")
            ident = replace(ident, name=ident.name or ent.text)
            resolved = None if ident.coder in (None, "actor:title") else ident.coder
            ident, home = self._at_home(ident)
            return self._actor(span_tokens, ident, resolved=resolved or home)
        if head.pos_ == "PROPN" and head.i not in self._person_ents:
            # A surname the NER missed this time ("Recean later said"): the document's memory knows it.
            name = " ".join(t.text for t in span_tokens if t.pos_ == "PROPN" and t.i <= head.i)
            known = self.persons.get(_norm_name(name)) or self.persons.get(head.lower_)
            if known is not None and head.i not in self.match_at:
                known, home = self._at_home(known)
                if known.codable:
                    return self._actor(span_tokens, known, resolved=f"name:{known.name}")
        if not self._actor_head(head):
            return None
        ident = self._code_tokens(span_tokens, head_word=head)
        if not ident.org and head.ent_type_ == "ORG" and head.i not in self.match_at:
            guess = self._unlisted_org(head)
            if guess is not None:
                ident = guess.merged(ident) if not ident.country else replace(guess, country=ident.country)
        if not ident.country and not ident.org:
            owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
            if owner is not None:
                # "its ships", "their troops": the owner is whoever the pronoun refers to.
                ref = self._pronoun(owner)
                if ref is not None and (ref.country or ref.org):
                    ident = replace(
                        ident,
                        country=ref.country,
                        org=ident.org or ref.org,
                        name=ident.name or ref.name,
                        kind=ident.kind or "sector",
                    )
        if not ident.codable:
            return None
        resolved = None
        if (
            ident.kind == "sector"
            and not ident.country
            and not ident.org
            and head.lower_ not in self.words.quantity_nouns
        ):
            ident, resolved = self._resolve_definite(head, ident)
        return self._actor(span_tokens, ident, resolved=resolved)

    def _unlisted_org(self, head: Token) -> Identity | None:
        """An organisation missing from the dictionaries, typed by its name ("Violations Committee")."""
        start, end = head.i, head.i + 1
        while (start > 0 and self.doc[start - 1].ent_iob_ == "I") or (
            start > 0 and head.ent_iob_ == "I" and self.doc[start].ent_iob_ == "I"
        ):
            start -= 1
        while end < len(self.doc) and self.doc[end].ent_iob_ == "I":
            end += 1
        name = self.doc[start:end].text
        words = name.lower().replace("'s", "").split()
        for word, sector in load_org_name_sectors():
            if word in words:
                return Identity(name=name, sector=sector, kind="org", coder=f"actor:org-name:{word}")
        return None

    def _actor_head(self, head: Token) -> bool:
        """Can this noun denote an actor? ("Israel's actions" cannot; "Israel", "police", "UN bodies" can.)"""
        if head.i in self.match_at or head.ent_type_ in ACTOR_ENTS:
            return True
        lemma = head.lemma_.lower()
        if lemma in self.words.institution_nouns or lemma in self.words.quantity_nouns or head.pos_ == "NUM":
            return True
        for c in head.lefts:
            # "United Nations inspectors", "Hamas fighters": a named body as compound makes its members
            m = self.match_at.get(c.i)
            if c.dep_ == "compound" and c.pos_ == "PROPN" and m is not None and m.entry.kind in ORG_KINDS:
                return True
        return head.pos_ == "PROPN"

    def _np_tokens(self, head: Token) -> list[Token]:
        """The noun phrase's tokens: left modifiers, plus "of"/"in" phrases of role and quantity nouns."""
        toks = [head]
        for child in head.lefts:
            if child.dep_ in NP_LEFT or (child.dep_ == "punct" and child.text in ("-", "–")):
                toks.extend(child.subtree)
        for child in head.rights:
            if (
                child.dep_ in ("compound", "appos")
                or (child.dep_ == "punct" and child.text == "-")
                or (
                    child.dep_ == "prep"
                    and child.lower_ in ("of", "in", "from", "at", "throughout", "across", "to")
                )
            ):
                toks.extend(child.subtree)
            elif child.dep_ in ("nummod", "amod") and child.i == head.i + 1:
                toks.append(child)
        toks.sort(key=lambda t: t.i)
        return toks

    def _code_tokens(self, tokens: list[Token], head_word: Token | None) -> Identity:
        """Combine the dictionary matches inside a phrase into one identity.

        Precedence: a country premodifying the head ("Iraqi police", "Iraq's army") > an organisation
        ("the UNHCR office in Chad" is UNHCR) > a country in an "of" phrase ("the president of Iran") >
        a country in a location phrase ("opposition parties in Togo"). The sector comes from the
        role word nearest the head ("foreign minister" > "minister").
        """
        near_country: tuple[int, DictMatch] | None = None
        nears: list[tuple[int, DictMatch]] = []
        far_country: tuple[int, DictMatch] | None = None
        loc_country: tuple[int, DictMatch] | None = None
        to_org: DictMatch | None = None
        org: DictMatch | None = None
        sector: DictMatch | None = None
        with_sector: DictMatch | None = None
        person_ident: Identity | None = None
        seen: set[int] = set()
        head_i = head_word.i if head_word is not None else (tokens[-1].i if tokens else -1)
        for t in tokens:
            if t.i in self._person_ents and head_word is not None and t.i != head_word.i:
                ent = self._person_ents[t.i]
                person_ident = person_ident or self.persons.get(_norm_name(ent.text))
            m = self.match_at.get(t.i)
            if m is None or m.start in seen:
                continue
            seen.add(m.start)
            e = m.entry
            prep = self._governing_prep(t, head_word)
            if e.kind == "sector":
                if sector is None or abs(m.end - 1 - head_i) < abs(sector.end - 1 - head_i):
                    sector = m
                if e.sector and (
                    with_sector is None or abs(m.end - 1 - head_i) < abs(with_sector.end - 1 - head_i)
                ):
                    with_sector = m
                continue
            if e.kind == "country":
                dist = abs(m.end - 1 - head_i)
                if prep in ("in", "at", "throughout", "across", "from"):
                    if loc_country is None:
                        loc_country = (dist, m)
                elif prep in ("of", "to"):
                    if far_country is None:
                        far_country = (dist, m)
                else:
                    nears.append((dist, m))
                    if near_country is None or dist < near_country[0]:
                        near_country = (dist, m)
                continue
            if prep == "to":
                to_org = to_org or m
            elif org is None or (e.kind in ("igo", "ngo") and org.entry.kind not in ("igo", "ngo")):
                org = m
        country_match = near_country[1] if near_country else None
        ident = Identity()
        coder_bits = []
        if country_match is not None:
            ce = country_match.entry
            people = ce.via == "demonym" and head_word is not None and country_match.end - 1 == head_word.i
            if people and head_word is not None:
                # An ethnic group is coded by where it lives: "Kenyan Somalis", "Kurds of northern Syria";
                # "ethnic Kurds" with no country given takes the event's place later.
                home = [m for _, m in sorted(nears, key=lambda x: x[0]) if m is not country_match]
                home += [x[1] for x in (far_country, loc_country) if x is not None]
                if home:
                    ce = home[0].entry
                elif any(c.lower_ == "ethnic" for c in head_word.lefts):
                    ce = replace(ce, country=None)
            ident = Identity(
                name=ce.name, country=ce.country, sector=ce.sector, kind="people" if people else "country"
            )
            coder_bits.append(ce.source)
        if org is not None:
            oe = org.entry
            if country_match is None or (oe.kind in ("org", "group") and not oe.country):
                ident = Identity(
                    name=oe.name,
                    country=oe.country or ident.country,
                    sector=oe.sector or ident.sector,
                    org=oe.org,
                    kind=oe.kind,
                )
            else:
                ident = replace(ident, org=ident.org or (oe.org if oe.country == ident.country else None))
            coder_bits.append(oe.source)
        if not ident.country and not ident.org:
            fallback = far_country[1] if far_country else (loc_country[1] if loc_country else None)
            if fallback is None and to_org is not None:
                ident = Identity(
                    name=to_org.entry.name,
                    country=to_org.entry.country,
                    org=to_org.entry.org,
                    kind=to_org.entry.kind,
                )
                coder_bits.append(to_org.entry.source)
            elif fallback is not None:
                fe = fallback.entry
                ident = Identity(name=fe.name, country=fe.country, sector=fe.sector, kind="country")
                coder_bits.append(fe.source)
        if person_ident is not None and not ident.country and not ident.org:
            ident = ident.merged(person_ident)
        if not ident.country and not ident.org and self._places:
            # "the Ontario government", "Hunan police": a place the gazetteer resolved names the country
            for t in tokens:
                place = self.place_at(t)
                if (
                    place is not None
                    and place.country
                    and t.i != (head_word.i if head_word is not None else -1)
                ):
                    ident = replace(ident, country=place.country)
                    coder_bits.append(f"geo:{place.name}")
                    break
        if sector is not None:
            se = sector.entry
            role = se.role or se.name
            sec = se.sector
            if sec is None and with_sector is not None:
                sec = with_sector.entry.sector  # "members of the security forces", "head of the police"
            if role in self.words.police_roles and not ident.org and self.police_context:
                sec = "COP"  # "deputies", "officers", "investigators" in a story about police
            ident = replace(ident, sector=sec or ident.sector, role=role, kind=ident.kind or "sector")
            coder_bits.append(se.source)
            if ident.name is None:
                ident = replace(ident, name=se.name)
        if coder_bits:
            ident = replace(ident, coder="actor:" + "+".join(coder_bits))
        return ident

    @staticmethod
    def _governing_prep(t: Token, head: Token | None) -> str | None:
        """The preposition between ``t`` and the phrase head, if ``t`` sits inside a PP of it."""
        cur = t
        for _ in range(8):
            if head is not None and cur.i == head.i:
                return None
            if cur.dep_ == "pobj" and cur.head.dep_ == "prep":
                return cur.head.lower_
            if cur.head.i == cur.i:
                return None
            cur = cur.head
        return None

    def _actor(self, tokens: list[Token], ident: Identity, *, resolved: str | None = None) -> Actor | None:
        if not ident.codable and not (ident.kind == "person" and ident.name):
            return None
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1].text)
        return ident.actor(self.text[start:end], start, end, resolved=resolved)

    # -- resolution of references -----------------------------------------------------------------

    def _at_home(self, ident: Identity) -> tuple[Identity, str | None]:
        """A person the text gives no country: one of the story's home country (:meth:`home_country`).

        People named in the news without a country are, as a reader takes them, people of the place the
        story is from: "Dana Ortiz, 24, of Millbrook", "Mayor Ellen Ruiz". Their sector is what
        the words around the name say (a mayor GOV, a suspect CRM, a pastor REL), else a private person
        (CVL). Returns the identity and how its country was found (``home:<evidence>``), or the identity
        unchanged when it has a country or an organisation already, or the document no home.
        """
        if ident.kind != "person" or ident.country or ident.org or not _looks_like_name(ident.name):
            return ident, None
        home = self.home()
        if home.country is None:
            return ident, None
        filled = replace(ident, country=home.country, sector=ident.sector or "CVL")
        return filled, f"home:{home.reason.split(';')[0]}"

    def _pronoun(self, tok: Token) -> Actor | None:
        """The actor a pronoun refers to.

        "he"/"she": the nearest person. "it"/"they": the nearest organisation, country or group named in
        this sentence or the one before (a country named paragraphs earlier is not what "it" means);
        an expletive "it" ("it was clear that") refers to nothing. A relative pronoun ("the council,
        which voted") is its antecedent; demonstratives and indefinites ("this", "those", "anyone")
        refer to no actor.
        """
        lower = tok.lower_
        if lower in self.words.first_person:
            return None
        if lower in self.words.relative_pronouns:
            return self._antecedent(tok)
        if lower not in self.words.person_pronouns | self.words.thing_pronouns | self.words.plural_pronouns:
            return None
        if lower == "it" and self._expletive(tok):
            return None
        want = (
            "person"
            if lower in self.words.person_pronouns
            else "plural"
            if lower in self.words.plural_pronouns
            else "thing"
        )
        horizon = 0
        if want != "person":
            # this sentence and the one before it
            first = tok.sent.start
            horizon = self.doc[first - 1].sent.start_char if first > 0 else 0
        if want == "plural":
            subject = self._recent_subject(tok)
            if subject is not None:
                return replace(
                    subject,
                    text=tok.text,
                    start=tok.idx,
                    end=tok.idx + len(tok.text),
                    resolved_from=f"pronoun:{subject.name}",
                )
        pos = bisect_left(self._offsets, tok.idx)
        for j in range(pos - 1, max(-1, pos - 40), -1):
            off, ident, kind = self._timeline[j]
            if off >= tok.idx:
                continue
            if off < horizon:
                break
            if want == "person" and kind != "person":
                continue
            if want == "thing" and kind == "person":
                continue
            if want == "plural" and kind == "person":
                continue
            if want == "person":
                # "he", "she": the nearest person, whether or not the text gave them a country or a role
                ident, _home = self._at_home(ident)
            if not ident.codable:
                continue
            return ident.actor(tok.text, tok.idx, tok.idx + len(tok.text), resolved=f"pronoun:{ident.name}")
        return None

    def _antecedent(self, tok: Token) -> Actor | None:
        """ "the council, which voted", "officers who arrived": the noun the relative clause modifies."""
        clause = tok.head
        for _ in range(3):
            if clause.dep_ == "relcl":
                noun = clause.head
                if noun.i == tok.i or noun.pos_ == "PRON":
                    return None
                coded = self.code_np(noun, expand_conj=False)
                if not coded:
                    return None
                a = coded[0]
                return replace(
                    a,
                    text=tok.text,
                    start=tok.idx,
                    end=tok.idx + len(tok.text),
                    resolved_from=f"antecedent:{a.name or a.text}",
                )
            if clause.head.i == clause.i:
                break
            clause = clause.head
        return None

    def _expletive(self, tok: Token) -> bool:
        """ "It was then that ...", "it is clear that ...", "it emerged": "it" stands for no one."""
        if tok.dep_ == "expl":
            return True
        head = tok.head
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return False
        that_clause = any(c.dep_ in ("ccomp", "csubj") for c in head.children)
        if head.lemma_ in ("seem", "appear", "emerge", "happen", "transpire"):
            return that_clause or any(c.dep_ == "xcomp" for c in head.children)  # "it seems (that)"
        if head.lemma_ in ("be", "remain", "become"):
            if that_clause:
                return True
            for c in head.children:
                if c.dep_ == "attr" and any(g.dep_ in ("relcl", "ccomp") for g in c.children):
                    return True  # "it was then that", "it is a shame that"
                if c.dep_ == "acomp" and any(g.dep_ == "ccomp" for g in c.children):
                    return True  # "it is clear that"
                if (
                    c.dep_ == "acomp"
                    and c.lemma_.lower() in self.words.impersonal_adjectives
                    and any(g.dep_ == "xcomp" for g in c.children)
                ):
                    return True  # "it is important to", not "it is willing to"
            return False
        return tok.dep_ == "nsubjpass" and that_clause  # "it was reported that"

    def _recent_subject(self, tok: Token) -> Actor | None:
        """ "they"/"their": the nearest earlier subject that is a group (rebels, the two countries)."""
        sent_start = tok.sent.start if tok.i - 60 < 0 else max(0, tok.i - 60)
        for i in range(tok.i - 1, sent_start - 1, -1):
            cand = self.doc[i]
            if cand.dep_ not in ("nsubj", "nsubjpass") or cand.pos_ == "PRON":
                continue
            plural = cand.tag_ in ("NNS", "NNPS") or bool(cand.conjuncts)
            if not plural:
                continue
            coded = self.code_np(cand, expand_conj=False)
            if coded and (coded[0].country or coded[0].org):
                return coded[0]
        return None

    def _is_party_reference(self, head: Token) -> bool:
        if (
            head.lemma_.lower() not in self.words.party_nouns or head.tag_ not in ("NNS", "NNPS", "CD")
        ) and not (head.lower_ in ("two", "both") and head.dep_ in ("nsubj", "nsubjpass")):
            return False
        dets = {c.lower_ for c in head.lefts}
        return bool(dets & {"the", "both", "two", "all"}) and not any(
            self.match_at.get(c.i) is not None and self.match_at[c.i].entry.kind != "sector"
            for c in head.subtree
            if c.i != head.i
        )

    def note_parties(self, actors: list[Actor]) -> None:
        """Remember the parties of the last interaction with two or more sides (for "the sides")."""
        distinct: list[Actor] = []
        for a in actors:
            if a.code and not any(d.code == a.code and d.name == a.name for d in distinct):
                distinct.append(a)
        if len(distinct) >= 2:
            self.parties = distinct

    def _parties_before(self, head: Token) -> list[Actor]:
        if self.parties:
            return self.parties
        # No interaction seen yet: the last two distinct coded mentions before this one.
        pos = bisect_left(self._offsets, head.idx)
        found: list[Identity] = []
        for j in range(pos - 1, max(-1, pos - 20), -1):
            ident = self._timeline[j][1]
            if ident.codable and all(f.name != ident.name for f in found):
                found.append(ident)
            if len(found) == 2:
                break
        return (
            [
                f.actor(head.text, head.idx, head.idx + len(head.text), resolved="parties")
                for f in reversed(found)
            ]
            if len(found) == 2
            else []
        )

    def _resolve_definite(self, head: Token, ident: Identity) -> tuple[Identity, str | None]:
        """ "the minister" -> the last person with that role; "the government" -> the document's country."""
        role = (ident.role or "").lower()
        pos = bisect_left(self._offsets, head.idx)
        is_definite = any(c.lower_ in ("the", "this", "that") for c in head.lefts)
        for j in range(pos - 1, -1, -1):
            _, cand, kind = self._timeline[j]
            if (
                kind == "person"
                and role
                and cand.role
                and role in cand.role.lower()
                and is_definite
                and head.tag_ in ("NN", "NNP")
            ):
                return cand, f"role:{cand.name}"
        if is_definite and head.lemma_.lower() in self.words.state_sector_nouns:
            for j in range(pos - 1, -1, -1):
                cand = self._timeline[j][1]
                if (
                    cand.country
                    and len(cand.country) == 3
                    and cand.country.isalpha()
                    and cand.kind == "country"
                ):
                    return replace(ident, country=cand.country), f"context:{cand.name}"
        return ident, None

    def place_at(self, tok: Token) -> Place | None:
        """The resolved place whose mention covers this token, if the geo stage found one."""
        i = bisect_right(self._place_starts, tok.idx) - 1
        if i >= 0 and self._places[i].start <= tok.idx < self._places[i].end:
            return self._places[i]
        return None

    def home(self) -> Home:
        """Where the story is from: the home country, how it was decided, and the story's own place.

        Decided once per document (:func:`eventwire.geo.home.document_home`) from the dateline, the outlet's
        address (``Doc._.ew_url``), the places the geo stage resolved (towns, counties and states weigh more
        than countries) and the peoples named ("French", "Iraqis"). Without a geo stage, every country the
        dictionary finds counts as a mention.
        """
        if self._home is None:
            from ..geo.home import document_home

            peoples: dict[str, int] = {}
            bodies: dict[str, int] = {}
            done: set[int] = set()
            for m in self.match_at.values():
                e = m.entry
                if m.start in done or e.kind == "sector" or not e.country:
                    continue
                done.add(m.start)
                if e.kind == "country" and e.via in ("adjective", "demonym"):
                    peoples[e.country] = peoples.get(e.country, 0) + 1
                elif e.kind != "country" or not self._all_places or self.place_at(self.doc[m.start]) is None:
                    # a national body or group ("Hamas", "the Knesset"), or a country the geo stage missed
                    bodies[e.country] = bodies.get(e.country, 0) + 1
            self._home = document_home(self.text, self._all_places, peoples, self.url, bodies=bodies)
        return self._home

    def home_country(self) -> str | None:
        """The document's home country (ISO alpha-3), for actors whose country the text does not state.

        Local news names no country: "deputies", "the county commission", "a 40-year-old driver" and people
        named without a role are actors of the country the story is from. ``None`` when the document holds
        no evidence at all; :meth:`home` says how it was decided (``Home.reason``, ``Home.share``) and
        gives the story's own place (``Home.place``: the dateline, else its most-named local place).
        """
        return self.home().country

    def dominant_country(self) -> str | None:
        """The country the document is about, for actors the text gives no country: its home country.

        Kept for callers that ask for the dominant country; the home country (:meth:`home_country`)
        weighs the dateline, the outlet and the story's local places, where a count of country mentions
        read local news (which names no country) as news of any country it mentions.
        """
        return self.home_country()

    def country_of(self, head: Token) -> str | None:
        """The country a location phrase names ("in Azerbaijan" -> AZE), from the dictionary."""
        m = self.match_at.get(head.i)
        if m is not None and m.entry.kind == "country":
            return m.entry.country
        for child in head.children:
            if child.dep_ in ("compound", "amod", "poss"):
                m = self.match_at.get(child.i)
                if m is not None and m.entry.kind == "country":
                    return m.entry.country
        return None
