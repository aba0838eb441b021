"""The events journal keeps what the stream carried, skips what it already holds, and leaves no
erased or deleted data in its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.devstack.journal import EventsJournal

PK = "T#demo#C#c1"


def _event(version: int, text: str) -> dict[str, Any]:
    return {
        "PK": {"S": PK},
        "SK": {"S": f"E#{version:010d}"},
        "data": {"S": f'{{"text": "{text}"}}'},
        "version": {"N": str(version)},
    }


def _records(*changes: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    records = []
    for name, item in changes:
        change = {"Keys": {"PK": item["PK"], "SK": item["SK"]}}
        if name != "REMOVE":
            change["NewImage"] = item
        records.append({"eventName": name, "dynamodb": change})
    return {"Records": records}


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_what_the_stream_carried_is_there_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    journal.record(_records(("INSERT", _event(1, "one")), ("INSERT", _event(2, "two"))))

    again = EventsJournal(path)

    assert again.load() == 2
    assert len(again) == 2
    assert "one" in path.read_text()
    assert "two" in path.read_text()


def test_an_item_it_already_holds_is_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    item = _event(1, "one")
    journal.record(_records(("INSERT", item)))
    # A restore's own record, or a redelivery, may list the attributes in another order.
    reordered = dict(reversed(list(item.items())))

    journal.record(_records(("INSERT", reordered), ("MODIFY", item)))

    assert len(_lines(path)) == 1


def test_loading_compacts_the_file_to_one_line_per_item(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    settings = {"PK": {"S": "T#demo#U#u"}, "SK": {"S": "SETTINGS"}, "on": {"BOOL": True}}
    journal.record(_records(("INSERT", settings)))
    journal.record(_records(("MODIFY", settings | {"on": {"BOOL": False}})))
    assert len(_lines(path)) == 2  # a changed setting is appended, not rewritten

    assert EventsJournal(path).load() == 1

    assert len(_lines(path)) == 1
    assert '"BOOL":false' in path.read_text()


def test_an_erased_event_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    journal.record(_records(("INSERT", _event(1, "Quillon Zbarsky")), ("INSERT", _event(2, "x"))))

    journal.record(_records(("MODIFY", _event(1, "[erased]"))))

    assert b"Quillon" not in path.read_bytes()
    assert "[erased]" in path.read_text()
    assert len(_lines(path)) == 2
    assert EventsJournal(path).load() == 2


def test_a_deleted_item_leaves_the_file_and_an_unknown_one_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    record = {"PK": {"S": PK}, "SK": {"S": "I#u#key"}, "hash": {"S": "Quillon"}}
    journal.record(_records(("INSERT", record), ("INSERT", _event(1, "one"))))
    before = path.stat().st_mtime_ns

    journal.record(_records(("REMOVE", _event(7, "never written"))))
    assert path.stat().st_mtime_ns == before

    journal.record(_records(("REMOVE", record)))

    assert b"Quillon" not in path.read_bytes()
    assert len(journal) == 1
    assert EventsJournal(path).load() == 1


def test_a_line_cut_short_by_kill_9_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = EventsJournal(path)
    journal.load()
    journal.record(_records(("INSERT", _event(1, "one"))))
    with path.open("a") as file:
        file.write('{"put":{"PK":{"S":"T#demo#C#c1"},"SK"')

    assert EventsJournal(path).load() == 1
    assert len(_lines(path)) == 1


def test_a_missing_journal_is_an_empty_one(tmp_path: Path) -> None:
    journal = EventsJournal(tmp_path / "state" / "events.jsonl")

    assert journal.load() == 0
    assert len(journal) == 0
