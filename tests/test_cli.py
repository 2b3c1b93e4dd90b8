"""The `eventwire code` command: formats, stdin, JSONL, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from eventwire.cli import main

TEXT = "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday."


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_code_text_file_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "report.txt"
    p.write_text(TEXT, encoding="utf-8")
    code, out, err = run("code", str(p), "--date", "2024-05-17", "--format", "jsonl")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["doc_id"] == "report" and events[0]["event"] == "CONSULT"
    assert events[0]["date"] == "2024-05-14"
    assert "coded 1 documents" in err


def test_code_stdin_json(tmp_path: Path) -> None:
    code, out, _ = run("code", "-", "--format", "json", input=TEXT)
    assert code == 0
    assert json.loads(out)[0]["cameo"].startswith("04")


def test_code_jsonl_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    p = tmp_path / "docs.jsonl"
    p.write_text(
        json.dumps({"id": "a", "text": TEXT}) + "\n{broken\n" + json.dumps({"id": "b", "text": TEXT}) + "\n",
        encoding="utf-8",
    )
    code, out, err = run("code", str(p), "--format", "jsonl")
    assert code == 0
    assert {json.loads(line)["doc_id"] for line in out.splitlines()} == {"a", "b"}
    assert "docs.jsonl:2: malformed" in err
    assert "1 malformed" in err


def test_table_format(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    code, out, _ = run("code", str(p), "--format", "table")
    assert code == 0 and "CONSULT" in out


def test_nothing_codable_is_a_one_line_error_exit_1(tmp_path: Path) -> None:
    code, _, err = run("code", str(tmp_path / "missing.txt"))
    assert code == 1
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("eventwire: error: nothing was coded")


def test_bad_date_option() -> None:
    code, _, err = run("code", "-", "--date", "22/01/2021", input=TEXT)
    assert code == 2 and "YYYY-MM-DD" in err


def test_modality_filter(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT + " The two presidents will meet again in Nairobi next month.", encoding="utf-8")
    _, out, _ = run("code", str(p), "--format", "jsonl", "--modality", "asserted")
    assert {json.loads(line)["modality"] for line in out.splitlines()} == {"asserted"}


def test_console_script_binary_file_is_a_clean_error(tmp_path: Path) -> None:
    p = tmp_path / "blob.txt"
    p.write_bytes(b"\x00\xff" * 1000)
    exe = Path(sys.executable).with_name("eventwire")
    proc = subprocess.run([str(exe), "code", str(p)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "binary" in proc.stderr
