"""`rebuild-projections`, `verify-projections` and `pump --once`, run as the CLI runs them."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.cli import main
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.projections import dashboard as dash
from tests.projections.support import add, dynamodb, fresh_fold, step, views

CLAIM = {"PK": {"S": "T#acme#U#ada"}, "SK": {"S": "CLAIM#c#reach_out#2026-11-26T14:00:00Z"}}


@pytest.fixture
def projected(services: Services, pump: StreamPump, ada: Identity) -> dict[str, str]:
    """ada's and bob's contacts in acme and cy's in globex, projected; a sweep's claim beside."""
    bob, cy = Identity("bob", "acme", "b@example.com"), Identity("cy", "globex", "c@example.com")
    found = {"ada": add(services, ada), "bob": add(services, bob), "cy": add(services, cy)}
    step(services, ada, found["ada"], ev.OutreachSent())
    step(services, cy, found["cy"], ev.ContactArchived())
    services.settings_repository.put("acme", "ada", UserSettings(reminder_hour=7))
    pump.drain()
    dynamodb(services).put_item(TableName=services.settings.views_table, Item=CLAIM)
    return found


def _table(services: Services) -> Any:
    return dynamodb(services), services.settings.views_table


GLOBEX_SHARD = {"PK": {"S": "T#globex"}, "SK": {"S": f"DASH#{dash.tenant_shard('cy')}"}}
ACME_SHARD = {"PK": {"S": "T#acme"}, "SK": {"S": f"DASH#{dash.tenant_shard('ada')}"}}
GHOST = {
    "PK": {"S": "T#acme#U#ada"},
    "SK": {"S": "C#ghost"},
    "kind": {"S": "contact"},
    "tenant_id": {"S": "acme"},
    "user_id": {"S": "ada"},
    "contact_id": {"S": "ghost"},
    "version": {"N": "1"},
    "settings": {"S": ""},
    "erased": {"BOOL": True},
}


def test_verify_passes_on_projected_views(
    projected: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-projections"]) == 0
    assert "every read model matches" in capsys.readouterr().out


def test_verify_prints_each_difference_and_exits_1(
    services: Services, projected: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    client, table = _table(services)
    view = {"PK": {"S": "T#acme#U#ada"}, "SK": {"S": f"C#{projected['ada']}"}}
    client.update_item(
        TableName=table,
        Key=view,
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "reflected"}},
    )
    client.delete_item(TableName=table, Key=GLOBEX_SHARD)
    client.put_item(TableName=table, Item=GHOST)

    code = main(["verify-projections"])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert f"differs     view acme/ada/{projected['ada']}" in out
    assert "    status: expected reaching_out, found reflected" in out
    assert f"missing     dashboard globex shard {dash.tenant_shard('cy')}" in out
    assert "unexpected  view acme/ada/ghost" in out
    assert out[-1] == "verify-projections: 3 read models differ from the events"


def test_a_rebuild_restores_the_views_and_leaves_the_sweeps_claims_alone(
    services: Services, projected: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    client, table = _table(services)
    good = views(services)
    client.delete_item(TableName=table, Key=ACME_SHARD)
    client.put_item(TableName=table, Item=GHOST)

    code = main(["rebuild-projections"])

    assert code == 0
    assert capsys.readouterr().out.strip().endswith("projected 3 contacts")
    assert views(services) == good == fresh_fold(services)
    assert client.get_item(TableName=table, Key=CLAIM)["Item"] == CLAIM


def test_a_tenants_rebuild_touches_that_tenant_only(
    services: Services, projected: dict[str, str]
) -> None:
    client, table = _table(services)
    client.delete_item(TableName=table, Key=GLOBEX_SHARD)
    acme_view = {"PK": {"S": "T#acme#U#bob"}, "SK": {"S": f"C#{projected['bob']}"}}
    client.delete_item(TableName=table, Key=acme_view)

    assert main(["rebuild-projections", "--tenant", "globex"]) == 0

    after = views(services)
    assert dash.shard_key("globex", "cy") in after.dashboards
    assert ("acme", "bob", projected["bob"]) not in after.views


def test_pump_once_delivers_the_stream_to_the_projector(
    services: Services, ada: Identity, capsys: pytest.CaptureFixture[str]
) -> None:
    add(services, ada)

    code = main(["pump", "--once"])

    assert code == 0
    assert capsys.readouterr().out.startswith("delivered ")
    assert views(services) == fresh_fold(services)
    assert views(services)
