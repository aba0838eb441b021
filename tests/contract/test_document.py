"""What a generator needs from the document beyond statuses: names, fixed sets of values, what
is required, and every event's data typed by its `type`."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.events import EVENT_TYPES
from chalicelib.domain.vocabulary import Status

Document = dict[str, Any]


def _operations(document: Document) -> list[dict[str, Any]]:
    return [operation for item in document["paths"].values() for operation in item.values()]


def _schema(document: Document, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_every_operation_has_its_own_id_and_a_described_tag(served_document: Document) -> None:
    operations = _operations(served_document)
    tags = {tag["name"] for tag in served_document["tags"]}

    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids))
    assert all(len(operation["tags"]) == 1 for operation in operations)
    assert {operation["tags"][0] for operation in operations} == tags
    assert served_document["servers"]


def test_a_settings_update_has_no_field_a_client_would_send_unasked(
    served_document: Document,
) -> None:
    update = _schema(served_document, "SettingsUpdate")

    assert "required" not in update
    assert [name for name, field in update["properties"].items() if "default" in field] == []


def test_the_settings_answer_always_has_every_setting(served_document: Document) -> None:
    public = _schema(served_document, "SettingsPublic")

    assert set(public["required"]) == set(public["properties"])


def test_fields_with_a_fixed_set_of_values_are_enumerations(served_document: Document) -> None:
    contact = _schema(served_document, "ContactPublic")["properties"]
    research = _schema(served_document, "ResearchPublic")["properties"]
    listing = served_document["paths"]["/contacts"]["get"]["parameters"]

    assert contact["source"] == {"$ref": "#/components/schemas/Source"}
    assert {"$ref": "#/components/schemas/ReplyOutcome"} in contact["reply"]["anyOf"]
    assert research["subject"] == {"$ref": "#/components/schemas/ResearchSubject"}
    status = next(p for p in listing if p["name"] == "status")
    assert status["schema"] == {"$ref": "#/components/schemas/Status"}
    assert _schema(served_document, "Status")["enum"] == [s.value for s in Status]
    assert _schema(served_document, "Counts")["required"] == [s.value for s in Status]
    step_type = _schema(served_document, "StepRecorded")["properties"]["event"]
    assert step_type == {"$ref": "#/components/schemas/EventRef"}
    assert _schema(served_document, "EventRef")["properties"]["type"] == {
        "$ref": "#/components/schemas/StepType"
    }


def test_each_event_type_has_its_data_schema_chosen_by_type(served_document: Document) -> None:
    listed = _schema(served_document, "EventList")["properties"]["items"]["items"]
    assert listed == {"$ref": "#/components/schemas/Event"}
    items = _schema(served_document, "Event")

    assert items["discriminator"]["propertyName"] == "type"
    assert set(items["discriminator"]["mapping"]) == set(EVENT_TYPES)
    for name, target in items["discriminator"]["mapping"].items():
        event = _schema(served_document, target.rsplit("/", 1)[1])
        assert event["properties"]["type"]["const"] == name
        data = _schema(served_document, event["properties"]["data"]["$ref"].rsplit("/", 1)[1])
        assert data["additionalProperties"] is False, name
        partial = EVENT_TYPES[name].PARTIAL
        assert set(data.get("required", [])) <= set(data["properties"])
        if not partial:  # stored whole: every field is there, null when unset
            assert set(data.get("required", [])) == set(data["properties"]), name


def _parameter(document: Document, path: str, method: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path][method]["parameters"]
    (found,) = [p for p in parameters if p["name"] == name]
    schema: dict[str, Any] = found["schema"]
    return schema


def test_the_headers_and_addresses_carry_the_patterns_the_server_checks(
    served_document: Document,
) -> None:
    # Issue 14, item 8: the same patterns, imported from where the server checks them.
    from chalicelib.api.body import IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN
    from chalicelib.domain.types import EMAIL_PATTERN

    step = "/contacts/{contact_id}/events"
    assert _parameter(served_document, step, "post", "If-Match")["pattern"] == IF_MATCH_PATTERN
    key = _parameter(served_document, "/contacts", "post", "Idempotency-Key")
    assert key["pattern"] == IDEMPOTENCY_KEY_PATTERN
    settings_email = _schema(served_document, "SettingsUpdate")["properties"]["email"]
    assert {"type": "string", "maxLength": 320, "pattern": EMAIL_PATTERN}.items() <= next(
        branch for branch in settings_email["anyOf"] if branch.get("type") == "string"
    ).items()


def test_a_contact_update_must_change_something_and_never_remove_the_name(
    served_document: Document,
) -> None:
    update = _schema(served_document, "ContactUpdatedStep")

    assert set(update["not"]["properties"]) == {
        "email",
        "company",
        "role",
        "linkedin_url",
        "introduced_by",
        "notes",
        "name",
        "source",
    }
    assert "anyOf" not in update["properties"]["name"]
    assert update["properties"]["name"]["format"] == "person-name"
