"""The exception tree. Every message says what was wrong, where, and how to fix it.

FrontendXError
├── ConfigError          bad user input: run specs, manifests, CLI arguments, paths
│   ├── ManifestError    a suite/app manifest that does not validate
│   └── RunSpecError     a run spec that does not validate
├── ReproError           a finding's steps are malformed (names the step and field)
├── BrowserError         Chromium missing or failing to start (infrastructure)
├── AppError             an app under test failed to start, reset or switch variant (infrastructure)
├── BudgetExceeded       an agent spent its steps/tokens/dollars
└── StoreError           the results store cannot be opened or is not a FrontendX store
"""

from __future__ import annotations


class FrontendXError(Exception):
    """Base of every error FrontendX raises on purpose."""


class ConfigError(FrontendXError):
    """Bad user input; the message names the place and the fix."""


class ManifestError(ConfigError):
    """A suite or app manifest is invalid."""


class RunSpecError(ConfigError):
    """A run spec is invalid."""


class ReproError(FrontendXError):
    """A finding's steps are malformed or cannot be replayed."""


class BrowserError(FrontendXError):
    """The browser is missing or failed; never the agent's fault."""


class AppError(FrontendXError):
    """The app under test failed; never the agent's fault."""


class BudgetExceeded(FrontendXError):
    """An agent used up one of its budgets."""


class StoreError(FrontendXError):
    """The results store cannot be used."""
