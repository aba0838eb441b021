"""The view-store contract, held against the in-memory adapter."""

from __future__ import annotations

import pytest

from chalicelib.viewstore.memory import InMemoryViewStore
from chalicelib.viewstore.port import ViewStore
from tests.viewstore.contract import SHARDS, ViewStoreContract


class TestInMemoryViewStore(ViewStoreContract):
    @pytest.fixture
    def store(self) -> ViewStore:
        return InMemoryViewStore(due_shards=SHARDS)
