"""Artifacts anywhere (issue 18): traces and screenshots at an fsspec URL (`--artifacts`), kept
with the run so that resume and the dashboard find them, the folder beside the store as the
default. Real runs of the mini app (real Chromium, flock'd by the caller as browser jobs are),
memory:// inside one process and file:// through the real command."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

import fsspec  # type: ignore[import-untyped]
import httpx
import pytest
from conftest import MINI, frontendx_cli
from test_dashboard import serve_app

from frontendx.artifacts import Artifacts, artifacts_dir_for
from frontendx.browser import preflight
from frontendx.dashboard import Views, create_app, export_site
from frontendx.errors import ConfigError
from frontendx.living import VersionResolver
from frontendx.metrics import load_constants
from frontendx.records import EpisodeResult
from frontendx.runner import parse_run_spec, resume_run
from frontendx.store import SqliteStore

PNG = b"\x89PNG\r\n\x1a\n"
FAST = load_constants().model_copy(update={"bootstrap_resamples": 20})


def fast_views(store: SqliteStore) -> Views:
    return Views(store, constants=FAST)


def _mini_spec(artifacts: str | None, agent: str = "null") -> dict[str, object]:
    spec = parse_run_spec(
        {
            "apps": [str(MINI)],
            "agents": [agent],
            "replays": 1,
            "workers": 1,
            "retries": 0,
            "artifacts": artifacts,
        },
        "test",
    )
    return spec.model_dump(mode="json")


def _only_result(db: Path) -> tuple[int, EpisodeResult]:
    store = SqliteStore(db, create=False)
    try:
        (row,) = store.index()
        return row.id, store.results([row.id])[row.id]
    finally:
        store.close()


# --- the layer itself -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["memory", "file"])
def test_artifacts_write_read_list_and_refuse_escapes(scheme: str, tmp_path: Path) -> None:
    url = f"memory://fx-{uuid.uuid4().hex}" if scheme == "memory" else (tmp_path / "a").as_uri()
    art = Artifacts(url)
    art.check_writable()
    art.write("ep1/trace.zip", b"zip bytes")
    art.write("ep1/sub/final.png", PNG + b"x")
    assert art.read("ep1/trace.zip") == b"zip bytes"
    assert art.exists("ep1/sub/final.png") and not art.exists("ep1/nothing.png")
    assert art.list("ep1") == ["ep1/sub/final.png", "ep1/trace.zip"]  # no probe file left
    assert art.list("ep2") == []
    assert art.url_for("ep1/trace.zip") == f"{url}/ep1/trace.zip"
    if scheme == "file":
        assert (tmp_path / "a" / "ep1" / "trace.zip").read_bytes() == b"zip bytes"
    for bad in ("../outside", "/etc/passwd", "ep1/../../x", ""):
        assert not art.exists(bad)
        with pytest.raises(ValueError):
            art.read(bad)


def test_default_is_the_folder_beside_the_store(tmp_path: Path) -> None:
    art = Artifacts.for_store(tmp_path / "runs.db", None)
    art.write("k/final.png", PNG)
    assert (tmp_path / "runs-artifacts" / "k" / "final.png").read_bytes() == PNG
    assert artifacts_dir_for(tmp_path / "runs.db") == tmp_path / "runs-artifacts"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("s3://some-bucket/runs", "pip install s3fs"),
        ("gs://some-bucket/runs", "pip install gcsfs"),
        ("nosuchscheme://x/y", "not a URL fsspec knows"),
    ],
)
def test_a_missing_backend_or_unknown_scheme_says_what_to_install(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Artifacts(url)
    assert url in str(caught.value) and says in str(caught.value)


def test_bad_artifacts_url_fails_before_anything_is_stored(tmp_path: Path) -> None:
    """The real command: a scheme without its backend, and a folder that cannot be written,
    exit 2 with the fix and leave no run in the store."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for url, says in (
        ("s3://some-bucket/runs", "pip install s3fs"),
        ((blocker / "sub").as_uri(), "cannot write artifacts there"),
    ):
        db = tmp_path / f"{uuid.uuid4().hex}.db"
        proc = frontendx_cli(
            "run", "--apps", str(MINI), "--agents", "null", "--artifacts", url, "--db", str(db),
            timeout=60,
        )  # fmt: skip
        assert proc.returncode == 2, proc.stderr
        assert says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        if db.exists():
            assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)


