"""Bad input never poisons a store: non-finite numbers are refused where they enter, a stored
row that cannot be decoded is skipped and named by every reader, user text is printed
literally, exported tests always compile, broken app files are located errors, read-only
stores can be read, and the docs' own examples work."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import yaml
from conftest import MINI, frontendx_cli
from test_metrics import V, episode, found

from frontendx.cli import main
from frontendx.dashboard import Views
from frontendx.errors import ReproError, RunSpecError
from frontendx.records import EpisodeResult, EpisodeStatus, ReportedFinding
from frontendx.repro import Finding
from frontendx.repro import _export as export_module
from frontendx.runner import expand, parse_run_spec
from frontendx.store import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
TIPCALC = Path(__file__).resolve().parent / "apps" / "tipcalc"


def _spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- non-finite numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ("budget: {wall_seconds: .inf}", "budget.wall_seconds"),
        ("budget: {wall_seconds: .nan}", "budget.wall_seconds"),
        ("budget: {dollars: .inf}", "budget.dollars"),
        ("budget: {dollars: -.inf}", "budget.dollars"),
    ],
)
def test_a_run_spec_with_an_infinite_or_nan_budget_is_refused_with_its_field(
    tmp_path: Path, spec: str, field: str
) -> None:
    path = _spec_file(tmp_path, f"apps: ['{MINI}']\nagents: [oracle]\n{spec}\n")
    db = tmp_path / "runs.db"
    proc = frontendx_cli("run", "--spec", str(path), "--db", str(db))
    assert proc.returncode == 2, proc.stderr
    assert f"field `{field}`" in proc.stderr and "finite" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not db.exists()


def test_an_agent_option_that_is_not_finite_is_refused_with_its_place() -> None:
    raw = yaml.safe_load("agents: [oracle, {name: 'null', config: {seed: .inf}}]")
    with pytest.raises(RunSpecError, match=r"`agents\[1\]\.config`: option `seed` is not a finite"):
        parse_run_spec({"apps": [str(MINI)], **raw})


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_the_wall_seconds_option_must_be_finite(tmp_path: Path, value: str) -> None:
    db = tmp_path / "runs.db"
    proc = frontendx_cli(
        "run", "--apps", str(MINI), "--agents", "oracle", f"--wall-seconds={value}", "--db", str(db)
    )
    assert proc.returncode == 2 and "--wall-seconds" in proc.stderr, proc.stderr
    assert "not a finite number" in proc.stderr and not db.exists()


def test_a_manifest_number_that_is_not_finite_is_a_located_problem(tmp_path: Path) -> None:
    app = tmp_path / "tipcalc"
    shutil.copytree(TIPCALC, app)
    manifest = app / "app.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("manual_minutes: 4\n", "manual_minutes: .inf\n", 1))
    proc = frontendx_cli("suites", "validate", str(app))
    assert proc.returncode == 1, proc.stdout
    assert "field `bugs.0.manual_minutes`" in proc.stdout and "finite" in proc.stdout


# --- a store with a row that cannot be decoded ----------------------------------------------


def _poisoned_store(tmp_path: Path) -> tuple[Path, str, int]:
    """A store holding one run of the null agent on the mini app (every cell stored, as a
    finished run leaves it) and a changelog entry, where one stored episode carries the null
    that an infinite budget used to be written as. Returns (db, run id, poisoned row id)."""
    raw = {"apps": [str(MINI)], "agents": ["null"], "repeats": 3, "workers": 1}
    cells = expand(parse_run_spec(raw))
    db = tmp_path / "runs.db"
    store = SqliteStore(db)
    run_id = store.create_run(parse_run_spec(raw).model_dump(mode="json"), len(cells), "0")
    for i, cell in enumerate(cells):
        result = EpisodeResult(
            spec=cell,
            status=EpisodeStatus.OK,
            manifestable_bugs=list(cell.bugs),
            started_at=1000.0 + i,
            finished_at=1010.0 + i,
        )
        store.add_episode(run_id, result)
    store.add_change({"frontendx": "0"}, ["new"], run_id=run_id, reused=0, ran=len(cells))
    store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    row_id, payload = conn.execute("SELECT id, result_json FROM episodes LIMIT 1").fetchone()
    data = json.loads(payload)
    data["spec"]["task"]["budget"]["wall_seconds"] = None  # how pydantic wrote an inf
    conn.execute("UPDATE episodes SET result_json=? WHERE id=?", (json.dumps(data), row_id))
    conn.close()
    return db, run_id, row_id


def _names_the_row(stderr: str, row_id: int) -> bool:
    return (
        f"table `episodes`, row {row_id} cannot be read and is skipped" in stderr
        and "wall_seconds" in stderr
        and stderr.count(f"row {row_id} cannot") == 1
        and "Traceback" not in stderr
    )


def test_report_compare_and_export_site_skip_an_undecodable_row_and_name_it(
    tmp_path: Path,
) -> None:
    db, run_id, bad = _poisoned_store(tmp_path)
    for args in (
        ["report", "--format", "json"],
        ["report", "--run-id", run_id, "--format", "json"],
        ["compare"],
        ["changelog"],
    ):
        proc = frontendx_cli(*args, "--db", str(db))
        assert proc.returncode == 0, (args, proc.stderr)
        if args[0] == "report":
            assert _names_the_row(proc.stderr, bad), proc.stderr
            assert json.loads(proc.stdout)["meta"]["episodes"] == 2
    site = tmp_path / "site"
    proc = frontendx_cli("export-site", str(site), "--db", str(db))
    assert proc.returncode == 0 and _names_the_row(proc.stderr, bad), proc.stderr
    assert (site / "data" / "index.json").is_file()
    assert not (site / "data" / "episode" / f"{bad}.json").exists()
    proc = frontendx_cli("export-test", "--episode", str(bad), "--db", str(db))
    assert proc.returncode == 2, proc.stderr
    assert f"episode {bad} is stored but cannot be read" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_dashboard_serves_a_store_with_an_undecodable_row(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db, _, bad = _poisoned_store(tmp_path)
    views = Views(SqliteStore(db, create=False))
    index = json.loads(views.get("data/index.json")[1])  # type: ignore[arg-type]
    assert index["episodes"] == 2
    board = json.loads(views.get("data/leaderboard/latest/all.json")[1])  # type: ignore[arg-type]
    assert [row["n_episodes"] for row in board["rows"]] == [2]
    assert _names_the_row(capfd.readouterr().err, bad)


def test_resume_on_a_store_with_an_undecodable_row_finishes_and_reports(tmp_path: Path) -> None:
    db, run_id, bad = _poisoned_store(tmp_path)
    proc = frontendx_cli("resume", "--db", str(db), "--run-id", run_id)
    assert proc.returncode == 0, proc.stderr
    assert "3 already stored, 0 ran now" in proc.stderr
    assert _names_the_row(proc.stderr, bad), proc.stderr


def test_the_newest_result_that_can_be_read_stands_for_its_cell(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.db"
    store = SqliteStore(db)
    old = episode(bugs=["a"], findings=[found(3.0, V, "a")], version="1.0")
    new = episode(bugs=["a"], version="2.0")
    store.add_episode(store.create_run({}, 1, "0"), old.model_copy(update={"finished_at": 1.0}))
    store.add_episode(store.create_run({}, 1, "0"), new.model_copy(update={"finished_at": 2.0}))
    store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE episodes SET result_json='{\"broken' WHERE id=2")
    conn.close()
    store = SqliteStore(db, create=False)
    assert [(i, r.spec.agent.version) for i, r in store.latest_rows()] == [(1, "1.0")]
    assert list(store.results([1, 2])) == [1]
    assert "table `episodes`, row 2 cannot be read" in capfd.readouterr().err


def test_a_store_whose_schema_version_is_not_an_integer_is_a_located_error(
    tmp_path: Path,
) -> None:
    db, _, _ = _poisoned_store(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='two' WHERE key='schema_version'")
    proc = frontendx_cli("report", "--db", str(db))
    assert proc.returncode == 2, proc.stderr
    assert "`schema_version`: 'two' is not an integer" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- user text in messages ------------------------------------------------------------------


def test_a_path_with_rich_markup_is_printed_literally(tmp_path: Path) -> None:
    folder = tmp_path / "["
    folder.mkdir()
    db = folder / "]x.db"  # the path reads .../[/]x.db
    proc = frontendx_cli("report", "--db", str(db))
    assert proc.returncode == 2, proc.stderr
    assert f"error: {db}: no such results database" in proc.stderr.replace("\n", "")
    assert "Traceback" not in proc.stderr


def test_a_run_id_with_rich_markup_is_printed_literally(tmp_path: Path) -> None:
    db, _, _ = _poisoned_store(tmp_path)
    proc = frontendx_cli("report", "--db", str(db), "--run-id", "[bold]x[/]")
    assert proc.returncode == 2, proc.stderr
    assert "no run '[bold]x[/]'" in proc.stderr and "Traceback" not in proc.stderr


# --- export-test ----------------------------------------------------------------------------

_HOSTILE_TITLE = 'Total is wrong \\x \\N{oops} """ \x00 \r\n import os \u2028 end'


