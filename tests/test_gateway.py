"""The metered gateway and the scripted upstream (docs/design.md §8). No browser: every test
runs a real ScriptedUpstream and a real Gateway on loopback and talks HTTP to them."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontendx.errors import ConfigError
from frontendx.gateway import (
    DEFAULT_PRICE_FILE,
    Gateway,
    GatewayBudget,
    PriceTable,
    ReceivedRequest,
    ScriptedToolCall,
    ScriptedTurn,
    ScriptedUpstream,
    UpstreamConfig,
    request_key,
)
from frontendx.gateway import _http as gateway_http
from frontendx.records import EpisodeStatus, Usage

KEY_ENV = "FRONTENDX_TEST_GATEWAY_KEY"
KEY = "sk-test-right-key"
# A 1x1 PNG: what an agent's screenshot looks like on the wire.
PNG_B64 = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
    )
).decode()
PRICES = """
as_of = "2025-01-01"

[models.test-model]
input = 3.0
cached_input = 0.3
cache_write = 3.75
output = 15.0

[models.gpu-model]
kind = "local"
gpu_hour = 7.2
gpus = 2
"""


@pytest.fixture
def price_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.toml"
    path.write_text(PRICES)
    return path


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY_ENV


@pytest.fixture(params=["lean", "httpx"])
def upstream_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each upstream client: the lean one (loopback) and httpx (the rest)."""
    if request.param == "httpx":
        monkeypatch.setattr(gateway_http, "LOOPBACK_HOSTS", frozenset())
    return str(request.param)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as c:
        yield c


def upstream_config(up: ScriptedUpstream, api: str, **fields: Any) -> UpstreamConfig:
    return UpstreamConfig.model_validate(
        {"api": api, "base_url": up.base_url, "model": up.model, **fields}
    )


def chat(client: httpx.Client, gw: Gateway, body: dict[str, Any]) -> httpx.Response:
    return client.post(
        gw.base_url + "/chat/completions",
        json=body,
        headers={"authorization": "Bearer frontendx-gateway"},
    )


def messages(client: httpx.Client, gw: Gateway, body: dict[str, Any]) -> httpx.Response:
    return client.post(
        gw.root_url + "/v1/messages",
        json=body,
        headers={"x-api-key": "frontendx-gateway", "anthropic-version": "2023-06-01"},
    )


def user_chat(text: str = "hello") -> dict[str, Any]:
    return {"model": "test-model", "messages": [{"role": "user", "content": text}]}


