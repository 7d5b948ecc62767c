"""`frontendx store copy`: a whole store from one backend to another (or the same one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontendx.errors import StoreError

if TYPE_CHECKING:
    from frontendx.store._protocol import Store


@dataclass(frozen=True)
class CopySummary:
    runs: int
    episodes: int
    changes: int
    skipped: int  # stored rows that could not be read (each named on stderr by the source)


def copy_store(src: Store, dst: Store, *, batch: int = 500) -> CopySummary:
    """Copy every run, episode (with its flat rows, rebuilt from the payload), changelog
    entry and accepted native bug (the review queue's) of `src` into `dst`, which must hold no
    runs. Episode ids are renumbered in `dst`; which episode carries which stored result over
    (`reused_from`) is kept. Leases and cached views are not copied (they are recomputed)."""
    if dst.runs():
        raise StoreError(
            f"{getattr(dst, 'name', dst.location)}: already holds runs; copy "
            "into a new, empty store (a new SQLite path or an empty PostgreSQL database)"
        )
    runs = src.run_rows()
    for run_id, created_at, spec, n_episodes, version in runs:
        dst.create_run(spec, n_episodes, version, run_id=run_id, created_at=created_at)
    index = src.index()
    new_ids: dict[int, int] = {}
    copied = skipped = 0
    for start in range(0, len(index), batch):
        chunk = index[start : start + batch]
        results = src.results(e.id for e in chunk)
        for entry in chunk:
            result = results.get(entry.id)
            if result is None:
                skipped += 1
                continue
            reused = None if entry.reused_from is None else new_ids.get(entry.reused_from)
            dst.add_episode(entry.run_id, result, reused_from=reused)
            new_id = dst.episode_id(entry.run_id, result.spec.key)
            if new_id is not None:
                new_ids[entry.id] = new_id
                copied += 1
    changes = src.changelog()
    for change in changes:
        dst.add_change(
            change["versions"],
            change["changes"],
            run_id=change["run_id"],
            reused=change["reused"],
            ran=change["ran"],
            at=change["at"],
        )
    for bug in src.native_bugs():  # their changelog entries were copied above
        dst.add_native_bug(bug)
    return CopySummary(len(runs), copied, len(changes), skipped)
