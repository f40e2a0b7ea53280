"""Constrained decoding with the shipped GGUF: the top-token-first check (models/llm/grammar_first.py)
gives the stock grammar sampler's greedy reply, and grounding narrows what the model may write."""

from __future__ import annotations

import json

import pytest

from assistant.graph.grounding import narrow
from assistant.graph.llm_router import system_prompt, user_message
from assistant.graph.llm_schema import tool_args_schema
from assistant.settings import StudioSettings
from models.llm import get_engine
from tests.conftest import MODELS_DIR


@pytest.fixture(scope="module")
def engine():
    return get_engine(StudioSettings(models_dir=MODELS_DIR))


def _messages(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system_prompt()}, {"role": "user", "content": user_message(text, "7")}]


@pytest.mark.parametrize("text, tool", [("star track 3", "favorite"),
                                        ("split 2 into drums and bass", "separate_stems")])
def test_top_token_first_equals_the_stock_grammar_sampler(engine, text: str, tool: str):
    schema = tool_args_schema(tool, for_llm=True)
    prefix = f'{{"tool": "{tool}", "args": '
    replies = []
    for fast in (True, False):
        engine.grammar_first = fast
        try:
            replies.append(engine.complete_json(_messages(text), schema, prefix=prefix, max_tokens=60))
        finally:
            engine.grammar_first = True
    assert replies[0] == replies[1]
    assert json.loads(replies[0])["track"] in (2, 3)


def test_reply_follows_the_narrowed_schema(engine):
    text = "need music for a racing game menu screen, 45 seconds"
    schema = narrow("generate", tool_args_schema("generate", for_llm=True), text, focus=False)
    assert set(schema["properties"]) == {"prompt", "duration_s"}  # no key, bpm, studio or track was said
    assert schema["properties"]["duration_s"] == {"enum": [45, 2700]}  # 45 s, or 45 minutes
    reply = json.loads(engine.complete_json(_messages(text), schema, prefix='{"tool": "generate", "args": ',
                                            max_tokens=80))
    words = set(text.replace(",", "").lower().split())
    assert reply.get("prompt") and set(reply["prompt"].lower().split()) <= words  # the user's own words
    assert len(reply["prompt"].split()) <= 16
    assert reply.get("duration_s", 45) in (45, 2700)


def test_narrowing_keeps_track_numbers_apart_from_lengths_and_counts():
    schema = tool_args_schema("find_similar", for_llm=True)
    props = narrow("find_similar", schema, "5 tracks like track 2", focus=True)["properties"]
    assert props["track"] == {"enum": [2]} and props["k"] == {"enum": [5]} and "query" not in props
    props = narrow("generate", tool_args_schema("generate", for_llm=True), "2 minutes at 90 bpm in D minor",
                   focus=False)["properties"]
    assert props["duration_s"] == {"enum": [2, 120]} and props["bpm"] == {"enum": [90]}
    assert props["key"] == {"enum": ["Dm"]} and "track" not in props and "studio" not in props
    # A required argument with nothing to ground it keeps its schema (validation answers, not the grammar).
    props = narrow("inpaint", tool_args_schema("inpaint", for_llm=True), "redo the intro", focus=True)["properties"]
    assert props["start_s"] == {"type": "number"}


def test_a_request_with_one_possible_reading_needs_no_sampling():
    # "this one" is the track in focus (not track 1), and the only thing the grammar could write.
    props = narrow("favorite", tool_args_schema("favorite", for_llm=True), "this one is a keeper", focus=True)
    assert props["properties"] == {"track": {"enum": ["@current"]}}
    props = narrow("generate", tool_args_schema("generate", for_llm=True), "can you slow this one down a little",
                   focus=True)["properties"]
    assert props["track"] == {"enum": ["@current"]} and props["tempo"] == {"enum": ["slower"]}
    assert not {"duration_s", "bpm", "variations"} & set(props)