def user_message(text: str = "hello") -> dict[str, Any]:
    return {
        "model": "test-model",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": text}],
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def hosted_cost(fresh: int, cached: int, written: int, output: int) -> float:
    return (fresh * 3.0 + cached * 0.3 + written * 3.75 + output * 15.0) / 1_000_000


# -- metering ----------------------------------------------------------------------------------


def test_openai_tokens_and_cost_equal_the_scripted_usage(
    price_file: Path, key_env: str, client: httpx.Client, upstream_client: str
) -> None:
    script = [
        ScriptedTurn.say("one", input_tokens=1200, output_tokens=80, cached_tokens=1000),
        ScriptedTurn.say("two", input_tokens=333, output_tokens=7),
    ]
    with (
        ScriptedUpstream(script, model="test-model", api_key=KEY) as up,
        Gateway(upstream_config(up, "openai", api_key_env=key_env), price_file=price_file) as gw,
    ):
        first = chat(client, gw, user_chat("a"))
        second = chat(client, gw, user_chat("b"))
        assert first.status_code == 200 and second.status_code == 200
        assert first.json()["choices"][0]["message"]["content"] == "one"
        # The real key went upstream; the agent's placeholder did not.
        assert {r.headers["authorization"] for r in up.model_requests} == {f"Bearer {KEY}"}
        records = gw.records()
        usage = gw.usage()
        expected = {"lean": gateway_http.LoopbackClient, "httpx": gateway_http.HttpxClient}
        assert isinstance(gw._client, expected[upstream_client])

    assert [(r.input_tokens, r.output_tokens, r.cached_tokens) for r in records] == [
        (1200, 80, 1000),
        (333, 7, 0),
    ]
    assert records[0].cost_usd == pytest.approx(hosted_cost(200, 1000, 0, 80), rel=1e-12)
    assert records[1].cost_usd == pytest.approx(hosted_cost(333, 0, 0, 7), rel=1e-12)
    assert all(r.latency_ms > 0 and r.error is None and not r.cassette_hit for r in records)
    assert (usage.calls, usage.errors) == (2, 0)
    assert (usage.input_tokens, usage.output_tokens, usage.cached_tokens) == (1533, 87, 1000)
    assert usage.cost_usd == pytest.approx(records[0].cost_usd + records[1].cost_usd, rel=1e-12)
    # What the episode runner copies into the stored record.
    stored = Usage().model_copy(update=usage.usage_fields())
    assert (stored.input_tokens, stored.output_tokens) == (1533, 87)
    assert stored.model_cost_usd == usage.cost_usd


def test_anthropic_tokens_and_cost_equal_the_scripted_usage(
    price_file: Path, key_env: str, client: httpx.Client, upstream_client: str
) -> None:
    turn = ScriptedTurn.say(
        "hi", input_tokens=5000, output_tokens=300, cached_tokens=4000, cache_write_tokens=600
    )
    with (
        ScriptedUpstream([turn], model="test-model", api_key=KEY) as up,
        Gateway(upstream_config(up, "anthropic", api_key_env=key_env), price_file=price_file) as gw,
    ):
        response = messages(client, gw, user_message())
        assert response.status_code == 200, response.text
        # Anthropic reports the three parts of the prompt apart...
        assert response.json()["usage"] == {
            "input_tokens": 400,
            "output_tokens": 300,
            "cache_read_input_tokens": 4000,
            "cache_creation_input_tokens": 600,
        }
        sent = up.model_requests[0].headers
        assert (sent["x-api-key"], sent["anthropic-version"]) == (KEY, "2023-06-01")
        (record,) = gw.records()

    # ... and the gateway adds them back into one prompt count.
    assert (record.input_tokens, record.output_tokens) == (5000, 300)
    assert (record.cached_tokens, record.cache_write_tokens) == (4000, 600)
    assert record.cost_usd == pytest.approx(hosted_cost(400, 4000, 600, 300), rel=1e-12)


def test_local_model_is_priced_per_gpu_hour_of_latency(
    price_file: Path, client: httpx.Client
) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("slow", delay_s=0.2)], model="gpu-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        assert chat(client, gw, user_chat()).status_code == 200
        (record,) = gw.records()
    assert record.latency_ms >= 200
    assert record.cost_usd == pytest.approx(record.latency_ms / 3_600_000 * 7.2 * 2, rel=1e-12)
    assert gw.price.kind == "local"


def test_the_gateway_serves_only_its_configured_model(
    price_file: Path, client: httpx.Client
) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("ok")], model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
        assert chat(client, gw, body).status_code == 200
        assert up.model_requests[0].body["model"] == "test-model"
        (record,) = gw.records()
    assert (record.model, record.requested_model) == ("test-model", "gpt-4o")


def test_models_list_is_passed_through(
    price_file: Path, key_env: str, client: httpx.Client
) -> None:
    with (
        ScriptedUpstream([], model="test-model", api_key=KEY) as up,
        Gateway(upstream_config(up, "openai", api_key_env=key_env), price_file=price_file) as gw,
    ):
        response = client.get(gw.base_url + "/models")
        assert response.status_code == 200
        assert [m["id"] for m in response.json()["data"]] == ["test-model"]
        assert up.requests[-1].headers["authorization"] == f"Bearer {KEY}"
    assert gw.records() == []  # not a model call: nothing metered


# -- tool calls and images, both ways ----------------------------------------------------------


