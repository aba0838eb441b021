"""The settings cache keeps a command at one Query and one write, without hiding changes long."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.clock import FixedClock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.service.user_settings_port import CachedSettings, InMemorySettingsRepository

TOKYO = UserSettings(timezone="Asia/Tokyo", email="ada@example.com")


class CountingRepository(InMemorySettingsRepository):
    """The in-memory repository, counting the reads and writes that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        self.calls.append("get")
        return super().get(tenant_id, user_id)

    def get_or_create(self, tenant_id: str, user_id: str, default: UserSettings) -> UserSettings:
        self.calls.append("get_or_create")
        return super().get_or_create(tenant_id, user_id, default)


def test_a_warm_cache_answers_without_reading_until_its_ttl_runs_out(clock: FixedClock) -> None:
    repository = CountingRepository()
    repository.put("acme", "ada", TOKYO)
    cache = CachedSettings(repository, clock, ttl=timedelta(seconds=60))

    assert cache.get("acme", "ada") == TOKYO
    clock.advance(timedelta(seconds=59))
    assert cache.get("acme", "ada") == TOKYO
    assert repository.calls == ["get"]

    clock.advance(timedelta(seconds=1))
    assert cache.get("acme", "ada") == TOKYO
    assert repository.calls == ["get", "get"]


def test_none_saved_is_cached_too_and_a_put_here_is_seen_at_once(clock: FixedClock) -> None:
    repository = CountingRepository()
    cache = CachedSettings(repository, clock)

    assert cache.get("acme", "ada") is None
    assert cache.get("acme", "ada") is None
    cache.put("acme", "ada", TOKYO)

    assert cache.get("acme", "ada") == TOKYO
    assert repository.calls == ["get"]


def test_get_or_create_keeps_saved_settings_and_warms_the_cache(clock: FixedClock) -> None:
    repository = CountingRepository()
    repository.put("acme", "ada", TOKYO)
    cache = CachedSettings(repository, clock)

    assert cache.get_or_create("acme", "ada", UserSettings(email="new@example.com")) == TOKYO
    assert cache.get("acme", "ada") == TOKYO
    assert repository.calls == ["get_or_create"]


def test_get_or_create_saves_the_default_when_a_cached_none_says_nothing_is_saved(
    clock: FixedClock,
) -> None:
    repository = CountingRepository()
    cache = CachedSettings(repository, clock)
    default = UserSettings(email="ada@example.com")

    assert cache.get("acme", "ada") is None
    assert cache.get_or_create("acme", "ada", default) == default

    assert repository.get("acme", "ada") == default
