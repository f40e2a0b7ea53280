"""The catalogue as the LLM sees it: a compact tool list for the prompt and JSON schemas for the grammars.

Pydantic's schemas are flattened (refs inlined, titles and defaults dropped, Optional[X] -> X not
required) so llama.cpp compiles a small grammar; the full pydantic models still validate the reply.
"""

from __future__ import annotations

import functools
from typing import Any

from assistant.graph.catalogue import SPECS

# Remix controls stay in the grammar but out of the prompt's tool list, to keep the prompt short.
_ADVANCED = ("seed", "melody_loyalty", "weirdness", "genre_shift", "structure_consistency", "time_signature",
             "reference", "engine", "style_ref")  # the last two: set from the user's words (grounding)
# Length/range bounds would unroll into huge grammars and regex escapes are not supported there:
# pydantic enforces them on the reply instead.
_DROP = ("title", "default", "description", "examples", "maxLength", "minLength", "maxItems", "minItems",
         "maximum", "minimum", "exclusiveMinimum", "exclusiveMaximum", "pattern")


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inline(defs[node["$ref"].split("/")[-1]], defs)
    out = {k: _inline(v, defs) for k, v in node.items() if k not in _DROP and k != "$defs"}
    options = out.get("anyOf")
    if options is not None:
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1:
            out.pop("anyOf")
            out.update(rest[0])
        else:
            out["anyOf"] = rest
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
    return out


@functools.cache
def tool_name_schema() -> dict[str, Any]:
    return {"enum": list(SPECS)}


@functools.cache
def tool_args_schema(tool: str, for_llm: bool = False) -> dict[str, Any]:
    """The flattened args schema; for_llm drops the remix controls (smaller grammar, faster sampling)."""
    schema = SPECS[tool].model.model_json_schema()
    flat = _inline(schema, schema.get("$defs", {}))
    if for_llm:
        flat["properties"] = {k: v for k, v in flat.get("properties", {}).items() if k not in _ADVANCED}
    if tool == "schedule":  # the job's args are checked against that tool's model afterwards
        flat["properties"]["args"] = {"type": "object"}
    if not flat.get("properties"):
        return {"type": "object", "properties": {}, "additionalProperties": False}
    return dict(flat)


@functools.cache
def tool_list() -> str:
    """One line per tool: name{arg,...}: what it does (the prompt's tool list)."""
    lines = []
    for name, spec in SPECS.items():
        props = [p for p in tool_args_schema(name).get("properties", {}) if p not in _ADVANCED]
        lines.append(f"- {name}{{{','.join(props)}}}: {spec.summary}" if props else f"- {name}: {spec.summary}")
    return "\n".join(lines)
