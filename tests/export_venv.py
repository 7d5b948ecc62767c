"""A fresh virtual environment holding only pytest-playwright, where exported tests run: it
proves they need nothing of FrontendX (the project's own venv is never on their path)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest


def make_export_venv(folder: Path) -> Path:
    """Create `folder` as a venv (no system site packages) and pip-install pytest-playwright
    into it from the index pip is configured with; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "pytest-playwright"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, f"pip install pytest-playwright failed:\n{install.stderr}"
    return python


@pytest.fixture(scope="session")
def export_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The python of a fresh venv with only pytest-playwright, made once per test session."""
    yield make_export_venv(tmp_path_factory.mktemp("export-venv") / "venv")


def run_exported(
    python: Path, test_file: Path, base_url: str, *extra: str, timeout: float = 900
) -> tuple[subprocess.CompletedProcess[str], dict[str, bool]]:
    """Run an exported file with `python`'s pytest against `base_url` (isolated from this
    project's pytest config); returns the process and each test's name -> passed."""
    report = test_file.with_suffix(".junit.xml")
    ini = test_file.parent / "pytest.ini"
    if not ini.exists():
        ini.write_text("[pytest]\n")
    proc = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ini),
            "--rootdir",
            str(test_file.parent),
            "--base-url",
            base_url,
            f"--junitxml={report}",
            *extra,
            str(test_file),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=test_file.parent,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    passed: dict[str, bool] = {}
    if report.is_file():
        for case in ET.parse(report).getroot().iter("testcase"):
            failed = any(child.tag in ("failure", "error") for child in case)
            # pytest-playwright names each test by browser too: test_x[chromium]
            name = case.get("name", "").split("[", 1)[0]
            passed[name] = not failed and case.find("skipped") is None
    return proc, passed
