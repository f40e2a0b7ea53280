"""Track ids the LLM might write past 64 bits: the route still validates, the thread checkpoint can store it,
and it stays an id no track has (the tools answer 'no track with a number that large')."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from assistant.graph.catalogue import validate_route
from library.repository import out_of_range


@pytest.mark.parametrize("ref", [10**30, -(10**30), 1e300, "track " + "9" * 5000, 2**64])
def test_a_huge_track_id_validates_to_a_storable_missing_id(ref):
    route = validate_route("find_similar", {"track": ref})
    track = route["args"]["track"]
    assert out_of_range(track)
    serde = JsonPlusSerializer()
    assert serde.loads_typed(serde.dumps_typed(route)) == route  # raised 'Integer exceeds 64-bit range' before


def test_ordinary_refs_are_unchanged():
    route = validate_route("trash", {"tracks": ["@current", "this one", "track 3", 7, 2**63 - 1]})
    assert route["args"]["tracks"] == ["@current", "@current", 3, 7, 2**63 - 1]
