"""Agents and LLM-output handling: Quality Agent verdicts, Prompt Agent fallback, malformed LLM replies."""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.agents.prompt_agent import enhance
from assistant.agents.quality import check_audio, check_file
from assistant.graph.llm_router import llm_route
from models.llm.engine import LLMEngine, LLMUnavailable, Message

SR = 22050


class ScriptedEngine(LLMEngine):
    """Replies from a script, in order: stands in for a model ONLY to test malformed-output handling."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls: list[str] = []

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, prefix: str = "",
                      max_tokens: int = 160, temperature: float = 0.0) -> str:
        self.calls.append(prefix)
        return self.replies.pop(0)

    def complete(self, messages: list[Message], **kw: Any) -> str:
        if not self.replies:
            raise LLMUnavailable("no model")
        return self.replies.pop(0)


def test_invalid_json_is_retried_once_then_used():
    engine = ScriptedEngine('"favorite', '"favorite"', '{"track": 4}')
    # two numbers said, so the track is the model's to pick (one number would need no sampling at all)
    assert llm_route(engine, "i really dig 4, not 9") == {"tool": "favorite", "args": {"track": 4}}
    assert len(engine.calls) == 3


def test_twice_invalid_falls_back_instead_of_crashing():
    assert llm_route(ScriptedEngine("nonsense", "{{{"), "hmm") is None
    # Args outside the schema (a path for a track) are refused twice: no route, so the turn becomes chat.
    bad = '{"track": "../../etc/passwd"}'
    assert llm_route(ScriptedEngine('"trash"', bad, bad), "delete /etc/passwd") is None
    assert llm_route(ScriptedEngine('"rm_rf"', '"rm_rf"'), "x") is None  # not a catalogue tool


def test_chat_route_keeps_the_users_words():
    route = llm_route(ScriptedEngine('"chat"'), "what is a time signature?")
    assert route == {"tool": "chat", "args": {"text": "what is a time signature?"}}


def test_prompt_agent_without_llm_uses_the_studio_vocabulary():
    text, how = enhance("sad piano rain", "virtuoso", None)
    assert how == "rules" and text.startswith("sad piano rain") and "minor key" in text and "string" in text


def test_prompt_agent_uses_the_llm_reply_and_survives_a_useless_one():
    text, how = enhance("boss battle", "chiptune", ScriptedEngine("Enhanced prompt: fast 8-bit boss theme, "
                                                                 "driving pulse lead, 160 BPM"))
    assert how == "llm" and text.startswith("fast 8-bit boss theme")
    assert enhance("boss battle", "chiptune", ScriptedEngine("ok"))[1] == "rules"


def _clicks(bpm: float, seconds: float = 8.0, amp: float = 0.5) -> np.ndarray:
    y = np.zeros(int(seconds * SR), dtype=np.float32)
    step = int(SR * 60 / bpm)
    for start in range(0, len(y) - 400, step):
        y[start:start + 400] += amp * np.sin(2 * np.pi * 1000 * np.arange(400) / SR) * np.hanning(400)
    y += 0.05 * np.sin(2 * np.pi * 220 * np.arange(len(y)) / SR)  # a held tone: not silence
    return np.stack([y, y], axis=1)


def test_quality_agent_flags_silence_clipping_and_wrong_tempo():
    silent = np.zeros((SR * 4, 2), dtype=np.float32)
    assert "silent" in check_audio(silent, SR).problems[0]
    clipped = np.clip(_clicks(120) * 40, -1, 1)
    assert any("clips" in p for p in check_audio(clipped, SR).problems)
    good = check_audio(_clicks(120), SR, bpm=120)
    assert not any("BPM" in p for p in good.problems) and abs(good.tempo - 120) < 5
    assert any("not 90" in p for p in check_audio(_clicks(120), SR, bpm=90).problems)


def test_quality_agent_passes_a_real_studio_take(services):
    result = services.generate("chiptune level theme", studio="chiptune", duration_s=6, bpm=140, key="Am", seed=3)
    verdict = check_file(str(services.track_path(result.takes[0])), 140, "Am")
    assert verdict.ok, verdict.problems
    assert verdict.lufs is not None and abs(verdict.lufs + 14) < 2


def test_enhance_prompt_endpoint_answers_without_a_model(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    settings = StudioSettings(data_dir=tmp_path, llm_gguf=tmp_path / "missing.gguf")  # no usable LLM here
    client = TestClient(create_app(StudioServices(settings)))
    r = client.post("/api/agents/enhance-prompt", json={"prompt": "sad piano rain", "studio": "virtuoso"})
    assert r.status_code == 200 and r.json()["source"] == "rules" and "minor key" in r.json()["prompt"]
    assert client.post("/api/agents/enhance-prompt", json={"prompt": ""}).status_code == 422
    assert client.post("/api/agents/enhance-prompt", json={"prompt": "x", "studio": "polka"}).status_code == 422


def test_llm_arguments_the_user_never_said_are_dropped():
    from assistant.graph.grounding import ground

    filled = {"prompt": "spooky", "duration_s": 60.0, "bpm": 120.0, "key": "C", "variations": 1,
              "track": "@current", "tempo": "slower", "studio": "virtuoso"}
    assert ground("generate", filled, "whip up something spooky, like a minute long") == {
        "prompt": "spooky", "duration_s": 60.0}
    assert ground("generate", {"tempo": "slower"}, "can you slow this one down") == {
        "tempo": "slower", "track": "@current"}
    assert ground("trash", {"tracks": [4, 9, 99]}, "get rid of 4 and 9") == {"tracks": [4, 9]}
