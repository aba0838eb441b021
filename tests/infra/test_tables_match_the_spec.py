"""The deployed tables, the test fixtures' tables and `create-tables` share one definition."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.settings import Settings
from chalicelib.tables import (
    ALL_TABLES,
    DEPLOYED_TABLES,
    EVENTS,
    LIMITS,
    VIEWS,
    TableSpec,
    table_name,
)

from .synth import Synthesized

# TableSpec holds a dict, so it is not hashable: key by logical name.
STAGE_TABLE_NAMES = {
    EVENTS.logical_name: "rapport-prod-events",
    VIEWS.logical_name: "rapport-prod-views",
    LIMITS.logical_name: "rapport-prod-limits",
}


def _cfn_table(synth: Synthesized, name: str) -> dict[str, Any]:
    tables = [
        resource["Properties"]
        for resource in synth.resources("AWS::DynamoDB::Table").values()
        if resource["Properties"]["TableName"] == name
    ]
    assert len(tables) == 1, f"expected one table named {name}"
    return tables[0]


def _shape(
    key_schema: list[dict[str, str]],
    attributes: list[dict[str, str]],
    indexes: list[dict[str, Any]],
    stream_view_type: str | None,
) -> dict[str, Any]:
    """The part of a table that code depends on, in a form CloudFormation and boto3 share."""
    return {
        "KeySchema": key_schema,
        "AttributeDefinitions": sorted(attributes, key=lambda a: a["AttributeName"]),
        "GlobalSecondaryIndexes": {
            index["IndexName"]: (index["KeySchema"], index["Projection"]) for index in indexes
        },
        "StreamViewType": stream_view_type,
    }


def _shape_of_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return _shape(
        kwargs["KeySchema"],
        kwargs["AttributeDefinitions"],
        kwargs.get("GlobalSecondaryIndexes", []),
        kwargs.get("StreamSpecification", {}).get("StreamViewType"),
    )


def _shape_of_cfn(table: dict[str, Any]) -> dict[str, Any]:
    return _shape(
        table["KeySchema"],
        table["AttributeDefinitions"],
        table.get("GlobalSecondaryIndexes", []),
        table.get("StreamSpecification", {}).get("StreamViewType"),
    )


@pytest.mark.parametrize("spec", DEPLOYED_TABLES, ids=lambda spec: spec.logical_name)
def test_each_synthesized_table_has_exactly_the_specs_keys_indexes_and_stream(
    prod: Synthesized, spec: TableSpec
) -> None:
    name = STAGE_TABLE_NAMES[spec.logical_name]
    table = _cfn_table(prod, name)

    assert _shape_of_cfn(table) == _shape_of_kwargs(spec.create_table_kwargs(name))
    assert table["BillingMode"] == spec.create_table_kwargs(name)["BillingMode"]
    if spec.ttl_attribute:
        assert table["TimeToLiveSpecification"] == {
            "AttributeName": spec.ttl_attribute,
            "Enabled": True,
        }
    else:
        assert "TimeToLiveSpecification" not in table


def test_the_stack_deploys_every_table_the_spec_defines_and_no_other(prod: Synthesized) -> None:
    deployed = {
        r["Properties"]["TableName"] for r in prod.resources("AWS::DynamoDB::Table").values()
    }

    # The limits table too: create-tables leaves it out (the limiter is off locally).
    assert deployed == {STAGE_TABLE_NAMES[spec.logical_name] for spec in DEPLOYED_TABLES}
    assert [spec for spec in DEPLOYED_TABLES if spec not in ALL_TABLES] == [LIMITS]


class _RecordingDynamoDB:
    """A fake client that keeps what `create_tables` asks for."""

    def __init__(self) -> None:
        self.created: dict[str, dict[str, Any]] = {}
        self.ttl: dict[str, dict[str, Any]] = {}

    def list_tables(self) -> dict[str, list[str]]:
        return {"TableNames": []}

    def create_table(self, **kwargs: Any) -> None:
        self.created[kwargs["TableName"]] = kwargs

    def get_waiter(self, name: str) -> _RecordingDynamoDB:
        return self

    def wait(self, **kwargs: Any) -> None:
        return None

    def update_time_to_live(self, **kwargs: Any) -> None:
        self.ttl[kwargs["TableName"]] = kwargs["TimeToLiveSpecification"]


def test_the_fixtures_create_tables_from_the_same_specs_as_the_stack(prod: Synthesized) -> None:
    settings = Settings(events_table="local-events", views_table="local-views")
    client = _RecordingDynamoDB()

    create_tables(client, settings)

    for spec in ALL_TABLES:
        local = client.created[table_name(spec, settings)]
        deployed = _cfn_table(prod, STAGE_TABLE_NAMES[spec.logical_name])
        assert _shape_of_kwargs(local) == _shape_of_cfn(deployed)
        if spec.ttl_attribute:
            local_ttl = client.ttl[table_name(spec, settings)]
            assert (
                local_ttl["AttributeName"] == deployed["TimeToLiveSpecification"]["AttributeName"]
            )


@pytest.mark.usefixtures("aws_mock")
def test_the_tables_moto_holds_in_tests_match_the_deployed_ones(
    prod: Synthesized, settings: Settings
) -> None:
    client = aws.client("dynamodb", settings)

    for spec in ALL_TABLES:
        name = table_name(spec, settings)
        local = client.describe_table(TableName=name)["Table"]
        local_shape = _shape(
            local["KeySchema"],
            local["AttributeDefinitions"],
            [
                {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
                for index in local.get("GlobalSecondaryIndexes", [])
            ],
            local.get("StreamSpecification", {}).get("StreamViewType"),
        )
        assert local_shape == _shape_of_cfn(_cfn_table(prod, STAGE_TABLE_NAMES[spec.logical_name]))