def _store_with_finding(tmp_path: Path, title: str) -> Path:
    db = tmp_path / "f.db"
    store = SqliteStore(db)
    run = store.create_run({}, 1, "0")
    finding = Finding.model_validate(
        {
            "title": title,
            "steps": [
                {"action": "goto", "url": "/\\x\x00"},
                {"action": "expect", "condition": "text", "target": {"text": "a\\x"}, "text": "\\"},
            ],
        }
    )
    ep = episode(bugs=["a"], findings=[found(3.0, V, "a")])
    ep = ep.model_copy(
        update={"findings": [ReportedFinding(index=0, found_at=3.0, finding=finding)]}
    )
    store.add_episode(run, ep)
    store.close()
    return db


def test_export_test_writes_a_file_that_compiles_whatever_the_title(tmp_path: Path) -> None:
    db = _store_with_finding(tmp_path, _HOSTILE_TITLE)
    out = tmp_path / "test_x.py"
    proc = frontendx_cli("export-test", "--db", str(db), "--episode", "1", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    source = out.read_text(encoding="utf-8")
    compile(source, str(out), "exec")
    assert "# Finding: Total is wrong \\x \\N{oops}" in source
    assert "\x00" not in source


def test_export_refuses_source_that_would_not_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "_comment", lambda text: text)  # the old, unsafe way
    finding = Finding.model_validate(
        {
            "title": "a\nb = (",
            "steps": [{"action": "expect", "condition": "visible", "target": {"text": "a"}}],
        }
    )
    with pytest.raises(ReproError, match="does not compile"):
        export_module.export_pytest(finding, app_url="http://127.0.0.1:1")


