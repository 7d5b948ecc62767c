"""What sharing build files saves: disk and suite-version hashing, shared vs one copy per build.

Each built-in app's builds link their files into `dist/shared/` (see scripts/build_frontend.py).
This copies every app twice into a temporary folder: once as committed (links kept) and once
with every link replaced by a copy of its file, as the builds were before. It then prints, per
app and in total, the bytes on disk and the time to compute the app's content hash (the part of
the suite version that reads files), best of `--repeats`, side by side.

Last, it times listing each app's files in place: the hash's pruned walk against a full
`rglob` filtered afterwards (how it listed them before). The two differ only where an app's
frontend has been built here, so that its `frontend/node_modules` exists.

    .venv/bin/python benchmarks/shared_builds.py
    .venv/bin/python benchmarks/shared_builds.py --repeats 5
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from frontendx.suite import builtin_app_names, get_app, load_app
from frontendx.suite._manifest import _SKIPPED_DIRS, SHARED_DIR, _app_files


def disk_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def hash_seconds(folder: Path, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        app = load_app(folder)  # a fresh App: content_hash is cached per instance
        started = time.perf_counter()
        app.content_hash()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timings per copy (best is kept)")
    args = parser.parse_args()
    skip = shutil.ignore_patterns("node_modules", "__pycache__")
    totals = [0, 0, 0.0, 0.0]
    print(
        f"{'app':<15}{'disk shared':>13}{'disk copies':>13}{'ratio':>7}"
        f"{'hash shared':>13}{'hash copies':>13}{'ratio':>7}"
    )
    with tempfile.TemporaryDirectory(prefix="frontendx-bench-") as scratch:
        for name in builtin_app_names():
            source = get_app(name).root
            shared = Path(scratch) / "shared" / source.name
            copies = Path(scratch) / "copies" / source.name
            shutil.copytree(source, shared, symlinks=True, ignore=skip)
            shutil.copytree(source, copies, symlinks=False, ignore=skip)
            shutil.rmtree(copies / get_app(name).dist_dir.relative_to(source) / SHARED_DIR)
            row = [
                disk_bytes(shared),
                disk_bytes(copies),
                hash_seconds(shared, args.repeats),
                hash_seconds(copies, args.repeats),
            ]
            totals = [t + r for t, r in zip(totals, row, strict=True)]
            print_row(name, *row)
        print_row("all", *totals)
    print(f"\n{'app':<15}{'pruned walk':>13}{'rglob':>13}{'ratio':>7}{'files':>8}")
    for name in builtin_app_names():
        root = get_app(name).root
        pruned, files = best_of(args.repeats, _app_files, root)
        full, _ = best_of(args.repeats, rglob_files, root)
        ratio = full / pruned
        print(
            f"{name:<15}{pruned * 1000:>11.0f}ms{full * 1000:>11.0f}ms{ratio:>6.1f}x{len(files):>8}"
        )


def rglob_files(root: Path) -> list[Path]:
    """Every file under `root`, then the skipped folders filtered out."""
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p in _SKIPPED_DIRS or p.startswith(".") for p in parts):
            found.append(path)
    return found


def best_of(
    repeats: int, lister: Callable[[Path], Iterable[Path]], root: Path
) -> tuple[float, list[Path]]:
    best, result = float("inf"), []
    for _ in range(repeats):
        started = time.perf_counter()
        result = list(lister(root))
        best = min(best, time.perf_counter() - started)
    return best, result


def print_row(
    name: str, disk_shared: float, disk_copies: float, h_shared: float, h_copies: float
) -> None:
    print(
        f"{name:<15}{disk_shared / 2**20:>11.1f}MB{disk_copies / 2**20:>11.1f}MB"
        f"{disk_copies / disk_shared:>6.1f}x"
        f"{h_shared * 1000:>11.0f}ms{h_copies * 1000:>11.0f}ms{h_copies / h_shared:>6.1f}x"
    )


if __name__ == "__main__":
    main()