def test_openai_tool_calls_and_images_pass_through(price_file: Path, client: httpx.Client) -> None:
    script = [
        ScriptedTurn(
            text="Clicking.",
            tool_calls=(
                ScriptedToolCall(name="click", arguments={"ref": "e12", "button": "left"}),
                ScriptedToolCall(name="type", arguments={"ref": "e3", "text": "ünïcode"}),
            ),
        ),
        ScriptedTurn.say("Done."),
    ]
    image_url = f"data:image/png;base64,{PNG_B64}"
    tools = [
        {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}
        for name in ("click", "type")
    ]
    with (
        ScriptedUpstream(script, model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        history: list[dict[str, Any]] = [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Test this page."},
                    {"type": "image_url", "image_url": {"url": image_url, "detail": "low"}},
                ],
            }
        ]
        first = chat(client, gw, {"model": "test-model", "messages": history, "tools": tools})
        assert first.status_code == 200, first.text
        message = first.json()["choices"][0]["message"]
        calls = message["tool_calls"]
        assert [(c["function"]["name"], json.loads(c["function"]["arguments"])) for c in calls] == [
            ("click", {"ref": "e12", "button": "left"}),
            ("type", {"ref": "e3", "text": "ünïcode"}),
        ]
        history.append(message)
        history += [{"role": "tool", "tool_call_id": c["id"], "content": "ok"} for c in calls]
        second = chat(client, gw, {"model": "test-model", "messages": history, "tools": tools})
        assert second.status_code == 200, second.text
        assert second.json()["choices"][0]["message"]["content"] == "Done."

        received = up.model_requests
        assert received[0].images() == [image_url]  # the screenshot arrived byte for byte
        assert received[0].body["tools"] == tools
        assert received[1].body["messages"] == history


def test_anthropic_tool_use_and_images_pass_through(price_file: Path, client: httpx.Client) -> None:
    script = [
        ScriptedTurn.call("screenshot", {"full_page": True}),
        ScriptedTurn.say("I see a button."),
    ]
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
    }
    with (
        ScriptedUpstream(script, model="test-model") as up,
        Gateway(upstream_config(up, "anthropic"), price_file=price_file) as gw,
    ):
        history: list[dict[str, Any]] = [
            {"role": "user", "content": [image, {"type": "text", "text": "What is this?"}]}
        ]
        tools = [{"name": "screenshot", "input_schema": {"type": "object"}}]
        body = {"model": "test-model", "max_tokens": 512, "messages": history, "tools": tools}
        first = messages(client, gw, body)
        assert first.status_code == 200, first.text
        content = first.json()["content"]
        assert [(b["type"], b["name"], b["input"]) for b in content] == [
            ("tool_use", "screenshot", {"full_page": True})
        ]
        history.append({"role": "assistant", "content": content})
        history.append(
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": content[0]["id"], "content": [image]}
                ],
            }
        )
        second = messages(client, gw, {**body, "messages": history})
        assert second.status_code == 200, second.text
        assert second.json()["content"] == [{"type": "text", "text": "I see a button."}]
        received = up.model_requests
        assert received[0].images() == [PNG_B64]
        assert received[1].images() == [PNG_B64, PNG_B64]  # the one in the tool result too


def test_the_scripted_upstream_is_strict_like_the_real_apis(
    price_file: Path, client: httpx.Client
) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("never")], model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        orphan = {
            "model": "test-model",
            "messages": [
                {"role": "user", "content": "x"},
                {"role": "tool", "tool_call_id": "call_9", "content": "ok"},
            ],
        }
        response = chat(client, gw, orphan)
        assert response.status_code == 400
        assert "tool_call_id 'call_9' is not pending" in response.json()["error"]["message"]
        (record,) = gw.records()
    # An upstream 4xx is the agent's to handle: passed back, recorded, not episode-ending.
    assert (record.error, record.status, record.episode_status) == ("upstream_error", 400, None)
    assert gw.failure is None
    assert up.turns_used == 0


def test_a_responder_answers_from_the_request(price_file: Path, client: httpx.Client) -> None:
    def answer(request: ReceivedRequest) -> ScriptedTurn:
        said = request.body["messages"][-1]["content"]
        return ScriptedTurn.say(f"you said {said}", input_tokens=len(said), output_tokens=2)

    with (
        ScriptedUpstream(answer, model="test-model") as up,
        Gateway(upstream_config(up, "anthropic"), price_file=price_file) as gw,
    ):
        first = messages(client, gw, user_message("abc"))
        second = messages(client, gw, user_message("hello"))
    assert first.json()["content"] == [{"type": "text", "text": "you said abc"}]
    assert second.json()["content"] == [{"type": "text", "text": "you said hello"}]
    assert (gw.usage().input_tokens, gw.usage().output_tokens) == (8, 4)
    assert up.turns_used == 2


