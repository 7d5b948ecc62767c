"""Agent configs are pydantic models: they validate options with errors that name the option,
they are what `frontendx agents --format json` documents, the llm agent's tool schema comes
from the step models, and the stored config (hashed into a cell's identity) is the same dict
the hand-checked configs stored before for the same input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import TypeAdapter

from frontendx.agents import ModelEndpoint, make_agent
from frontendx.agents._llm import LlmConfig, _finding_schema
from frontendx.errors import ConfigError
from frontendx.records import AgentSpec
from frontendx.repro import _steps
from frontendx.repro._steps import _Step, step_models

PRICES = 'as_of = "2026-11-24"\ncurrency = "USD"\n\n[models.tester-1]\ninput = 2.0\noutput = 8.0\n'


@pytest.fixture
def prices(tmp_path: Path) -> str:
    path = tmp_path / "prices.toml"
    path.write_text(PRICES)
    return str(path)


def _llm_before(prices: str, **given: Any) -> dict[str, Any]:
    """What the hand-checked llm config stored for `given` (its defaults, `observation` as a
    list), written out here so a refactor cannot move both sides at once."""
    stored: dict[str, Any] = {
        "api": "openai",
        "base_url": "http://127.0.0.1:9/v1",
        "model": "tester-1",
        "api_key_env": None,
        "observation": ["aria"],
        "coordinates": False,
        "max_turns": 30,
        "max_output_tokens": 1024,
        "temperature": 0.0,
        "cassette": None,
        "cassette_mode": "off",
        "price_file": prices,
    }
    stored.update(given)
    if isinstance(stored["observation"], str):
        stored["observation"] = [stored["observation"]]
    return stored


CRAWLER_DEFAULTS = {
    "seed": 0,
    "max_pages": 12,
    "max_actions_per_page": 10,
    "max_depth": 6,
    "shrink_tries": 4,
    "sign_in": True,
    "invariants": True,
    "visual_threshold": 0.001,
    "accessibility": True,
    "visual": True,
}


@pytest.mark.parametrize(
    ("name", "given", "before"),
    [
        ("oracle", {}, {}),
        ("null", {}, {"findings": 2, "seed": 0}),
        ("null", {"findings": 3, "seed": 7}, {"findings": 3, "seed": 7}),
        ("crawler", {}, CRAWLER_DEFAULTS),
        (
            "crawler",
            {"max_pages": 5, "visual_threshold": 0, "visual": False},
            {**CRAWLER_DEFAULTS, "max_pages": 5, "visual_threshold": 0, "visual": False},
        ),
    ],
)
def test_stored_config_and_cell_identity_are_unchanged_for_the_same_input(
    name: str, given: dict[str, Any], before: dict[str, Any]
) -> None:
    agent = make_agent(name, given)
    # json text equality: 0 and 0.0 hash differently, so types must match too
    assert json.dumps(agent.config, sort_keys=True) == json.dumps(before, sort_keys=True)
    spec = AgentSpec(name=name, version=agent.version, config=agent.config)
    assert spec == AgentSpec(name=name, version=agent.version, config=before)


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"observation": "dom", "temperature": 0, "max_turns": 3},
        {"observation": ["aria", "screenshot"], "coordinates": True, "api": "anthropic"},
    ],
)
def test_llm_stored_config_is_unchanged_for_the_same_input(
    prices: str, given: dict[str, Any]
) -> None:
    raw = {"base_url": "http://127.0.0.1:9/v1", "model": "tester-1", "price_file": prices}
    agent = make_agent("llm", {**raw, **given})
    expected = _llm_before(prices, **given)
    assert json.dumps(agent.config, sort_keys=True) == json.dumps(expected, sort_keys=True)


@pytest.mark.parametrize(
    ("name", "given", "says"),
    [
        ("crawler", {"max_pages": 0}, "`max_pages`"),
        ("crawler", {"visual_threshold": 1.5}, "`visual_threshold`"),
        ("crawler", {"max_page": 3}, "`max_page`: Extra inputs are not permitted"),
        ("null", {"findings": 99}, "`findings`"),
        ("oracle", {"anything": 1}, "`anything`"),
        ("llm", {"model": "m"}, "`base_url`: Field required"),
        ("llm", {"base_url": "http://x/v1", "model": "m", "api": "grpc"}, "`api`"),
        (
            "llm",
            {"base_url": "http://x/v1", "model": "m", "observation": ["smell"]},
            "`observation",
        ),
    ],
)
def test_bad_option_is_refused_naming_it_and_the_accepted_options(
    name: str, given: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_agent(name, given)
    message = str(caught.value)
    assert f"agent {name!r}: bad config" in message and says in message
    assert "Accepted options:" in message


def test_llm_config_extends_the_one_shared_endpoint_model() -> None:
    assert issubclass(LlmConfig, ModelEndpoint)
    endpoint = set(ModelEndpoint.model_fields)
    assert {"base_url", "model", "api", "api_key_env", "cassette", "cassette_mode"} <= endpoint
    assert "price_file" in endpoint and endpoint <= set(LlmConfig.model_fields)


def test_agents_listing_takes_each_config_schema_from_its_model() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", "agents", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {r["name"]: r for r in json.loads(listing.stdout)}
    crawler = rows["crawler"]
    assert crawler["config"] == CRAWLER_DEFAULTS
    assert crawler["config_schema"]["properties"]["max_pages"]["minimum"] == 1
    assert crawler["config_schema"]["additionalProperties"] is False
    llm = rows["llm"]["config_schema"]
    assert set(llm["required"]) == {"base_url", "model"}
    assert llm["properties"]["cassette_mode"]["enum"] == ["off", "record", "replay"]
    assert rows["null"]["config_schema"]["properties"]["findings"]["maximum"] == 4
    assert rows["oracle"]["config"] == {}


def _step_defs(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    steps = schema["properties"]["steps"]["items"]
    refs = [variant["$ref"].rsplit("/", 1)[1] for variant in steps["oneOf"]]
    return {schema["$defs"][r]["properties"]["action"]["const"]: schema["$defs"][r] for r in refs}


def test_llm_tool_schema_types_every_step_by_its_model() -> None:
    defs = _step_defs(_finding_schema())
    for model in step_models():
        action = model.model_fields["action"].default
        assert set(defs[action]["properties"]) == set(model.model_fields), action
    # the hand-written help once said `select` takes `value`; the model says `values`
    assert defs["select"]["required"] == ["target", "values"]


def test_a_change_to_a_step_model_shows_up_in_the_tool_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Scroll(_Step):
        action: Literal["scroll"] = "scroll"
        pixels: int

    union = (*step_models(), Scroll)
    adapter: TypeAdapter[Any] = TypeAdapter(_union_of(union))
    monkeypatch.setattr(_steps, "_STEP_ADAPTER", adapter)
    defs = _step_defs(_finding_schema())
    assert defs["scroll"]["required"] == ["pixels"]


def _union_of(models: tuple[type, ...]) -> Any:
    from typing import Annotated, Union

    from pydantic import Field

    return Annotated[Union[models], Field(discriminator="action")]  # noqa: UP007
