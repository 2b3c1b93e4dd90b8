"""Vendor the dashboard's JavaScript libraries and basemap from npm into the package.

    python -m tools.vendor_js            # fetch with `npm pack`, check, copy, write the manifest
    python -m tools.vendor_js --check    # verify the vendored files against the manifest (no network)

``eventwire serve`` loads nothing from a CDN: every library its pages use is a file under
``src/eventwire/web/static/vendor/<package>/``, copied byte for byte from the package's npm tarball, next
to the package's licence. ``MANIFEST.json`` there records, for each package, the version, the licence
(as the package declares it), the tarball's integrity as the registry gives it (checked after download),
and the SHA-256 of every copied file. Rerun this script to move to other versions (edit ``PACKAGES``);
the tests run ``--check`` so a hand-edited vendored file fails CI.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENDOR = REPO / "src" / "eventwire" / "web" / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"


@dataclass(frozen=True)
class Package:
    """One npm package: the files to copy (path in the package -> name in the vendor folder)."""

    name: str
    version: str
    files: dict[str, str]
    licence_files: tuple[str, ...] = ("LICENSE",)
    note: str = ""


PACKAGES: tuple[Package, ...] = (
    Package("d3", "7.9.2", {"dist/d3.min.js": "d3.min.js"}),
    Package(
        "leaflet",
        "1.9.4",
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
        },
    ),
    Package(
        "leaflet.markercluster",
        "1.5.3",
        {
            "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
            "dist/MarkerCluster.css": "MarkerCluster.css",
        },
        licence_files=("MIT-LICENCE.txt",),
    ),
    Package("topojson-client", "3.1.0", {"dist/topojson-client.min.js": "topojson-client.min.js"}),
    Package(
        "world-atlas",
        "2.0.2",
        {"countries-110m.json": "countries-110m.json", "countries-50m.json": "countries-50m.json"},
        note="Natural Earth admin-0 country boundaries (public domain), as TopoJSON; the packaging is ISC",
    ),
    Package(
        "swagger-ui-dist",
        "5.35.0",
        {"swagger-ui-bundle.js": "swagger-ui-bundle.js", "swagger-ui.css": "swagger-ui.css"},
        licence_files=("LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt"),
    ),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _integrity_ok(tarball: Path, integrity: str) -> bool:
    algo, _, want = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    return got == want


def fetch(pkg: Package, work: Path) -> dict[str, object]:
    """``npm pack`` one package into ``work``, check it, copy its files; returns its manifest entry."""
    out = subprocess.run(
        ["npm", "pack", "--json", "--pack-destination", str(work), f"{pkg.name}@{pkg.version}"],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(out.stdout)[0]
    tarball = work / info["filename"]
    if not _integrity_ok(tarball, info["integrity"]):
        raise SystemExit(f"{pkg.name}@{pkg.version}: the tarball does not match the registry's integrity")
    unpacked = work / pkg.name
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    root = unpacked / "package"
    meta = json.loads((root / "package.json").read_text())
    dest = VENDOR / pkg.name
    shutil.rmtree(dest, ignore_errors=True)
    files: dict[str, str] = {}
    for src, name in {**pkg.files, **{f: f for f in pkg.licence_files}}.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / src, target)
        files[name] = sha256(target)
    return {
        "version": pkg.version,
        "license": meta.get("license"),
        "licence_files": list(pkg.licence_files),
        "integrity": info["integrity"],
        "homepage": meta.get("homepage"),
        "note": pkg.note,
        "files": files,
    }


def vendor() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in PACKAGES:
            manifest[pkg.name] = fetch(pkg, Path(tmp))
            print(f"vendored {pkg.name}@{pkg.version}", file=sys.stderr)
    known = {p.name for p in PACKAGES}
    for d in VENDOR.iterdir():
        if d.is_dir() and d.name not in known:
            shutil.rmtree(d)
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def check() -> list[str]:
    """What differs between the vendor folder and the manifest (empty when they agree)."""
    if not MANIFEST.exists():
        return [f"{MANIFEST} is missing: run python -m tools.vendor_js"]
    manifest = json.loads(MANIFEST.read_text())
    problems = []
    for pkg in PACKAGES:
        entry = manifest.get(pkg.name)
        if entry is None or entry["version"] != pkg.version:
            problems.append(f"{pkg.name}: the manifest is not for {pkg.version}: rerun tools/vendor_js.py")
            continue
        if not entry.get("license") or not entry.get("licence_files"):
            problems.append(f"{pkg.name}: no licence recorded")
        for name, digest in entry["files"].items():
            path = VENDOR / pkg.name / name
            if not path.exists():
                problems.append(f"{pkg.name}/{name} is missing")
            elif sha256(path) != digest:
                problems.append(f"{pkg.name}/{name} differs from the npm package's file")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the vendored files (no network)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for p in problems:
            print(f"vendor_js: {p}", file=sys.stderr)
        return 1 if problems else 0
    vendor()
    problems = check()
    for p in problems:
        print(f"vendor_js: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
