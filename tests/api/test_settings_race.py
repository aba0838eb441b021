"""`PUT /me/settings` never undoes a change made elsewhere: it saves on what it read, or reads
again. The case that lost data before: an unsubscribe handled by another Lambda, then a PUT in
a Lambda whose cache still said "reminders on" merged onto that and turned them back on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.clock import FixedClock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.reminders.unsubscribe import make_unsubscribe_token
from chalicelib.service.errors import WriteConflictError
from chalicelib.service.settings_writes import ATTEMPTS, change_settings_safely
from chalicelib.service.user_settings_port import (
    InMemorySettingsRepository,
    Revision,
    SettingsRepository,
)
from chalicelib.settings import Settings
from tests.api.conftest import Api, body_of

ONE_CLICK = b"List-Unsubscribe=One-Click"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_an_unsubscribe_in_another_lambda_survives_a_put_in_a_lambda_with_a_warm_cache(
    api: Api, services: bootstrap.Services, settings: Settings, clock: FixedClock
) -> None:
    ada = api.token()
    # This Lambda reads and caches Ada's settings: reminders on.
    assert api.call("PUT", "/me/settings", {"reminder_hour": 8}, token=ada).status_code == 200
    assert services.settings_repository.get("acme", "ada").reminders_enabled  # type: ignore[union-attr]

    # Another Lambda, with a cache of its own, handles her one-click unsubscribe.
    bootstrap.install(bootstrap.for_aws(settings, clock=clock, sleep=lambda _: None))
    try:
        token = make_unsubscribe_token(settings.unsubscribe_secret or "", "acme", "ada")
        path = f"/unsubscribe?{urlencode({'token': token})}"
        assert api.call("POST", path, raw=ONE_CLICK, headers=FORM).status_code == 200
    finally:
        bootstrap.install(services)

    # Back in the first Lambda, within its cache's minute, she changes her reminder hour.
    answer = api.call("PUT", "/me/settings", {"reminder_hour": 7}, token=ada)

    assert answer.status_code == 200
    assert body_of(answer)["reminders_enabled"] is False
    saved = body_of(api.call("GET", "/me/settings", token=ada))
    assert (saved["reminder_hour"], saved["reminders_enabled"]) == (7, False)


class RacedRepository:
    """Another writer gets in between each of the first `races` reads and their writes."""

    def __init__(self, inner: SettingsRepository, races: int) -> None:
        self.inner = inner
        self.races = races
        self.replaces = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None, Revision]:
        return self.inner.read(tenant_id, user_id)

    def replace(
        self, tenant_id: str, user_id: str, settings: UserSettings, expected: Revision
    ) -> bool:
        self.replaces += 1
        if self.replaces <= self.races:
            current = self.inner.get(tenant_id, user_id) or UserSettings()
            self.inner.put(tenant_id, user_id, current.model_copy(update={"max_follow_ups": 2}))
        return self.inner.replace(tenant_id, user_id, settings, expected)


@pytest.fixture(params=["memory", "dynamodb"])
def repository(request: pytest.FixtureRequest, settings: Settings) -> SettingsRepository:
    if request.param == "memory":
        return InMemorySettingsRepository()
    request.getfixturevalue("aws_mock")
    return DynamoDBSettingsRepository(aws.client("dynamodb", settings), settings.events_table)


def test_a_write_that_lands_between_the_read_and_the_save_is_kept_and_the_change_redone(
    repository: SettingsRepository,
) -> None:
    repository.put("acme", "ada", UserSettings(reminder_hour=9))
    raced = RacedRepository(repository, races=1)

    saved = change_settings_safely(
        raced,
        "acme",
        "ada",
        lambda s: (s or UserSettings()).model_copy(update={"reminder_hour": 7}),
    )

    assert raced.replaces == 2, "the first save lost the race and was redone on a fresh read"
    assert saved is not None
    assert (saved.reminder_hour, saved.max_follow_ups) == (7, 2)
    assert repository.get("acme", "ada") == saved


def test_a_change_that_keeps_losing_is_a_conflict_and_saves_nothing_of_its_own(
    repository: SettingsRepository,
) -> None:
    repository.put("acme", "ada", UserSettings(reminder_hour=9))
    raced = RacedRepository(repository, races=ATTEMPTS)

    with pytest.raises(WriteConflictError):
        change_settings_safely(
            raced,
            "acme",
            "ada",
            lambda s: (s or UserSettings()).model_copy(update={"reminder_hour": 7}),
        )

    assert raced.replaces == ATTEMPTS
    saved = repository.get("acme", "ada")
    assert saved is not None
    assert (saved.reminder_hour, saved.max_follow_ups) == (9, 2)


def test_replace_saves_only_on_the_revision_read_and_every_write_makes_a_new_one(
    repository: SettingsRepository,
) -> None:
    assert repository.read("acme", "ada") == (None, 0)
    assert repository.replace("acme", "ada", UserSettings(reminder_hour=6), 0)
    assert not repository.replace("acme", "ada", UserSettings(reminder_hour=5), 0)
    settings, revision = repository.read("acme", "ada")
    assert settings is not None
    assert settings.reminder_hour == 6

    repository.put("acme", "ada", UserSettings(reminder_hour=4))
    assert not repository.replace("acme", "ada", UserSettings(reminder_hour=5), revision)
    assert repository.read("acme", "ada")[1] == revision + 1
    saved = repository.get("acme", "ada")
    assert saved is not None
    assert saved.reminder_hour == 4


def test_settings_saved_before_revisions_existed_are_revision_zero_and_replaced_once(
    aws_mock: None, settings: Settings
) -> None:
    client = aws.client("dynamodb", settings)
    client.put_item(
        TableName=settings.events_table,
        Item={
            "PK": {"S": "T#acme#U#ada"},
            "SK": {"S": "SETTINGS"},
            "tenant_id": {"S": "acme"},
            "user_id": {"S": "ada"},
            "settings": {"S": UserSettings(reminder_hour=9).model_dump_json()},
        },
    )
    repository = DynamoDBSettingsRepository(client, settings.events_table)

    old, revision = repository.read("acme", "ada")
    assert old is not None
    assert old.reminder_hour == 9
    assert revision == 0
    assert repository.replace("acme", "ada", UserSettings(reminder_hour=8), 0)
    assert not repository.replace("acme", "ada", UserSettings(reminder_hour=7), 0)
    item = client.get_item(
        TableName=settings.events_table, Key={"PK": {"S": "T#acme#U#ada"}, "SK": {"S": "SETTINGS"}}
    )["Item"]
    # The projector's doorbell reads these from the stream image of every write.
    assert (item["tenant_id"]["S"], item["user_id"]["S"], item["revision"]["N"]) == (
        "acme",
        "ada",
        "1",
    )


def test_an_unsubscribe_when_already_unsubscribed_writes_nothing(
    api: Api, services: bootstrap.Services, settings: Settings
) -> None:
    ada = api.token()
    api.call("PUT", "/me/settings", {"reminders_enabled": False}, token=ada)
    revision = services.settings_repository.read("acme", "ada")[1]

    token = make_unsubscribe_token(settings.unsubscribe_secret or "", "acme", "ada")
    path = f"/unsubscribe?{urlencode({'token': token})}"
    assert api.call("POST", path, raw=ONE_CLICK, headers=FORM).status_code == 200

    assert services.settings_repository.read("acme", "ada")[1] == revision
