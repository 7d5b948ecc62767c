"""Where an episode's files (traces, screenshots, CDP refusals) are kept: any fsspec URL.

A run's artifacts go to ``--artifacts URL`` (``file:///…``, ``s3://bucket/prefix``,
``gs://…``, ``memory://…`` in tests), or by default to the folder beside the store
(``<db stem>-artifacts/``). Workers write an episode's files into a local staging folder
(Playwright traces need a local path); the driver uploads them here before it stores the
episode (docs/design.md, "Artifacts anywhere"). The dashboard and export-site read them
through the same class. Paths inside are relative, ``<episode key>/<file>``, as stored in
``EpisodeResult.artifacts``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from frontendx.errors import ConfigError

#: the pip package that brings each well-known scheme's fsspec backend
BACKEND_PACKAGES = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "az": "adlfs",
    "abfs": "adlfs",
    "abfss": "adlfs",
    "sftp": "paramiko",
    "ssh": "paramiko",
}


UPLOAD_TRIES = 3
"""Writes of one file to the artifacts URL before the driver gives up (and the run stops; the
episode is not stored, so `resume` runs it again)."""


def artifacts_dir_for(db: Path) -> Path:
    """The default artifacts folder: beside the store, ``<db stem>-artifacts/``."""
    return db.with_name(db.stem + "-artifacts")


def _fsspec() -> Any:
    try:
        import fsspec  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a dependency of frontendx
        raise ConfigError("artifacts need fsspec: pip install fsspec") from None
    return fsspec


class Artifacts:
    """A folder at an fsspec URL, addressed by relative paths (``<episode key>/<file>``)."""

    def __init__(self, url: str, *, flag: str = "--artifacts") -> None:
        fsspec = _fsspec()
        scheme = url.split("://", 1)[0] if "://" in url else "file"
        try:
            self.fs, root = fsspec.core.url_to_fs(url)
        except ImportError as exc:
            package = BACKEND_PACKAGES.get(scheme, "the fsspec backend for it")
            raise ConfigError(
                f"{flag} {url}: no file system for {scheme}:// is installed "
                f"({exc}): pip install {package}"
            ) from None
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"{flag} {url}: not a URL fsspec knows ({exc}); give file:///folder, "
                "s3://bucket/prefix (pip install s3fs), gs://bucket/prefix (pip install gcsfs) "
                "or memory://name"
            ) from None
        self.url = url
        self.root = str(root).rstrip("/") or "/"
        self.flag = flag

    @classmethod
    def for_store(cls, store_path: Path, url: str | None) -> Artifacts:
        """The artifacts at `url`, or (None) the default folder beside the store."""
        if url is None:
            return cls(artifacts_dir_for(store_path).resolve().as_uri())
        return cls(url)

    def _path(self, rel: str) -> str:
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or ".." in parts or "\\" in rel:
            raise ValueError(f"not a relative artifact path: {rel!r}")
        return f"{self.root.rstrip('/')}/{rel}"

    def url_for(self, rel: str) -> str:
        """The full URL of a stored file (under the URL as given)."""
        self._path(rel)  # refuses escapes
        return f"{self.url.rstrip('/')}/{rel}"

    def exists(self, rel: str) -> bool:
        try:
            return bool(self.fs.isfile(self._path(rel)))
        except ValueError:
            return False

    def read(self, rel: str) -> bytes:
        data: bytes = self.fs.cat_file(self._path(rel))
        return data

    def write(self, rel: str, data: bytes) -> None:
        path = self._path(rel)
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        with self.fs.open(path, "wb") as f:
            f.write(data)

    def list(self, prefix: str) -> list[str]:
        """Relative paths of the files under `prefix` (a folder), sorted."""
        base = self._path(prefix)
        if not self.fs.isdir(base):
            return []
        found = self.fs.find(base)
        root = self.root.rstrip("/") + "/"
        return sorted(str(p)[len(root) :] if str(p).startswith(root) else str(p) for p in found)

    def upload(self, folder: Path, rels: Iterable[str], *, tries: int = UPLOAD_TRIES) -> None:
        """Copy the files `rels` (relative to `folder`, which mirrors this root) here; a
        missing local file is an error, so that no result points at a file never stored. A
        failed write is tried again (`tries` in all, 1 s then 2 s apart), then raised."""
        for rel in dict.fromkeys(rels):
            data = (folder / rel).read_bytes()
            for attempt in range(1, tries + 1):
                try:
                    self.write(rel, data)
                    break
                except OSError:
                    if attempt == tries:
                        raise
                    time.sleep(float(attempt))

    def check_writable(self) -> None:
        """Write and delete a probe file, so that a bad location fails before a run stores
        anything, with what to fix."""
        probe = f".frontendx-probe-{uuid.uuid4().hex}"
        try:
            self.write(probe, b"ok")
            if self.read(probe) != b"ok":
                raise OSError("the probe file read back different bytes")
            self.fs.rm(self._path(probe))
        except ConfigError:
            raise
        except Exception as exc:
            raise ConfigError(
                f"{self.flag} {self.url}: cannot write artifacts there "
                f"({type(exc).__name__}: {exc}); check the location and its credentials "
                "(for s3:// and gs://, the backend's usual environment or config file)"
            ) from None
