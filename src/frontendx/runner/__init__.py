"""Runs: run specs, the episode matrix, executing it, and resuming it."""

from frontendx.artifacts import artifacts_dir_for
from frontendx.runner._episode import InfraError, Worker
from frontendx.runner._executor import WorkerOptions, execute, specs_source
from frontendx.runner._run import RunSummary, resume_run, start_run
from frontendx.runner._spec import (
    AgentEntry,
    ExecutorSpec,
    RunSpec,
    default_spec_from_flags,
    expand,
    load_run_spec,
    parse_run_spec,
    with_executor,
)

__all__ = [
    "AgentEntry",
    "ExecutorSpec",
    "InfraError",
    "RunSpec",
    "RunSummary",
    "Worker",
    "WorkerOptions",
    "artifacts_dir_for",
    "default_spec_from_flags",
    "execute",
    "expand",
    "load_run_spec",
    "parse_run_spec",
    "resume_run",
    "specs_source",
    "start_run",
    "with_executor",
]
