"""One error tree: every public exception lives in `frontendx.errors` under `FrontendXError`,
and the command line maps its branches to exit codes (2 bad input, 3 infrastructure, 1 else).
Browser-free."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import frontendx
from frontendx import cli, errors


def _public_exceptions_outside_errors() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(frontendx.__path__, "frontendx."):
        if info.name == "frontendx.errors" or ".apps." in info.name:
            continue  # the apps' backends are served code with private exceptions
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.append(f"{module.__name__}.{name}")
    return found


def test_every_public_exception_is_defined_in_errors_py() -> None:
    assert _public_exceptions_outside_errors() == []


def test_the_runner_retries_the_infra_branch_of_the_tree() -> None:
    from frontendx.runner import InfraError

    assert InfraError is errors.InfraError


def test_every_exception_in_errors_py_derives_from_the_base() -> None:
    classes = [
        obj
        for obj in vars(errors).values()
        if inspect.isclass(obj) and issubclass(obj, BaseException)
    ]
    assert len(classes) > 10
    strays = [c.__name__ for c in classes if not issubclass(c, errors.FrontendXError)]
    assert strays == []


def test_moved_exceptions_are_still_importable_from_their_old_modules() -> None:
    from frontendx.agents._external import AgentProcessError
    from frontendx.agents._model import ModelError
    from frontendx.dashboard import NotFound
    from frontendx.gateway import GatewayError
    from frontendx.gateway._cassette import CassetteMiss
    from frontendx.gateway._http import UpstreamTimeout, UpstreamUnreachable
    from frontendx.gateway._wire import UsageMissing

    assert AgentProcessError is errors.AgentProcessError
    assert ModelError is errors.ModelError
    assert NotFound is errors.NotFound
    assert GatewayError is errors.GatewayError
    assert CassetteMiss is errors.CassetteMiss
    assert UpstreamTimeout is errors.UpstreamTimeout
    assert UpstreamUnreachable is errors.UpstreamUnreachable
    assert UsageMissing is errors.UsageMissing


def test_infrastructure_and_agent_faults_are_separate_branches() -> None:
    infra = [errors.BrowserError, errors.AppError, errors.GatewayError, errors.UpstreamTimeout]
    infra += [errors.UpstreamUnreachable, errors.UsageMissing]
    agent = [errors.AgentProcessError, errors.BudgetExceeded, errors.AgentFlooded]
    agent += [errors.ModelError, errors.GatewayRequestError, errors.CassetteMiss]
    for cls in infra:
        assert issubclass(cls, errors.InfraError) and not issubclass(cls, errors.AgentFault)
    for cls in agent:
        assert issubclass(cls, errors.AgentFault) and not issubclass(cls, errors.InfraError)
    for cls in (errors.StoreError, errors.NotFound, errors.ManifestError, errors.RunSpecError):
        assert issubclass(cls, errors.ConfigError)


def _exit_of(exc: Exception) -> int:
    @cli._guard
    def command() -> None:
        raise exc

    with pytest.raises(SystemExit) as raised:
        command()
    assert isinstance(raised.value.code, int)
    return raised.value.code


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.GatewayError("gateway did not start"), 3),
        (errors.UpstreamUnreachable("connection refused"), 3),
        (errors.UpstreamTimeout("no answer within 1 s"), 3),
        (errors.AppError("app server died"), 3),
        (errors.BrowserError("chromium missing"), 3),
        (errors.ConfigError("bad spec"), 2),
        (errors.StoreError("not a FrontendX store"), 2),
        (errors.NotFound("no episode 7"), 2),
        (errors.AgentProcessError("exit status 1"), 1),
        (errors.ReproError("step 0: bad"), 1),
    ],
)
def test_cli_exit_code_follows_the_branch_of_the_error(exc: Exception, code: int) -> None:
    assert _exit_of(exc) == code