# --- broken app files -----------------------------------------------------------------------


def _broken_tipcalc(tmp_path: Path, how: str) -> Path:
    app = tmp_path / f"tipcalc-{how}"
    shutil.copytree(TIPCALC, app)
    if how == "manifest":
        text = (app / "app.yaml").read_bytes()
        (app / "app.yaml").write_bytes(text.replace(b"Tip calculator", b"Tip calcul\xe9tor"))
    elif how == "spec":
        (app / "spec.md").write_bytes((app / "spec.md").read_bytes() + b"\n\xff\xfe\n")
    elif how == "patch":
        patch = app / "patches" / "people-label.patch"
        patch.write_bytes(patch.read_bytes() + b"\xff\n")
    elif how == "dangling-link":
        (app / "site" / "gone.js").symlink_to("missing.js")
    elif how == "link-loop":
        (app / "site" / "loop.js").symlink_to("loop.js")
    return app


_WHERE = {
    "manifest": "app.yaml: the app manifest is not UTF-8 text (byte 0xe9 on line",
    "spec": "the spec is not UTF-8 text (byte 0xff on line",
    "patch": "(bug 'people-label'):",
    "dangling-link": "gone.js",
    "link-loop": "loop.js",
}


@pytest.mark.parametrize("how", list(_WHERE))
def test_broken_app_files_are_located_problems_in_validate(tmp_path: Path, how: str) -> None:
    app = _broken_tipcalc(tmp_path, how)
    proc = frontendx_cli("suites", "validate", str(app))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # a wrapped line may break at a space or inside a long path: compare without whitespace
    text = "".join(proc.stdout.split())
    assert "".join(_WHERE[how].split()) in text, proc.stdout
    if how in ("manifest", "spec", "patch"):
        assert "save" in text and "UTF-8" in text
    else:
        assert "whichdoesnotexist:removethelinkorrestoreitstarget" in text


@pytest.mark.parametrize("how", list(_WHERE))
def test_broken_app_files_are_exit_2_errors_when_the_app_is_loaded(
    tmp_path: Path, how: str
) -> None:
    app = _broken_tipcalc(tmp_path, how)
    db = tmp_path / "runs.db"
    proc = frontendx_cli("run", "--apps", str(app), "--agents", "oracle", "--db", str(db))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "".join(_WHERE[how].split()) in "".join(proc.stderr.split()), proc.stderr
    assert not db.exists()


# --- read-only stores -----------------------------------------------------------------------