# -- budget ------------------------------------------------------------------------------------


def test_token_budget_refuses_without_calling_upstream(
    price_file: Path, client: httpx.Client
) -> None:
    script = [ScriptedTurn.say(str(i), input_tokens=100, output_tokens=20) for i in range(5)]
    budget = GatewayBudget(max_tokens=200)
    with (
        ScriptedUpstream(script, model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file, budget=budget) as gw,
    ):
        assert chat(client, gw, user_chat()).status_code == 200
        assert not gw.exhausted
        assert chat(client, gw, user_chat()).status_code == 200  # started under the limit
        assert gw.exhausted
        refused = chat(client, gw, user_chat())
        assert len(up.model_requests) == 2  # the refused call never reached the upstream

    assert refused.status_code == 402
    error = refused.json()["error"]
    assert (error["code"], error["budget"], error["limit"], error["spent"]) == (
        "budget_exceeded",
        "tokens",
        200,
        240,
    )
    assert "tokens budget is used up: spent 240 tokens of 200" in error["message"]
    failure = gw.failure
    assert failure is not None and failure.episode_status == EpisodeStatus.BUDGET
    assert gw.usage().tokens == 240  # the refusal cost nothing


def test_dollar_budget_answers_in_the_anthropic_format(
    price_file: Path, client: httpx.Client
) -> None:
    # 10k output tokens at $15 per million: $0.15 per call.
    script = [ScriptedTurn.say("x", input_tokens=0, output_tokens=10_000)] * 3
    budget = GatewayBudget(max_usd=0.1)
    with (
        ScriptedUpstream(script, model="test-model") as up,
        Gateway(upstream_config(up, "anthropic"), price_file=price_file, budget=budget) as gw,
    ):
        assert messages(client, gw, user_message()).status_code == 200
        refused = messages(client, gw, user_message())
        assert up.turns_used == 1
    assert refused.status_code == 402
    body = refused.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == "billing_error"
    assert (body["error"]["budget"], body["error"]["limit"]) == ("usd", 0.1)
    assert body["error"]["spent"] == pytest.approx(0.15)
    assert gw.exhausted


# -- cassettes ---------------------------------------------------------------------------------


def test_cassette_record_then_replay_is_identical_with_zero_upstream_calls(
    tmp_path: Path, price_file: Path, key_env: str, client: httpx.Client
) -> None:
    cassette = tmp_path / "episode.cassette.json"
    script = [
        ScriptedTurn.call("click", {"ref": "e1"}, input_tokens=900, cached_tokens=800),
        ScriptedTurn.say("retry answer", input_tokens=500, output_tokens=9),
        ScriptedTurn.say("last", input_tokens=50, output_tokens=5, delay_s=0.05),
    ]
    # The second request repeats the first: replay must give the two answers in order.
    requests = [user_chat("start"), user_chat("start"), user_chat("end")]

    with (
        ScriptedUpstream(script, model="test-model", api_key=KEY) as up,
        Gateway(
            upstream_config(up, "openai", api_key_env=key_env),
            price_file=price_file,
            cassette=cassette,
            cassette_mode="record",
        ) as gw,
    ):
        recorded = [chat(client, gw, body) for body in requests]
        models = client.get(gw.base_url + "/models").json()
        recorded_usage = gw.usage()
        recorded_records = gw.records()
        base_url = up.base_url
    assert [r.status_code for r in recorded] == [200, 200, 200]
    assert json.loads(cassette.read_text())["version"] == 1

    # Replay: the same upstream config (the server is gone, and no key is needed).
    with (
        ScriptedUpstream([], model="test-model") as idle,
        Gateway(
            UpstreamConfig(
                api="openai", base_url=base_url, model="test-model", api_key_env="UNSET_VAR_X"
            ),
            price_file=price_file,
            cassette=cassette,
            cassette_mode="replay",
        ) as gw,
    ):
        replayed = [chat(client, gw, body) for body in requests]
        assert client.get(gw.base_url + "/models").json() == models
        extra = chat(client, gw, user_chat("end"))
        assert idle.requests == []
        replay_usage = gw.usage()
        replay_records = gw.records()

    assert [r.json() for r in replayed] == [r.json() for r in recorded]
    assert replayed[1].json()["choices"][0]["message"]["content"] == "retry answer"
    assert all(r.cassette_hit for r in replay_records[:3])
    same = ("input_tokens", "output_tokens", "cached_tokens", "latency_ms", "cost_usd")
    for a, b in zip(recorded_records, replay_records, strict=False):
        assert [getattr(a, f) for f in same] == [getattr(b, f) for f in same]
    assert replay_usage.cost_usd == recorded_usage.cost_usd
    assert replay_usage.input_tokens == recorded_usage.input_tokens == 1450
    assert replay_usage.cassette_hits == 3

    # A fourth request with the key of the third: a miss that names the file and the key.
    assert extra.status_code == 404
    key = request_key("openai", "POST", "/v1/chat/completions", user_chat("end"))
    message = extra.json()["error"]["message"]
    assert str(cassette) in message and key in message
    assert "1 recorded answer(s)" in message
    failure = gw.failure
    assert failure is not None and failure.error == "cassette_miss"
    # The agent sent what it did not send when recording: its own outcome, not the harness's.
    assert failure.episode_status == EpisodeStatus.AGENT_ERROR


