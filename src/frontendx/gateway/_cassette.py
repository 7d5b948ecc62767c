"""Cassettes: upstream answers recorded by request, so an episode can be replayed offline with
zero upstream calls and re-scored exactly (the same tokens, latency and therefore cost).

The key is a hash of the canonical request: wire format, method, path and the JSON body with
keys sorted (after the gateway set the model). An agent that sends the same request twice in an
episode (a retry, a loop) gets the recorded answers in their recorded order, so each key maps
to a list and replay keeps a cursor per key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontendx.errors import CassetteMiss as CassetteMiss  # re-exported: moved to errors.py
from frontendx.errors import ConfigError
from frontendx.gateway._config import Api, CassetteMode

CASSETTE_VERSION = 1


class CassetteEntry(BaseModel):
    """One recorded upstream answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: Api
    path: str
    model: str | None = None
    status: int
    response: Any = Field(description="the upstream's JSON body")
    latency_ms: float = Field(description="upstream latency when recorded; prices local models")


class _CassetteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = CASSETTE_VERSION
    entries: dict[str, list[CassetteEntry]] = Field(default_factory=dict)


def request_key(api: Api, method: str, path: str, body: Any) -> str:
    """The cassette key of a request: sha256 of its canonical JSON."""
    canonical = json.dumps(
        {"api": api, "method": method, "path": path, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class Cassette:
    """A cassette file in `record` or `replay` mode. Recording starts empty (it replaces an
    older recording at the same path) and rewrites the file atomically after every call, so an
    episode killed half-way leaves a valid cassette of the calls it made."""

    def __init__(self, path: Path, mode: CassetteMode) -> None:
        if mode == "off":
            raise ValueError("a Cassette is only built for record or replay")
        self.path = Path(path)
        self.mode = mode
        self._lock = threading.Lock()
        self._cursor: dict[str, int] = {}
        if mode == "replay":
            self._data = self._read()
        else:
            self._data = _CassetteFile()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._write()

    def _read(self) -> _CassetteFile:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"cassette {self.path} does not exist; record it first (cassette mode 'record')"
            ) from None
        except OSError as exc:
            raise ConfigError(f"cannot read cassette {self.path}: {exc.strerror}") from exc
        try:
            data = _CassetteFile.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"])) or "(top level)"
            raise ConfigError(
                f"cassette {self.path} is not a FrontendX cassette: {where}: {first['msg']}; "
                "record it again"
            ) from None
        if data.version != CASSETTE_VERSION:
            raise ConfigError(
                f"cassette {self.path} has version {data.version}; this FrontendX reads version "
                f"{CASSETTE_VERSION}. Record it again"
            )
        return data

    def _write(self) -> None:
        payload = self._data.model_dump_json(indent=1)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def record(self, key: str, entry: CassetteEntry) -> None:
        with self._lock:
            self._data.entries.setdefault(key, []).append(entry)
            self._write()

    def next(self, key: str, *, reuse_last: bool = False) -> CassetteEntry:
        """The next recorded answer for `key`. With `reuse_last` (idempotent reads such as the
        model list) the last answer is served again once the recorded ones are used up."""
        with self._lock:
            entries = self._data.entries.get(key, [])
            position = self._cursor.get(key, 0)
            if position >= len(entries):
                if reuse_last and entries:
                    return entries[-1]
                if entries:
                    raise CassetteMiss(
                        f"cassette {self.path} has {len(entries)} recorded answer(s) for request "
                        f"key {key}, and this is request number {position + 1} with that key; "
                        "the agent sent it more often than when the cassette was recorded"
                    )
                raise CassetteMiss(
                    f"cassette {self.path} has no recorded answer for request key {key}; the "
                    "agent sent a request that was not sent when the cassette was recorded "
                    "(the request differs, or the model or agent config changed). Record again"
                )
            self._cursor[key] = position + 1
            return entries[position]

    def __len__(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._data.entries.values())
