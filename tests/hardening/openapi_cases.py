"""Hostile requests for every operation in the REST API's OpenAPI document: new endpoints get them too."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

HUGE_INT = 2**70  # past SQLite's 64-bit integers
BIG = 2**20  # one MiB of text per string field


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # OpenAPI template, e.g. /api/library/tracks/{track_id}
    spec: dict[str, Any] = field(repr=False, hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Case:
    op: Op
    kind: str
    path_params: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"

    @property
    def id(self) -> str:
        return f"{self.op.method} {self.op.path} {self.kind}"


def operations(spec: dict[str, Any]) -> list[Op]:
    return [Op(m.upper(), path, op) for path, ops in spec["paths"].items() for m, op in ops.items()
            if m in ("get", "post", "put", "patch", "delete")]


def deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref links to components."""
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def types_of(spec: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    schema = deref(spec, schema)
    if "anyOf" in schema:
        return set().union(*(types_of(spec, s) for s in schema["anyOf"]))
    if "type" in schema:
        return {schema["type"]}
    if "properties" in schema:
        return {"object"}
    return set()


def body_schema(spec: dict[str, Any], op: Op) -> dict[str, Any] | None:
    body = op.spec.get("requestBody")
    if not body:
        return None
    return deref(spec, body["content"].get("application/json", {}).get("schema", {}))


def object_schema(spec: dict[str, Any], op: Op) -> dict[str, Any] | None:
    """The body's object schema (also inside `X | null`), or None for array/raw bodies."""
    schema = body_schema(spec, op)
    if schema is None:
        return None
    for s in [schema, *schema.get("anyOf", [])]:
        s = deref(spec, s)
        if "properties" in s:
            return s
    return None


def wrong_value(types: set[str]) -> Any:
    """A JSON value of none of the allowed types."""
    return "not-an-object" if "object" in types else {"nested": ["not", "a", "scalar"]}


def dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def cases(spec: dict[str, Any], ids: dict[str, str]) -> list[Case]:
    """ids: a valid value for each path parameter name (the seeded track, album, ...)."""
    out: list[Case] = []
    for op in operations(spec):
        params = op.spec.get("parameters", [])
        good_path = {p["name"]: ids.get(p["name"], "1") for p in params if p["in"] == "path"}
        schema, obj = body_schema(spec, op), object_schema(spec, op)
        if schema is not None:
            out.append(Case(op, "malformed-json", good_path, body=b'{"unterminated": [1, 2'))
            out.append(Case(op, "non-utf8-body", good_path, body=b'{"text": "\xc3\x28 \xff\xfe"}'))
            out.append(Case(op, "form-not-json", good_path, body=b"a=1&b=2",
                            content_type="application/x-www-form-urlencoded"))
            out.append(Case(op, "wrong-top-level-type", good_path,
                            body=b'"a string"' if obj is not None else b'{"an": "object"}'))
        if obj is not None:
            props = obj.get("properties", {})
            wrong = {k: wrong_value(types_of(spec, s)) for k, s in props.items() if types_of(spec, s)}
            out.append(Case(op, "wrong-field-types", good_path, body=dumps(wrong)))
            numeric = [k for k, s in props.items() if types_of(spec, s) & {"number", "integer"}]
            if numeric:
                for label, v in (("nan", float("nan")), ("infinity", float("inf")), ("huge-int", HUGE_INT)):
                    out.append(Case(op, f"{label}-numbers", good_path, body=dumps({k: v for k in numeric})))
            id_lists = [k for k, s in props.items() if deref(spec, s).get("items", {}).get("type") == "integer"]
            if id_lists:
                out.append(Case(op, "huge-int-items", good_path, body=dumps({k: [HUGE_INT] for k in id_lists})))
            strings = {k: "A" * BIG for k, s in props.items() if "string" in types_of(spec, s)}
            out.append(Case(op, "huge-body", good_path, body=dumps({**strings, "padding": "B" * BIG})))
        elif schema is not None:  # an array body
            out.append(Case(op, "huge-int-items", good_path, body=dumps([HUGE_INT])))
            out.append(Case(op, "huge-body", good_path, body=dumps(list(range(400_000)))))
        for p in (p for p in params if p["in"] == "path"):
            for label, v in (("not-a-number", "abc"), ("huge-int", str(HUGE_INT)), ("negative", "-1"),
                             ("traversal", "..%2F..%2Fetc%2Fpasswd")):
                out.append(Case(op, f"path-{p['name']}-{label}", {**good_path, p["name"]: v},
                                body=b"{}" if schema is not None else None))
        for p in (p for p in params if p["in"] == "query"):
            t = types_of(spec, p.get("schema", {}))
            if t & {"integer", "number", "boolean"}:
                out.append(Case(op, f"query-{p['name']}-wrong-type", good_path, {p["name"]: "not-a-value"},
                                body=b"{}" if schema is not None else None))
            if t & {"integer"}:
                out.append(Case(op, f"query-{p['name']}-huge-int", good_path, {p["name"]: str(HUGE_INT)},
                                body=b"{}" if schema is not None else None))
    return out
