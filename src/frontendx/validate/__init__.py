"""Validation: replaying a finding's steps and judging it by differential replay."""

from frontendx.validate._flaky import FIX_RUNS, RATE_RANGE, TestSuiteCheck
from frontendx.validate._generate import CLEAN_RUNS, KILL_RUNS, SuiteJudge, kill_trace
from frontendx.validate._replay import Outcome, Replayer, ReplayResult, axe_source, resolve
from frontendx.validate._selftest import (
    BugCheck,
    ChangeCheck,
    self_test,
    self_test_changes,
    self_test_suites,
)
from frontendx.validate._validator import DEFAULT_REPLAYS, Validator

__all__ = [
    "CLEAN_RUNS",
    "DEFAULT_REPLAYS",
    "FIX_RUNS",
    "KILL_RUNS",
    "RATE_RANGE",
    "BugCheck",
    "ChangeCheck",
    "Outcome",
    "ReplayResult",
    "Replayer",
    "SuiteJudge",
    "TestSuiteCheck",
    "Validator",
    "axe_source",
    "kill_trace",
    "resolve",
    "self_test",
    "self_test_changes",
    "self_test_suites",
]
