"""Validation: replaying a finding's steps and judging it by differential replay."""

from frontendx.validate._replay import Outcome, Replayer, ReplayResult, axe_source, resolve
from frontendx.validate._selftest import BugCheck, self_test
from frontendx.validate._validator import DEFAULT_REPLAYS, Validator

__all__ = [
    "DEFAULT_REPLAYS",
    "BugCheck",
    "Outcome",
    "ReplayResult",
    "Replayer",
    "Validator",
    "axe_source",
    "resolve",
    "self_test",
]