def _as_another_user() -> list[str]:
    """A prefix that runs a command as an unprivileged user: as root, file modes do not stop
    writes, so a read-only store is only read-only to someone else."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to drop root")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def read_only_store() -> Iterator[Path]:
    """A copy of a store in a folder nobody may write to, readable by everyone."""
    top = Path(tempfile.mkdtemp(prefix="frontendx-ro-"))
    try:
        top.chmod(0o755)
        _poisoned_store(top)
        db = top / "runs.db"
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA journal_mode=DELETE")  # leave no write-ahead log behind
        conn.close()
        for extra in top.iterdir():
            if extra.name != "runs.db":
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
        db.chmod(0o444)
        top.chmod(0o555)
        yield db
    finally:
        top.chmod(0o755)
        shutil.rmtree(top)


def _cli_as_other(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COLUMNS": "200",
        "HOME": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    return subprocess.run(
        [*_as_another_user(), sys.executable, "-m", "frontendx.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_read_only_commands_read_a_store_that_cannot_be_written(read_only_store: Path) -> None:
    db = read_only_store
    before = db.read_bytes()
    probe = subprocess.run(  # the store really is read-only to that user
        [*_as_another_user(), "sh", "-c", f"touch {shlex.quote(str(db))}"],
        capture_output=True,
        check=False,
    )
    assert probe.returncode != 0
    for args in (["report", "--format", "json"], ["changelog"], ["compare"]):
        proc = _cli_as_other(*args, "--db", str(db))
        assert proc.returncode == 0, (args, proc.stderr)
        assert "not a FrontendX" not in proc.stderr
    proc = _cli_as_other("report", "--format", "json", "--db", str(db))
    assert json.loads(proc.stdout)["meta"]["episodes"] == 2
    site = Path(tempfile.mkdtemp(prefix="frontendx-site-"))
    try:
        site.chmod(0o777)
        proc = _cli_as_other("export-site", str(site / "out"), "--db", str(db))
        assert proc.returncode == 0, proc.stderr
        assert (site / "out" / "data" / "index.json").is_file()
    finally:
        shutil.rmtree(site)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["runs.db"]


def test_a_writing_command_on_a_read_only_store_says_so(read_only_store: Path) -> None:
    proc = _cli_as_other("resume", "--db", str(read_only_store))
    assert proc.returncode == 2, proc.stderr
    assert "the results database is read-only" in proc.stderr
    assert "use a read-only command (report" in proc.stderr
    assert "not a FrontendX" not in proc.stderr


def test_an_opened_read_only_store_never_writes(tmp_path: Path) -> None:
    db, _, _ = _poisoned_store(tmp_path)
    store = SqliteStore(db, create=False, read_only=True)
    assert store.read_only
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.create_run({}, 1, "0")


# --- the docs' own examples -----------------------------------------------------------------


def test_the_readme_run_spec_example_is_valid() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("A run spec in YAML", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    raw = yaml.safe_load(block)
    raw["apps"] = [str(MINI)]  # the example's app list, on the small test app
    spec = parse_run_spec(raw, "README")
    assert [a.name for a in spec.agents] == ["oracle", "null"]


def test_a_yaml_null_agent_name_says_to_quote_it() -> None:
    raw = yaml.safe_load("agents: [oracle, {name: null, config: {findings: 3}}]")
    with pytest.raises(RunSpecError) as caught:
        parse_run_spec({"apps": [str(MINI)], **raw})
    assert "`agents[1].name`: is YAML null" in str(caught.value)
    assert 'quote it: "null"' in str(caught.value)


def _doc_commands(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:sh|bash)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words and "=" in words[0] and not words[0].startswith("-"):
                words = words[1:]  # VAR=value prefixes
            if words and words[0] == "frontendx":
                commands.append(words[1:])
    return commands


def test_the_dashboard_docs_commands_parse_and_name_the_default_port() -> None:
    doc = ROOT / "docs" / "dashboard.md"
    commands = _doc_commands(doc)
    assert {c[0] for c in commands} >= {"serve", "export-site"}
    for words in commands:
        command = main.get_command(click.Context(main), words[0])
        assert command is not None, words
        command.make_context(words[0], list(words[1:]))  # raises on a wrong usage
    serve = main.get_command(click.Context(main), "serve")
    assert serve is not None
    port = next(p.default for p in serve.params if p.name == "port")
    text = doc.read_text(encoding="utf-8")
    served_at = set(re.findall(r"http://127\.0\.0\.1:(\d+)/(?:api|\s|$)", text))
    assert served_at == {str(port)}, served_at
