"""The real-news annotation workflow: sample, views for annotators, checking, building the gold, agreement.

Run from the repository root with the project's Python (``.venv/bin/python annotation/tool.py --help``).
The article texts are read from ``../shared/gold/geoparsing`` at run time and never written into the
repository: the committed gold holds document ids, character offsets and labels only. How to annotate is in
``docs/annotation.md``; the files this writes are described in ``annotation/README.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from eventwire.evaluate import realnews  # noqa: E402

SAMPLE = REPO / "annotation" / "realnews" / "sample.tsv"
GOLD_DIR = REPO / "annotation" / "realnews"


def cmd_sample(args: argparse.Namespace) -> None:
    """Draw the sample, split it into dev and test, pick the doubly annotated articles and the batches."""
    if SAMPLE.exists() and not args.force:
        sys.exit(f"{SAMPLE} exists: the sample is frozen (use --force only before any annotation)")
    arts = realnews.read_articles(realnews.default_corpora())
    rng = random.Random(args.seed)
    rows: list[dict[str, str]] = []
    for corpus, n in (("lgl", args.lgl), ("trn", args.trn)):
        pool = sorted(a.doc for a in arts.values() if a.corpus == corpus and len(a.text.strip()) >= 200)
        chosen = rng.sample(pool, n)
        for i, doc in enumerate(chosen):
            rows.append({"doc": doc, "corpus": corpus, "split": "test" if i % 2 == 0 else "dev"})
    for split in ("dev", "test"):
        docs = [r for r in rows if r["split"] == split]
        for r in rng.sample(docs, args.double // 2):
            r["double"] = "yes"
    rng.shuffle(rows)
    for i, r in enumerate(rows):
        r["batch"] = f"P{i // args.batch + 1}"
    doubles = [r for r in rows if r.get("double") == "yes"]
    for i, r in enumerate(doubles):
        r["batch2"] = f"S{i // args.batch + 1}"
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    with SAMPLE.open("w", encoding="utf-8") as f:
        f.write(
            "# The real-news gold sample: document, corpus, split (frozen), doubly annotated, batches.\n"
            f"# Drawn by `annotation/tool.py sample --seed {args.seed}` from LGL and TR-News articles of at\n"
            "# least 200 characters. The test split is frozen: never tune on it.\n"
        )
        f.write("doc\tcorpus\tsplit\tdouble\tbatch\tbatch2\n")
        for r in sorted(rows, key=lambda r: (r["batch"], r["doc"])):
            f.write(
                f"{r['doc']}\t{r['corpus']}\t{r['split']}\t{r.get('double', 'no')}\t{r['batch']}"
                f"\t{r.get('batch2', '')}\n"
            )
    print(f"wrote {SAMPLE}: {len(rows)} articles, {len(doubles)} doubly annotated")


def cmd_extend(args: argparse.Namespace) -> None:
    """Add more development articles (never test ones) drawn from the articles not yet in the sample."""
    rows = read_sample()
    taken = {r["doc"] for r in rows}
    arts = realnews.read_articles(realnews.default_corpora())
    rng = random.Random(args.seed)
    added = []
    for corpus, n in (("lgl", args.lgl), ("trn", args.trn)):
        pool = sorted(
            a.doc
            for a in arts.values()
            if a.corpus == corpus and a.doc not in taken and len(a.text.strip()) >= 200
        )
        added += [{"doc": d, "corpus": corpus} for d in rng.sample(pool, min(n, len(pool)))]
    rng.shuffle(added)
    with SAMPLE.open("a", encoding="utf-8") as f:
        for i, r in enumerate(added):
            f.write(f"{r['doc']}\t{r['corpus']}\tdev\tno\t{args.prefix}{i // args.batch + 1}\t\n")
    print(f"added {len(added)} development articles to {SAMPLE} (batches {args.prefix}1..)")


def read_sample() -> list[dict[str, str]]:
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"), strict=False)) for ln in lines[1:]]


def cmd_views(args: argparse.Namespace) -> None:
    """Write one text view per sampled article (sentences numbered, places listed) for annotators."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    arts = realnews.read_articles(realnews.default_corpora())
    sample = read_sample()
    docs = [arts[r["doc"]] for r in sample if not (out / f"{r['doc'].replace(':', '_')}.sents.json").exists()]
    sents = realnews.segment([a.text for a in docs])
    for a, spans in zip(docs, sents, strict=True):
        (out / f"{a.doc.replace(':', '_')}.txt").write_text(render_view(a, spans), encoding="utf-8")
        (out / f"{a.doc.replace(':', '_')}.sents.json").write_text(json.dumps(spans), encoding="utf-8")
    for batch in sorted({r["batch"] for r in sample} | {r["batch2"] for r in sample if r["batch2"]}):
        ids = [r["doc"] for r in sample if batch in (r["batch"], r["batch2"])]
        (out / f"batch_{batch}.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    print(f"wrote {len(docs)} new views to {out} (existing views are kept: the gold's sentences are theirs)")


def render_view(a: realnews.Article, spans: list[list[int]]) -> str:
    lines = [
        f"doc: {a.doc}",
        f"publication date: {a.date or 'unknown'} (raw: {a.raw_date!r})",
        f"source: {a.domain}  {a.url}",
        f"title: {a.title}",
        "",
        "== sentences ==",
    ]
    for i, (s, e) in enumerate(spans):
        lines.append(f"[{i}] {' '.join(a.text[s:e].split())}")
    lines += ["", "== places mentioned (use as location 't<k>') =="]
    for k, t in enumerate(realnews.place_list(a)):
        where = (
            f"{t['name']}, {t['country']} ({t['lat']:.2f}, {t['lon']:.2f})" if t["lat"] is not None else "?"
        )
        lines.append(f"t{k} {t['phrase']!r} -> {where}")
    return "\n".join(lines) + "\n"


def cmd_check(args: argparse.Namespace) -> None:
    """Validate annotator files; print every problem with the file and event index."""
    arts = realnews.read_articles(realnews.default_corpora())
    views = Path(args.views)
    bad = 0
    for name in args.files:
        path = Path(name)
        try:
            ann = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            print(f"{path}: cannot read: {e}")
            bad += 1
            continue
        doc = ann.get("doc")
        if doc not in arts:
            print(f"{path}: unknown doc {doc!r}")
            bad += 1
            continue
        spans = json.loads((views / f"{doc.replace(':', '_')}.sents.json").read_text(encoding="utf-8"))
        _, problems = realnews.convert_annotation(ann, arts[doc], spans, annotator=args.annotator or "x")
        for p in problems:
            print(f"{path}: {p}")
        bad += bool(problems)
        if not problems and args.verbose:
            print(f"{path}: ok ({len(ann.get('events', []))} events)")
    print(f"{len(args.files)} files, {bad} with problems")
    if bad:
        sys.exit(1)


def cmd_build(args: argparse.Namespace) -> None:
    """Turn annotator files into the committed offset-only gold (per annotator, and the adjudicated gold)."""
    arts = realnews.read_articles(realnews.default_corpora())
    views = Path(args.views)
    sample = {r["doc"]: r for r in read_sample()}
    work = Path(args.work)
    per_annotator: dict[str, list[dict[str, Any]]] = {}
    for ann_dir in sorted(p for p in work.iterdir() if p.is_dir() and re.fullmatch(r"a\d+", p.name)):
        for f in sorted(ann_dir.glob("*.json")):
            ann = json.loads(f.read_text(encoding="utf-8"))
            doc = ann["doc"]
            if doc not in sample:
                continue
            spans = json.loads((views / f"{doc.replace(':', '_')}.sents.json").read_text(encoding="utf-8"))
            rec, problems = realnews.convert_annotation(ann, arts[doc], spans, annotator=ann_dir.name)
            if problems:
                if not args.partial:
                    sys.exit(f"{f}: {problems[0]} (run `check` first)")
                print(f"{f}: left out: {problems[0]}")
                continue
            rec["split"] = sample[doc]["split"]
            per_annotator.setdefault(ann_dir.name, []).append(rec)
    adjudicated: dict[str, dict[str, Any]] = {}
    adj_dir = work / "adjudicated"
    if adj_dir.is_dir():
        for f in sorted(adj_dir.glob("*.json")):
            ann = json.loads(f.read_text(encoding="utf-8"))
            doc = ann["doc"]
            spans = json.loads((views / f"{doc.replace(':', '_')}.sents.json").read_text(encoding="utf-8"))
            rec, problems = realnews.convert_annotation(ann, arts[doc], spans, annotator="adjudicated")
            if problems:
                sys.exit(f"{f}: {problems[0]}")
            rec["split"] = sample[doc]["split"]
            adjudicated[doc] = rec
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for recs in per_annotator.values():
        for rec in recs:
            by_doc.setdefault(rec["doc"], []).append(rec)
    ann_out = GOLD_DIR / "annotators"
    ann_out.mkdir(parents=True, exist_ok=True)
    for name, recs in per_annotator.items():
        _write_jsonl(ann_out / f"{name}.jsonl", sorted(recs, key=lambda r: r["doc"]))
    for split in ("dev", "test"):
        gold = []
        for doc, row in sorted(sample.items()):
            if row["split"] != split:
                continue
            if doc in adjudicated:
                gold.append(adjudicated[doc])
            elif len(by_doc.get(doc, [])) == 1:
                gold.append(by_doc[doc][0])
            elif doc in by_doc:
                print(f"{doc}: {len(by_doc[doc])} annotations and no adjudication; left out")
        _write_jsonl(GOLD_DIR / f"{split}.jsonl", gold)
        n_ev = sum(len(r["events"]) for r in gold)
        print(f"{split}: {len(gold)} articles, {n_ev} events")


def _write_jsonl(path: Path, recs: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def cmd_agreement(args: argparse.Namespace) -> None:
    """Agreement on the doubly annotated articles: first annotation (P batch) against second (S batch)."""
    sample = {r["doc"]: r for r in read_sample()}
    by_annotator = {
        p.stem: {r["doc"]: r for r in _read_jsonl(p)}
        for p in sorted((GOLD_DIR / "annotators").glob("*.jsonl"))
    }
    first: dict[str, dict[str, Any]] = {}
    second: dict[str, dict[str, Any]] = {}
    for name, recs in by_annotator.items():
        for doc, rec in recs.items():
            row = sample.get(doc)
            if row is None or row["double"] != "yes":
                continue
            (second if name in args.second else first)[doc] = rec
    result = realnews.agreement(first, second)
    result["first_annotators"] = sorted({r["annotator"] for r in first.values()})
    result["second_annotators"] = sorted({r["annotator"] for r in second.values()})
    print(json.dumps(result, indent=2))


def cmd_compare(args: argparse.Namespace) -> None:
    """Gold against our events, article by article, and the error summary (development split only)."""
    from collections import Counter

    from eventwire.config import Config
    from eventwire.pipeline import Coder
    from eventwire.types import Article as EwArticle

    if args.split == "test" and not args.i_am_reporting:
        sys.exit("the test split is for reporting, not tuning: use --split dev (or --i-am-reporting)")
    gold = {r["doc"]: r for r in realnews.read_gold_file(GOLD_DIR / f"{args.split}.jsonl")}
    if args.docs:
        gold = {d: r for d, r in gold.items() if d in set(args.docs)}
    arts = realnews.read_articles(realnews.default_corpora())
    coder = Coder(Config())
    items = [EwArticle(id=d, text=arts[d].text, date=arts[d].date) for d in sorted(gold)]
    ours = {a.id: [e.to_dict() for e in evs] for a, evs in coder.code_articles(items)}
    missed: Counter[str] = Counter()
    noise: Counter[str] = Counter()
    for doc in sorted(gold):
        rec, text = gold[doc], arts[doc].text
        g = realnews.gold_items(rec)
        o = realnews.event_items(ours.get(doc, []), rec["sentences"])
        pairs = dict(realnews.match(o, g))
        inv = {j: i for i, j in pairs.items()}
        for j, x in enumerate(g):
            if x.modality != "historical" and j not in inv:
                missed[f"{x.type} {text[x.trigger[0] : x.trigger[1]].lower()!r}"] += 1
        for i, x in enumerate(o):
            if i not in pairs:
                noise[f"{x.type or x.cameo} {x.label.lower()!r}"] += 1
        if args.summary:
            continue
        print(f"===== {doc} {arts[doc].title[:90]} ({arts[doc].date})")
        for si in sorted({x.sentence for x in g} | {x.sentence for x in o}):
            s0, s1 = rec["sentences"][si]
            print(f" [{si}] {' '.join(text[s0:s1].split())[:300]}")
            for j, x in enumerate(g):
                if x.sentence == si:
                    i = inv.get(j)
                    mark = "MISS" if i is None else ("ok" if realnews.full_match(o[i], x) else "part")
                    print(f"    G {mark:4} {_describe_gold(x, text)}")
            for i, x in enumerate(o):
                if x.sentence == si:
                    print(f"    O {'' if i in pairs else 'FP':4} {_describe_ours(x.raw)}")
    print("\nmissed (current gold events):")
    for k, n in missed.most_common(args.top):
        print(f"  {n:3d} {k}")
    print("\nours without a gold event:")
    for k, n in noise.most_common(args.top):
        print(f"  {n:3d} {k}")


def _describe_gold(x: realnews.Item, text: str) -> str:
    ev = x.raw
    side = [
        ",".join(f"{a.get('country')}{a.get('sector') or ''}" for a in ev[k]) for k in ("source", "target")
    ]
    trig = text[x.trigger[0] : x.trigger[1]]
    return f"{x.type}/{x.cameo} {x.modality} {trig!r} {side[0]} -> {side[1]}"


def _describe_ours(e: dict[str, Any]) -> str:
    a = ",".join(f"{y['text']}[{y.get('code') or y.get('country')}]" for y in e["actor"])
    r = ",".join(f"{y['text']}[{y.get('code') or y.get('country')}]" for y in e["recipient"])
    loc = (e.get("location") or {}).get("name")
    return f"{e['event']}/{e['cameo']} {e['modality']} {e['event_text']!r} {a} -> {r} loc={loc}"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sample", help=cmd_sample.__doc__)
    p.add_argument("--seed", type=int, default=20261203)
    p.add_argument("--lgl", type=int, default=110)
    p.add_argument("--trn", type=int, default=50)
    p.add_argument("--double", type=int, default=40)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("compare", help=cmd_compare.__doc__)
    p.add_argument("--split", default="dev", choices=["dev", "test"])
    p.add_argument("--i-am-reporting", action="store_true", help="allow the test split")
    p.add_argument("--docs", nargs="*", help="only these documents")
    p.add_argument("--summary", action="store_true", help="only the summary of misses and noise")
    p.add_argument("--top", type=int, default=60)
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("extend", help=cmd_extend.__doc__)
    p.add_argument("--seed", type=int, default=20261204)
    p.add_argument("--lgl", type=int, default=40)
    p.add_argument("--trn", type=int, default=20)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--prefix", default="D")
    p.set_defaults(func=cmd_extend)
    p = sub.add_parser("views", help=cmd_views.__doc__)
    p.add_argument("--out", default="/tmp/eventwire-annotation/views")
    p.set_defaults(func=cmd_views)
    p = sub.add_parser("check", help=cmd_check.__doc__)
    p.add_argument("files", nargs="+")
    p.add_argument("--views", default="/tmp/eventwire-annotation/views")
    p.add_argument("--annotator")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("build", help=cmd_build.__doc__)
    p.add_argument("--work", default="/tmp/eventwire-annotation")
    p.add_argument("--views", default="/tmp/eventwire-annotation/views")
    p.add_argument(
        "--partial", action="store_true", help="leave out files that fail the check (work in progress)"
    )
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("agreement", help=cmd_agreement.__doc__)
    p.add_argument("--second", nargs="+", default=["a9", "a10"], help="the annotators of the S batches")
    p.set_defaults(func=cmd_agreement)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
