"""`frontendx export-site`: the dashboard as a static site.

The site is the very frontend `frontendx serve` serves, plus every data path of
`Views.all_paths` written as a file under ``data/``; the frontend only fetches relative
``data/...`` URLs, so the folder works from any plain file server (``python -m http.server``).
Views are written one at a time and stored files (traces, screenshots) are copied, so memory
does not grow with the size of the site.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from frontendx.dashboard._app import STATIC_DIR
from frontendx.dashboard._data import NotFound, Views
from frontendx.errors import ConfigError
from frontendx.store import SqliteStore

log = logging.getLogger("frontendx.dashboard")


def export_site(store: SqliteStore, out_dir: Path, *, views: Views | None = None) -> int:
    """Write the static dashboard of `store` to `out_dir` (created if needed; files of an
    earlier export are overwritten). Returns the number of files written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"{out_dir} is a file; give a folder to write the site to")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    views = views if views is not None else Views(store)
    written = 0
    for src in sorted(STATIC_DIR.rglob("*")):
        if src.is_file():
            dest = out_dir / src.relative_to(STATIC_DIR)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            written += 1
    data = out_dir / "data"
    made: set[Path] = set()
    for rel in views.all_paths():
        try:
            _media, body = views.get(rel)
        except NotFound as exc:  # e.g. a finding whose test cannot be exported
            log.warning("export-site: skipped data/%s: %s", rel, exc)
            continue
        dest = data / rel
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        if isinstance(body, Path):
            shutil.copyfile(body, dest)
        else:
            tmp = dest.with_name(dest.name + ".tmp")
            tmp.write_bytes(body)
            os.replace(tmp, dest)
        written += 1
    return written
