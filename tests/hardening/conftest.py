"""One shared studio per test module (opening a fresh database per case would dominate the runtime); every
case snapshots the rows and the temp root before it runs and checks them after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hardening.env import Hostile, make_hostile


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    env = make_hostile(tmp_path_factory.mktemp("hostile"))
    yield env
    env.services.search.wait_idle()  # type: ignore[attr-defined]
