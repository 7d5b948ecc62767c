#!/usr/bin/env python3
"""Build an app's frontend bundles: one per frontend-bug subset the harness needs.

    python scripts/build_frontend.py [app ...]   (default: every app with a frontend/ folder)

For app `<name>` (src/frontendx/apps/<name>) this reads app.yaml and `frontend/toggles.json`
(frontend switch id -> compile-time constant: bugs and the changes' intended edits), then builds
with Vite, once per subset: the empty set (clean), each frontend bug alone, all frontend bugs and
all-but-one (leaving out bugs `only_in_changes`), and per change its base, its head and its head
with each of its switches off (the validator's attribution). Each build
goes to `dist/<hash of the subset>/`; `dist/builds.json` maps subsets to folders. Stale build
folders are removed. Every build is checked: no bug id, bug title or constant name may appear in
the served files.

Builds of one app share most of their bytes (the vendor chunk is the same in every one), so each
build keeps only its `index.html` as a file: every other file is a relative link into
`dist/shared/`, where each content is stored once, named by its hash. A build folder is still a
complete static site; the harness serves files through those links.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from frontendx.suite._manifest import SHARED_DIR

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "src" / "frontendx" / "apps"


def app_folder(name: str) -> Path:
    """An app's folder: a Python package, so `design-system` lives in `design_system/`."""
    return APPS / name.replace("-", "_")


def subsets(
    bug_ids: list[str],
    changes: list[tuple[frozenset[str], frozenset[str]]] | None = None,
    *,
    suite: list[str] | None = None,
) -> list[frozenset[str]]:
    """Empty, singles, all and all-but-one of `suite` (default: every bug), then for each
    change (head, base): the head, the head with each of its switches off, and the base;
    deduplicated, in a stable order."""
    suite_ids = bug_ids if suite is None else suite
    everything = frozenset(suite_ids)
    wanted: list[frozenset[str]] = [frozenset()]
    wanted += [frozenset([b]) for b in bug_ids]
    wanted.append(everything)
    wanted += [everything - {b} for b in suite_ids]
    for head, base in changes or []:
        wanted.append(head)
        wanted += [head - {s} for s in sorted(head)]
        wanted.append(base)
    seen: list[frozenset[str]] = []
    for s in wanted:
        if s not in seen:
            seen.append(s)
    return seen


def dir_name(app: str, subset: frozenset[str]) -> str:
    digest = hashlib.sha256(("\n".join([app, *sorted(subset)])).encode()).hexdigest()
    return digest[:12]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")


def leak_check(out: Path, forbidden: list[str]) -> None:
    lowered = [(f, f.lower()) for f in forbidden if f]
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace").lower()
        for original, needle in lowered:
            if needle in text:
                raise SystemExit(f"leak: {original!r} appears in {path.relative_to(out)}")
        if path.suffix == ".map":
            raise SystemExit(f"leak: source map {path.name} must not be emitted")