# --- real runs ------------------------------------------------------------------------------


def test_memory_url_through_resume_the_dashboard_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run recorded with a memory:// URL, executed by `resume` (which finds the URL in the
    run, no flag) on the process pool: the driver uploads what the pool's worker wrote, the
    episode records where, nothing stays on local disk, and the dashboard's file endpoint and
    export-site serve the very bytes."""
    staging_root = tmp_path / "tmp"
    staging_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(staging_root))
    url = f"memory://fx-test-{uuid.uuid4().hex}/artifacts"
    db = tmp_path / "runs.db"
    store = SqliteStore(db)
    run_id = store.create_run(_mini_spec(url), 1, "test")
    summary = resume_run(store, run_id, versions=VersionResolver(chromium=preflight(None)))
    assert summary.ran == 1 and summary.statuses["ok"] == 1
    store.close()

    episode_id, result = _only_result(db)
    assert result.artifacts_url == url
    assert {"trace", "screenshot"} <= set(result.artifacts)
    mem = fsspec.filesystem("memory")
    root = url.removeprefix("memory://")
    shot = mem.cat_file(f"{root}/{result.artifacts['screenshot']}")
    trace = mem.cat_file(f"{root}/{result.artifacts['trace']}")
    assert shot.startswith(PNG) and len(shot) > 1000
    assert zipfile.ZipFile(BytesIO(trace)).namelist()  # a real Playwright trace
    assert not artifacts_dir_for(db).exists()  # nothing went beside the store
    assert list(staging_root.iterdir()) == []  # the staging folder is gone

    store = SqliteStore(db, create=False)
    views = fast_views(store)
    page = views.episode(episode_id)
    assert set(page["files"]) == {"final.png", "trace.zip"}
    with serve_app(create_app(store, views=fast_views)) as base:
        got = httpx.get(f"{base}data/episode/{episode_id}/files/final.png", timeout=30)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert got.content == shot
        got = httpx.get(f"{base}data/episode/{episode_id}/files/trace.zip", timeout=30)
        assert got.content == trace
        assert httpx.get(f"{base}data/episode/{episode_id}/files/x.png").status_code == 404
    site = tmp_path / "site"
    export_site(store, site, views=fast_views(store))
    store.close()
    assert (
        site / "data" / "episode" / str(episode_id) / "files" / "final.png"
    ).read_bytes() == shot
    # what the episode page links to is in the export too
    data = json.loads((site / "data" / "episode" / f"{episode_id}.json").read_text())
    assert sorted(data["files"]) == ["final.png", "trace.zip"]


def test_file_url_through_the_real_command(tmp_path: Path) -> None:
    """`frontendx run --artifacts file:///…`: the files go there (not beside the store),
    the run keeps the URL, and the dashboard reads them from there."""
    target = tmp_path / "elsewhere" / "arts"
    db = tmp_path / "runs.db"
    proc = frontendx_cli(
        "run", "--apps", str(MINI), "--agents", "null", "--replays", "1", "--workers", "1",
        "--artifacts", target.as_uri(), "--db", str(db), timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    episode_id, result = _only_result(db)
    assert result.artifacts_url == target.as_uri()
    shot = target / result.artifacts["screenshot"]
    assert shot.read_bytes().startswith(PNG)
    assert zipfile.ZipFile(target / result.artifacts["trace"]).namelist()
    assert not artifacts_dir_for(db).exists()
    store = SqliteStore(db, create=False)
    try:
        (run,) = store.runs()
        assert run.spec["artifacts"] == target.as_uri()  # resume finds it here
        media, body = fast_views(store).get(f"data/episode/{episode_id}/files/final.png")
    finally:
        store.close()
    assert media == "image/png" and body == shot.read_bytes()


def test_a_ray_actor_sends_the_files_back_and_the_driver_uploads_them(tmp_path: Path) -> None:
    """On a cluster the worker's staging folder is on another machine: the actor returns the
    episode's bytes with its result and cleans up; the driver unpacks them into its own
    staging folder and uploads them before storing (no Ray needed to check the hand-over)."""
    from frontendx.records import EpisodeStatus
    from frontendx.runner import WorkerOptions, expand
    from frontendx.runner._ray import EpisodeActor, _unpack
    from frontendx.runner._run import store_artifacts

    spec = parse_run_spec(_mini_spec(None), "test")
    (episode,) = expand(spec)
    node = tmp_path / "node-staging"
    actor = EpisodeActor(WorkerOptions(node, None, 1))
    shot = PNG + uuid.uuid4().bytes

    async def fake_run(s: object) -> EpisodeResult:  # what Worker.run leaves behind
        folder = node / episode.key
        folder.mkdir(parents=True)
        (folder / "final.png").write_bytes(shot)
        (folder / "stale-from-a-failed-attempt.zip").write_bytes(b"x")
        return EpisodeResult(
            spec=episode,
            status=EpisodeStatus.OK,
            artifacts={"screenshot": f"{episode.key}/final.png"},
        )

    actor.worker.run = fake_run  # type: ignore[method-assign]
    kind, payload, files = actor.run(episode.model_dump_json())
    actor.loop.close()
    assert kind == "ok" and files == {f"{episode.key}/final.png": shot}
    assert not (node / episode.key).exists()  # the node keeps nothing

    driver = tmp_path / "driver-staging"
    _unpack(driver, files)
    url = f"memory://fx-test-{uuid.uuid4().hex}"
    art = Artifacts(url)
    stored = store_artifacts(EpisodeResult.model_validate_json(payload), driver, art, url)
    assert stored.artifacts_url == url
    assert art.read(f"{episode.key}/final.png") == shot
    assert art.list(episode.key) == [f"{episode.key}/final.png"]
    assert not (driver / episode.key).exists()


def test_upload_tries_a_failed_write_again_then_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "sleep", lambda s: None)
    (tmp_path / "ep").mkdir()
    (tmp_path / "ep" / "final.png").write_bytes(PNG + b"1")
    art = Artifacts(f"memory://fx-test-{uuid.uuid4().hex}")
    real_write, failures = art.write, [OSError("503 slow down")]

    def flaky(rel: str, data: bytes) -> None:
        if failures:
            raise failures.pop()
        real_write(rel, data)

    monkeypatch.setattr(art, "write", flaky)
    art.upload(tmp_path, ["ep/final.png"])
    assert art.read("ep/final.png") == PNG + b"1"
    failures.extend([OSError("down")] * 3)
    with pytest.raises(OSError, match="down"):
        art.upload(tmp_path, ["ep/final.png"])
    with pytest.raises(FileNotFoundError):  # a result naming a file nobody wrote
        art.upload(tmp_path, ["ep/trace.zip"])


def test_a_killed_drivers_staging_folder_is_swept_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    from frontendx.runner._run import STAGING_PREFIX, sweep_staging

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    dead = tmp_path / f"{STAGING_PREFIX}{gone}-abc" / "episode"
    live = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-def" / "episode"
    other = tmp_path / "frontendx-apps-0"
    for folder in (dead, live, other):
        folder.mkdir(parents=True)
        (folder / "trace.zip").write_bytes(b"x")
    assert sweep_staging() == 1
    assert not dead.parent.exists() and live.is_dir() and other.is_dir()