def test_replay_of_a_request_never_recorded(
    tmp_path: Path, price_file: Path, client: httpx.Client
) -> None:
    cassette = tmp_path / "c.json"
    cassette.write_text('{"version": 1, "entries": {}}')
    config = UpstreamConfig(api="anthropic", base_url="http://127.0.0.1:9/v1", model="test-model")
    with Gateway(config, price_file=price_file, cassette=cassette, cassette_mode="replay") as gw:
        response = messages(client, gw, user_message())
    assert response.status_code == 404
    assert "has no recorded answer for request key" in response.json()["error"]["message"]
    assert str(cassette) in response.json()["error"]["message"]


def test_replay_needs_an_existing_cassette(tmp_path: Path, price_file: Path) -> None:
    config = UpstreamConfig(api="openai", base_url="http://127.0.0.1:9/v1", model="test-model")
    missing = tmp_path / "nope.json"
    with pytest.raises(ConfigError, match=r"cassette .*nope\.json does not exist; record it"):
        Gateway(config, price_file=price_file, cassette=missing, cassette_mode="replay")
    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": []}')
    with pytest.raises(ConfigError, match=r"broken\.json is not a FrontendX cassette: entries"):
        Gateway(config, price_file=price_file, cassette=broken, cassette_mode="replay")


# -- upstream failures -------------------------------------------------------------------------


