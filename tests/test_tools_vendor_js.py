"""The JavaScript the dashboard ships is the npm packages' own files, each with its licence."""

from __future__ import annotations

import json

from tools.vendor_js import MANIFEST, PACKAGES, VENDOR, check


def test_vendored_files_match_the_manifest_and_carry_their_licences() -> None:
    assert check() == []
    manifest = json.loads(MANIFEST.read_text())
    assert set(manifest) == {p.name for p in PACKAGES}
    for pkg in PACKAGES:
        entry = manifest[pkg.name]
        assert entry["license"] and entry["integrity"].startswith("sha512-")
        for licence in pkg.licence_files:
            assert (VENDOR / pkg.name / licence).stat().st_size > 40, (pkg.name, licence)
    assert "public domain" in manifest["world-atlas"]["note"]


def test_a_changed_vendored_file_is_caught(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import tools.vendor_js as vj

    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR, copy)
    monkeypatch.setattr(vj, "VENDOR", copy)
    monkeypatch.setattr(vj, "MANIFEST", copy / "MANIFEST.json")
    (copy / "d3" / "d3.min.js").write_text("/* edited by hand */")
    (copy / "leaflet" / "LICENSE").unlink()
    assert vj.check() == ["d3/d3.min.js differs from the npm package's file", "leaflet/LICENSE is missing"]
