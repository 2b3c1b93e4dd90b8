"""Reading our TSV data tables: header row, `#` comments, one record a line, errors at ``file:line``."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from .errors import DictionaryError, EventwireError


def builtin_text(*parts: str) -> str:
    """The text of a data file shipped in ``eventwire/data`` (``builtin_text("lexicon", "words.tsv")``)."""
    return resources.files("eventwire").joinpath("data", *parts).read_text(encoding="utf-8")


def tsv_rows(
    text: str, source: str, required: tuple[str, ...], error: type[EventwireError] = DictionaryError
) -> Iterator[tuple[str, dict[str, str]]]:
    """The data rows of a TSV table as (``file:line``, column -> value); ``#`` lines and blanks skipped.

    Raises ``error`` naming the line for a header that lacks a ``required`` column or a row with more
    cells than the header has columns.
    """
    header: list[str] | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        where = f"{source}:{lineno}"
        if header is None:
            header = cells
            missing = [c for c in required if c not in header]
            if missing:
                raise error(
                    f"{where}: header lacks column(s) {', '.join(missing)}; "
                    f"expected tab-separated {', '.join(required)}"
                )
            continue
        if len(cells) > len(header):
            raise error(f"{where}: {len(cells)} cells for {len(header)} columns (check the tabs)")
        cells += [""] * (len(header) - len(cells))
        yield where, dict(zip(header, cells, strict=True))
    if header is None:
        raise error(f"{source}: no header row; expected tab-separated {', '.join(required)}")


def split_list(value: str) -> tuple[str, ...]:
    """A ``|``-separated cell as a tuple (``-`` or empty is none)."""
    if not value or value == "-":
        return ()
    return tuple(v.strip() for v in value.split("|") if v.strip())
