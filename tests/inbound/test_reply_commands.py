"""The commands of a reply: one a line from the top, in the forms people type, and nothing
guessed from prose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.inbound.reply_commands import (
    DEFAULT_SNOOZE,
    MAX_COMMANDS,
    MAX_NOT_UNDERSTOOD,
    ParsedReply,
    ReplyCommand,
    Verb,
    parse_commands,
)


def _only(text: str) -> ReplyCommand:
    parsed = parse_commands(text)
    assert parsed.not_understood == ()
    assert len(parsed.commands) == 1
    return parsed.commands[0]


@pytest.mark.parametrize("verb", list(Verb))
def test_each_verb_alone_is_a_command_on_no_item(verb: Verb) -> None:
    command = _only(verb.value)

    assert (command.line, command.item, command.verb) == (1, None, verb)


@pytest.mark.parametrize(
    "line", ["DONE", "  Done  ", "done.", "Done!", "done!!", "\tdone\t", "\ufeffdo\u200bne\u00a0"]
)
def test_case_surrounding_space_invisible_characters_and_a_final_stop_are_tolerated(
    line: str,
) -> None:
    assert _only(line).verb is Verb.DONE


@pytest.mark.parametrize("line", ["2 done", "2. done", "2) done", "#2 done", "2.done", "#2: done"])
def test_an_item_number_may_be_written_several_ways(line: str) -> None:
    command = _only(line)

    assert (command.item, command.verb) == (2, Verb.DONE)


@pytest.mark.parametrize(
    ("line", "duration"),
    [
        ("snooze", DEFAULT_SNOOZE),
        ("snooze 3d", timedelta(days=3)),
        ("snooze 3 days", timedelta(days=3)),
        ("snooze 1 day", timedelta(days=1)),
        ("snooze 3", timedelta(days=3)),
        ("snooze 1w", timedelta(weeks=1)),
        ("snooze 2 weeks", timedelta(weeks=2)),
        ("snooze 12h", timedelta(hours=12)),
        ("snooze 36 hours", timedelta(hours=36)),
        ("Snooze for 2 Weeks.", timedelta(weeks=2)),
        ("3 snooze 1W", timedelta(weeks=1)),
        ("snooze 365d", timedelta(days=365)),
    ],
)
def test_a_snooze_reads_its_duration(line: str, duration: timedelta) -> None:
    command = _only(line)

    assert (command.verb, command.snooze_for) == (Verb.SNOOZE, duration)


@pytest.mark.parametrize(
    "line",
    [
        "snooze 366d",
        "snooze 53w",
        "snooze 9000h",
        "snooze 0d",
        "snooze 3 months",
        "snooze -3d",
        "done 3d",
        "0 done",
        "1234 done",
        "2done",
        "done please",
        "mark 2 as done",
        "٢ done",  # Arabic-Indic digit: only ASCII numbers are item numbers
        "\u017ftop",  # long s: folds to "stop" under Unicode case-insensitivity: not read as such
    ],
)
def test_absurd_or_unknown_forms_are_not_understood(line: str) -> None:
    assert parse_commands(line) == ParsedReply(not_understood=(line,))


def test_commands_are_read_until_the_first_other_line() -> None:
    parsed = parse_commands("1 done\n\n2 snooze 1w\nThanks, Ana\n3 archive")

    assert [(c.line, c.item, c.verb) for c in parsed.commands] == [
        (1, 1, Verb.DONE),
        (3, 2, Verb.SNOOZE),
    ]
    assert parsed.not_understood == ()


def test_a_reply_that_starts_with_prose_has_no_commands() -> None:
    parsed = parse_commands("\nHi Rapport,\n\n2 done\nThanks\nAna\nMore")

    assert parsed.commands == ()
    assert parsed.not_understood == ("Hi Rapport,", "2 done", "Thanks")
    assert len(parsed.not_understood) == MAX_NOT_UNDERSTOOD


def test_the_signature_delimiter_ends_the_commands() -> None:
    assert parse_commands("done\n-- \nstop") == ParsedReply((ReplyCommand(1, None, Verb.DONE),))
    assert parse_commands("-- \ndone") == ParsedReply()


def test_a_blank_reply_has_nothing() -> None:
    assert parse_commands(" \n\r\n\t") == ParsedReply()


def test_commands_are_capped() -> None:
    parsed = parse_commands("\n".join(f"{n} done" for n in range(1, 40)))

    assert len(parsed.commands) == MAX_COMMANDS
    assert parsed.commands[-1].item == MAX_COMMANDS


def test_an_echoed_line_is_kept_short() -> None:
    (line,) = parse_commands("x" * 5000).not_understood

    assert len(line) == 200


def test_a_very_long_line_is_prose_even_when_it_starts_like_a_command() -> None:
    parsed = parse_commands("done" + " " * 2000 + "or not")

    assert parsed.commands == ()
    assert parsed.not_understood == ("done",)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=500))
def test_any_text_parses_without_error_into_consistent_commands(text: str) -> None:
    parsed = parse_commands(text)

    assert len(parsed.commands) <= MAX_COMMANDS
    assert len(parsed.not_understood) <= MAX_NOT_UNDERSTOOD
    assert not (parsed.commands and parsed.not_understood)
    lines = [command.line for command in parsed.commands]
    assert lines == sorted(set(lines))
    for command in parsed.commands:
        assert (command.snooze_for is not None) == (command.verb is Verb.SNOOZE)
        assert command.item is None or command.item >= 1


@given(st.lists(st.sampled_from(["done", "2 archive", "#3 snooze 1w", "", "stop!"]), max_size=30))
def test_lines_of_commands_are_all_read(lines: list[str]) -> None:
    parsed = parse_commands("\n".join(lines))

    assert len(parsed.commands) == min(MAX_COMMANDS, sum(1 for line in lines if line))
