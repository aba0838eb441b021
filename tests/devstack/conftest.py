"""One dev stack per test module, on free ports, with its outbox and secret in a temp folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.devstack.stack import DevStack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    home = tmp_path_factory.mktemp("devstack")
    with DevStack(port=0, outbox=home / "outbox", state_dir=home / "state") as running:
        yield running