def build_app(name: str) -> None:
    app_dir = app_folder(name)
    manifest = yaml.safe_load((app_dir / "app.yaml").read_text(encoding="utf-8"))
    frontend = app_dir / "frontend"
    dist = app_dir / manifest.get("dist", "dist")
    bugs = manifest.get("bugs") or []
    fe_bugs = sorted(b["id"] for b in bugs if b.get("layer") == "frontend")
    suite = [b["id"] for b in bugs if b["id"] in fe_bugs and not b.get("only_in_changes")]
    changes = manifest.get("changes") or []
    edits = [e for c in changes for e in c.get("edits") or []]
    fe_edits = sorted(e["id"] for e in edits if e.get("layer") == "frontend")
    frontend_ids = set(fe_bugs) | set(fe_edits)
    heads = []
    for change in changes:
        switched = {*change.get("base_bugs", []), *change.get("regressions", [])}
        switched |= {e["id"] for e in change.get("edits") or []}
        base = frozenset(set(change.get("base_bugs", [])) & frontend_ids)
        heads.append((frozenset(switched & frontend_ids), base))
    toggles: dict[str, str] = json.loads((frontend / "toggles.json").read_text(encoding="utf-8"))
    missing = [b for b in [*fe_bugs, *fe_edits] if b not in toggles]
    extra = [b for b in toggles if b not in frontend_ids]
    if missing or extra:
        raise SystemExit(
            f"{name}: frontend/toggles.json does not match app.yaml's frontend bugs and edits "
            f"(missing: {missing}, not in app.yaml: {extra})"
        )
    forbidden = (
        [b["id"] for b in bugs]
        + [b.get("title", "") for b in bugs]
        + [e["id"] for e in edits]
        + list(toggles.values())
    )

    if not (frontend / "node_modules").is_dir():
        print(f"[{name}] npm ci ...", flush=True)
        run(["npm", "ci", "--no-audit", "--no-fund"], frontend)

    vite = frontend / "node_modules" / "vite" / "bin" / "vite.js"
    wanted = subsets(fe_bugs, heads, suite=suite)
    dist.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, subset in enumerate(wanted, 1):
        folder = dir_name(name, subset)
        label = ", ".join(sorted(subset)) or "clean"
        print(f"[{name}] build {i}/{len(wanted)} -> dist/{folder}  ({label})", flush=True)
        started = time.perf_counter()
        tmp = dist / f".tmp-{folder}"
        shutil.rmtree(tmp, ignore_errors=True)
        env = {
            **os.environ,
            "FRONTENDX_DEFINES": json.dumps({toggles[b]: True for b in subset}),
            "FRONTENDX_OUT_DIR": str(tmp),
        }
        run(["node", str(vite), "build", "--logLevel", "warn"], frontend, env)
        leak_check(tmp, forbidden)
        target = dist / folder
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
        print(
            f"[{name}]   {size / 1024:.0f} KiB in {time.perf_counter() - started:.1f}s", flush=True
        )
        entries.append({"bugs": sorted(subset), "dir": folder})

    keep = {e["dir"] for e in entries} | {SHARED_DIR}
    for child in dist.iterdir():
        if child.is_dir() and child.name not in keep:
            print(f"[{name}] removing stale dist/{child.name}", flush=True)
            shutil.rmtree(child)
    stored, linked = share_files(dist, [dist / e["dir"] for e in entries])
    print(f"[{name}] dist/shared: {stored} files, linked from {linked} places", flush=True)
    (dist / "builds.json").write_text(json.dumps({"builds": entries}, indent=2) + "\n")
    print(f"[{name}] wrote dist/builds.json ({len(entries)} builds)", flush=True)


def share_files(dist: Path, builds: list[Path]) -> tuple[int, int]:
    """Store each build's files (all but index.html) once in `dist/shared/`, named by content
    hash, and replace them with relative links; drop stored files no build links to. Safe to run
    again on builds already shared. Returns (files stored, links)."""
    shared = dist / SHARED_DIR
    shared.mkdir(exist_ok=True)
    used: set[str] = set()
    links = 0
    for build in builds:
        for path in sorted(build.rglob("*")):
            if path.name == "index.html" and path.parent == build:
                continue
            if path.is_symlink():
                target = path.resolve()
                if target.parent != shared.resolve() or not target.is_file():
                    raise SystemExit(f"{path}: a link that does not lead into {shared}")
                used.add(target.name)
                links += 1
                continue
            if not path.is_file():
                continue
            data = path.read_bytes()
            stored = hashlib.sha256(data).hexdigest()[:20] + "".join(path.suffixes[-1:])
            if not (shared / stored).exists():
                (shared / stored).write_bytes(data)
            path.unlink()
            path.symlink_to(os.path.relpath(shared / stored, path.parent))
            used.add(stored)
            links += 1
    for path in shared.iterdir():
        if path.name not in used:
            path.unlink()
    return len(used), links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "apps", nargs="*", help="app names under src/frontendx/apps (default: all with a frontend)"
    )
    args = parser.parse_args()
    names = args.apps or sorted(
        {p.parent.parent.name.replace("_", "-") for p in APPS.glob("*/frontend/toggles.json")}
    )
    for name in names:
        if not (app_folder(name) / "app.yaml").exists():
            raise SystemExit(f"no app {name!r} (expected {app_folder(name) / 'app.yaml'})")
        build_app(name)


if __name__ == "__main__":
    main()