def test_unreachable_upstream(price_file: Path, client: httpx.Client, upstream_client: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    config = UpstreamConfig(api="openai", base_url=url, model="test-model")
    with Gateway(config, price_file=price_file) as gw:
        response = chat(client, gw, user_chat())
    assert response.status_code == 502
    message = response.json()["error"]["message"]
    assert f"cannot reach the upstream {url}/chat/completions" in message
    failure = gw.failure
    assert failure is not None and failure.error == "upstream_unreachable"
    assert failure.episode_status == EpisodeStatus.INFRA_ERROR
    assert failure.message == message


def test_wrong_key_names_the_env_var(
    price_file: Path, client: httpx.Client, monkeypatch: pytest.MonkeyPatch, upstream_client: str
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-wrong")
    with (
        ScriptedUpstream([ScriptedTurn.say("x")], model="test-model", api_key=KEY) as up,
        Gateway(upstream_config(up, "anthropic", api_key_env=KEY_ENV), price_file=price_file) as gw,
    ):
        response = messages(client, gw, user_message())
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "authentication_error"
    assert f"check the API key in the environment variable {KEY_ENV}" in error["message"]
    assert "invalid x-api-key" in error["message"]  # the upstream's own words, quoted
    assert "sk-wrong" not in response.text
    failure = gw.failure
    assert failure is not None and failure.error == "upstream_auth"


def test_unset_key_variable_fails_at_construction(price_file: Path) -> None:
    config = UpstreamConfig(
        api="openai",
        base_url="https://api.example.com/v1",
        model="test-model",
        api_key_env="FRONTENDX_TEST_SURELY_UNSET",
    )
    with pytest.raises(ConfigError, match="FRONTENDX_TEST_SURELY_UNSET is not set"):
        Gateway(config, price_file=price_file)


@pytest.mark.parametrize(
    ("failure", "status", "kind", "words"),
    [
        ("malformed_json", 502, "upstream_malformed", "with a body that is not JSON"),
        ("missing_usage", 502, "upstream_malformed", "without usable usage fields"),
        ("server_error", 500, "upstream_error", "scripted server error"),
    ],
)
def test_bad_upstream_answers(
    price_file: Path,
    client: httpx.Client,
    upstream_client: str,
    failure: Any,
    status: int,
    kind: str,
    words: str,
) -> None:
    script = [ScriptedTurn.fail(failure), ScriptedTurn.say("recovered")]
    with (
        ScriptedUpstream(script, model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        response = chat(client, gw, user_chat())
        again = chat(client, gw, user_chat())
    assert response.status_code == status
    assert words in response.json()["error"]["message"]
    assert again.status_code == 200  # the gateway itself is fine afterwards
    first, second = gw.records()
    assert (first.error, first.cost_usd, second.error) == (kind, 0.0, None)
    fatal = gw.failure
    if kind == "upstream_malformed":
        assert fatal is not None and fatal.episode_status == EpisodeStatus.INFRA_ERROR
        assert up.base_url in fatal.message
    else:
        assert fatal is None


def test_streaming_is_refused_clearly(price_file: Path, client: httpx.Client) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("x")], model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        response = chat(client, gw, {**user_chat(), "stream": True})
        assert up.requests == []
    assert response.status_code == 400
    assert "streaming is not metered yet" in response.json()["error"]["message"]


def test_wrong_wire_format_route(price_file: Path, client: httpx.Client) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("x")], model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        response = messages(client, gw, user_message())
        assert up.requests == []
    assert response.status_code == 404
    assert "send openai requests to /v1/chat/completions" in response.text


# -- requests the agent gets wrong are the agent's ---------------------------------------------


def _post_raw(client: httpx.Client, gw: Gateway, body: bytes) -> httpx.Response:
    return client.post(
        gw.base_url + "/chat/completions",
        content=body,
        headers={"content-type": "application/json", "authorization": "Bearer frontendx-gateway"},
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"model": "test-model", "messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
        # deep enough to fail only on top of the server's own stack
        b'{"model": "test-model", "messages": ' + b"[" * 990 + b"]" * 990 + b"}",
    ],
    ids=["array-100000-deep", "object-50000-deep", "array-990-deep"],
)
def test_a_body_nested_too_deeply_ends_the_episode_as_the_agents_error(
    price_file: Path, client: httpx.Client, body: bytes
) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("x")] * 2, model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        response = _post_raw(client, gw, body)
        again = chat(client, gw, user_chat())
        assert len(up.model_requests) == 1  # only the well-formed call went upstream
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_request"
    assert "the gateway cannot process this request (RecursionError" in error["message"]
    assert again.status_code == 200  # the gateway itself is fine afterwards
    failure = gw.failure
    assert failure is not None and failure.error == "malformed_request"
    assert failure.episode_status == EpisodeStatus.AGENT_ERROR


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"\xff\xfe{", "the request body is not JSON"),
        (b"\x00" * 64, "the request body is not JSON"),
        (b"12", "must be a JSON object"),
        (b'["model"]', "must be a JSON object"),
        (b'{"model": ' + b"9" * 5000 + b"}", "the request body is not JSON"),
        (b'{"model": "test-model", "stream": true}', "streaming is not metered"),
    ],
    ids=["not-utf8", "nul-bytes", "number", "array", "huge-integer", "stream"],
)
def test_malformed_bodies_get_a_4xx_and_never_an_infra_error(
    price_file: Path, client: httpx.Client, body: bytes, words: str
) -> None:
    with (
        ScriptedUpstream([ScriptedTurn.say("x")], model="test-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=price_file) as gw,
    ):
        response = _post_raw(client, gw, body)
        assert up.model_requests == []
    assert 400 <= response.status_code < 500
    assert words in response.json()["error"]["message"]
    assert all(r.episode_status is not EpisodeStatus.INFRA_ERROR for r in gw.records())


LIMIT = 256 * 1024


def _raw_request(port: int, head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send a request head and then body chunks until the gateway answers (or the body ends),
    and return what it answered. A gateway that waited for the whole body would time out."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        for chunk in chunks:
            with contextlib.suppress(BlockingIOError):
                answer += sock.recv(65536)
            if answer:
                break
            try:
                sock.sendall(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(10)
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(
    price_file: Path, framing: str
) -> None:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        piece = b"x" * 16384
        for _ in range(20 * LIMIT // len(piece)):
            sent += len(piece)
            yield (b"4000\r\n" + piece + b"\r\n") if framing == "chunked" else piece

    length = (
        b"transfer-encoding: chunked"
        if framing == "chunked"
        else b"content-length: %d" % (100 * LIMIT)
    )
    with (
        ScriptedUpstream([ScriptedTurn.say("x")] * 2, model="test-model") as up,
        Gateway(
            upstream_config(up, "openai"), price_file=price_file, max_request_bytes=LIMIT
        ) as gw,
    ):
        port = int(gw.root_url.rsplit(":", 1)[1])
        head = (
            b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            b"content-type: application/json\r\n" + length + b"\r\n\r\n"
        )
        answer = _raw_request(port, head, body())
        assert up.model_requests == []
        with httpx.Client(timeout=10) as client:
            again = chat(client, gw, user_chat())
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    # Answered long before the body would have ended: the rest was never read.
    assert sent < 20 * LIMIT
    assert b"connection: close" in answer.lower()
    record = gw.records()[0]
    assert (record.status, record.error) == (413, "request_too_large")
    assert str(LIMIT) in record.message and "max_request_bytes" in record.message
    assert record.episode_status is None  # the agent's to handle, like any 4xx
    assert again.status_code == 200


def test_an_over_limit_body_from_an_sdk_client_gets_a_readable_413(
    price_file: Path, client: httpx.Client
) -> None:
    big = {**user_chat(), "padding": "x" * (2 * LIMIT)}
    with (
        ScriptedUpstream([ScriptedTurn.say("x")], model="test-model") as up,
        Gateway(
            upstream_config(up, "openai"), price_file=price_file, max_request_bytes=LIMIT
        ) as gw,
    ):
        response = chat(client, gw, big)
        assert up.model_requests == []
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_the_default_request_limit_is_8_mib(price_file: Path) -> None:
    config = UpstreamConfig(api="openai", base_url="http://127.0.0.1:9/v1", model="test-model")
    assert Gateway(config, price_file=price_file).max_request_bytes == 8 * 1024 * 1024
    with pytest.raises(ConfigError, match="max_request_bytes is 0; give a positive number"):
        Gateway(config, price_file=price_file, max_request_bytes=0)


# -- the price table ---------------------------------------------------------------------------


def test_default_price_table_and_user_override(tmp_path: Path) -> None:
    default = PriceTable.load()
    assert default.as_of and "gpt-4o" in default and "claude-sonnet-4-0" in default
    assert default.lookup("gpt-4o-2024-08-06") == default.lookup("gpt-4o")  # an alias
    assert default.source("gpt-4o") == DEFAULT_PRICE_FILE

    user = tmp_path / "mine.toml"
    user.write_text(
        '[models.gpt-4o]\ninput = 1.0\noutput = 2.0\n\n[models."my/llama"]\nkind = "local"\n'
        "gpu_hour = 1.5\n"
    )
    table = PriceTable.load(user)
    assert (table.lookup("gpt-4o").input, table.lookup("gpt-4o").output) == (1.0, 2.0)
    assert table.source("gpt-4o") == str(user)
    assert table.lookup("my/llama").gpu_hour == 1.5
    assert table.lookup("gpt-4o-mini") == default.lookup("gpt-4o-mini")  # the rest is kept


def test_unknown_model_is_refused_at_construction(price_file: Path) -> None:
    config = UpstreamConfig(api="openai", base_url="http://127.0.0.1:9/v1", model="mystery-7b")
    with pytest.raises(ConfigError) as caught:
        Gateway(config, price_file=price_file)
    message = str(caught.value)
    assert "no price for model 'mystery-7b'" in message
    assert DEFAULT_PRICE_FILE in message and str(price_file) in message
    assert "[models.mystery-7b]" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[models.m]\ninput = -1\noutput = 2\n", r"key models\.m\.input: Input should be greater"),
        ("[models.m]\ninput = 1\n", r"key models\.m: .*hosted model needs output"),
        ('[models.m]\nkind = "local"\n', r"key models\.m: .*needs gpu_hour"),
        ("[models.m]\ninput = 1\noutput = 1\nprice = 3\n", r"key models\.m\.price: Extra inputs"),
        ("[models.m\ninput = 1\n", r"is not valid TOML"),
        ('currency = "EUR"\n', r"prices must be in USD"),
        ("[model.m]\ninput = 1\n", r"unknown top-level key\(s\) \['model'\]"),
    ],
)
def test_bad_price_file_names_the_file_and_key(tmp_path: Path, text: str, words: str) -> None:
    bad = tmp_path / "bad-prices.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match=words) as caught:
        PriceTable.load(bad)
    assert f"price file {bad}" in str(caught.value)


def test_explicit_zero_price_runs_unpriced(tmp_path: Path, client: httpx.Client) -> None:
    free = tmp_path / "free.toml"
    free.write_text("[models.house-model]\ninput = 0\noutput = 0\n")
    with (
        ScriptedUpstream([ScriptedTurn.say("x", input_tokens=10**6)], model="house-model") as up,
        Gateway(upstream_config(up, "openai"), price_file=free) as gw,
    ):
        assert chat(client, gw, {**user_chat(), "model": "house-model"}).status_code == 200
    assert gw.usage().input_tokens == 10**6
    assert gw.usage().cost_usd == 0.0


def test_api_key_env_must_be_a_name() -> None:
    with pytest.raises(ValueError, match="give the NAME of the variable"):
        UpstreamConfig(
            api="openai", base_url="https://x/v1", model="m", api_key_env="sk-proj-abc123"
        )


# -- the lean loopback client ------------------------------------------------------------------


async def test_loopback_client_survives_connections_closed_while_idle() -> None:
    """Model servers close idle keep-alive connections; the next call must not fail for it.
    The raw server answers once per connection (first chunked, then with a length) and
    closes the connection a moment later, without saying so."""
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        if connections == 1:
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b'transfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n'
            )
        else:
            writer.write(b'HTTP/1.1 201 Created\r\ncontent-length: 7\r\n\r\n{"b":2}')
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    upstream = gateway_http.make_client(f"http://127.0.0.1:{port}/v1", timeout_s=5)
    assert isinstance(upstream, gateway_http.LoopbackClient)
    try:
        first = await upstream.request("GET", f"http://127.0.0.1:{port}/v1/models", {}, None)
        await asyncio.sleep(0.2)  # the server has closed the kept-alive connection by now
        second = await upstream.request(
            "POST", f"http://127.0.0.1:{port}/v1/chat/completions", {}, b"{}"
        )
    finally:
        await upstream.aclose()
        server.close()
        await server.wait_closed()
    assert first == (200, b'{"a":1}')
    assert second == (201, b'{"b":2}')
    assert connections == 2


async def test_loopback_client_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never answers; returns when the client gives up and closes
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    upstream = gateway_http.make_client(f"http://127.0.0.1:{port}/v1", timeout_s=0.2)
    try:
        with pytest.raises(gateway_http.UpstreamTimeout, match=r"no answer within 0\.2 s"):
            await upstream.request("GET", f"http://127.0.0.1:{port}/v1/models", {}, None)
    finally:
        await upstream.aclose()
        server.close()
        await server.wait_closed()
