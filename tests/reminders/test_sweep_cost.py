"""The sweep reads the due index only, never the whole table: its DynamoDB requests follow the
reminders that are due, not the number of contacts, users or tenants."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.clock import FixedClock
from chalicelib.projections.projection import due_shard
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.dynamodb import DynamoDBViewStore
from tests.reminders.sweep_support import T0, RequestLog, World, utc

# On moto: what is counted is DynamoDB's requests.
pytestmark = pytest.mark.integration

FRIDAY_9 = utc("2026-11-27T09:00")
# Long after the sweep: in the due index, but not due.
LATER = "2027-06-01T09:00:00Z"


def crowd(settings: Settings, count: int) -> None:
    """`count` other contacts, each with a reminder in the due index that is not due yet,
    written straight to the views table, in one tenant of 50 users."""
    client = aws.client("dynamodb", settings)
    written: list[dict[str, Any]] = []
    for n in range(count):
        tenant, user, contact = "crowd", f"member{n % 50}", f"other{n:05d}"
        pk = {"S": items.user_pk(tenant, user)}
        common = {"tenant_id": {"S": tenant}, "user_id": {"S": user}, "contact_id": {"S": contact}}
        written.append(
            {
                "PK": pk,
                "SK": {"S": f"R#{contact}#follow_up#2027-05-31T09:00:00Z"},
                **common,
                "action": {"S": "follow_up"},
                "due_at": {"S": "2027-05-31T09:00:00Z"},
                "send_at": {"S": LATER},
                "due_pk": {"S": f"DUE#{due_shard(tenant, contact, settings.due_shards)}"},
                "due_sk": {"S": f"{LATER}#{tenant}#{contact}#follow_up"},
            }
        )
    for start in range(0, len(written), 25):
        batch = [{"PutRequest": {"Item": item}} for item in written[start : start + 25]]
        client.batch_write_item(RequestItems={settings.views_table: batch})


def sweep_among(settings: Settings, others: int) -> tuple[Counter[str], SweepReport]:
    """The DynamoDB requests of one sweep that finds 5 reminders due for 2 users, with
    `others` more contacts in the table; a fresh AWS stand-in each time."""
    aws.reset_clients()
    with mock_aws():
        create_tables(aws.client("dynamodb", settings), settings)
        aws.client("ses", settings).verify_email_identity(EmailAddress=settings.reminder_from)
        world = World.build(settings, FixedClock(T0))
        for user, contacts in (("ada", 3), ("ben", 2)):
            who = world.user(user)
            for n in range(contacts):
                world.add(who, name=f"Contact {n}")
        world.at(FRIDAY_9).drain()
        crowd(settings, others)
        log = RequestLog(aws.client("dynamodb", settings))
        report = world.services.reminder_sweep.run()
        log.close()
    aws.reset_clients()
    return log.counts(), report


def test_the_same_due_set_costs_the_same_requests_among_10_or_2000_contacts(
    env: dict[str, str], settings: Settings
) -> None:
    few, few_report = sweep_among(settings, others=5)
    many, many_report = sweep_among(settings, others=1995)

    assert (few_report.emails, len(few_report.sent)) == (2, 5)
    assert (many_report.emails, len(many_report.sent)) == (2, 5)
    assert few == many
    assert "Scan" not in many
    # One Query per shard; per user its settings and a lease taken and given back; per contact
    # one stream read and one append; per reminder a claim written, then marked sent.
    assert many == Counter(
        {
            "Query": settings.due_shards + 5,
            "GetItem": 2,
            "PutItem": 2 + 5 + 5,
            "DeleteItem": 2,
            "UpdateItem": 5,
        }
    )


def test_one_sweep_reads_at_most_its_cap_shared_fairly_among_the_shards(
    aws_mock: None, settings: Settings
) -> None:
    # Given 12 due reminders in one shard, 1 in another, and a malformed item first in line
    client = aws.client("dynamodb", settings)
    due_sk = "2026-11-27T08:00:00Z#crowd#{contact}#follow_up"
    busy = [c for c in (f"c{n:03d}" for n in range(200)) if due_shard("crowd", c, 4) == 0]
    quiet = next(c for c in (f"q{n}" for n in range(200)) if due_shard("crowd", c, 4) == 1)
    for contact in [*busy[:12], quiet]:
        client.put_item(TableName=settings.views_table, Item=reminder(settings, contact, due_sk))
    first = next(c for c in (f"a{n:03d}" for n in range(200)) if due_shard("crowd", c, 4) == 0)
    broken = reminder(settings, first, due_sk)
    del broken["action"]
    client.put_item(TableName=settings.views_table, Item=broken)

    # When the index is read with a cap of 8 over 4 shards
    found = DynamoDBViewStore(client, settings.views_table, 4).due(FRIDAY_9, limit=8)

    # Then the busy shard gives 2 (the broken one, skipped, and the next), the quiet one its 1
    assert sorted(r.contact_id for r in found) == sorted([busy[0], quiet])


def reminder(settings: Settings, contact: str, due_sk: str) -> dict[str, Any]:
    return {
        "PK": {"S": items.user_pk("crowd", "member")},
        "SK": {"S": f"R#{contact}#follow_up#2026-11-26T08:00:00Z"},
        "tenant_id": {"S": "crowd"},
        "user_id": {"S": "member"},
        "contact_id": {"S": contact},
        "action": {"S": "follow_up"},
        "due_at": {"S": "2026-11-26T08:00:00Z"},
        "send_at": {"S": "2026-11-27T08:00:00Z"},
        "due_pk": {"S": f"DUE#{due_shard('crowd', contact, settings.due_shards)}"},
        "due_sk": {"S": due_sk.format(contact=contact)},
    }
