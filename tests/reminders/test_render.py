"""The reminder email as a person reads it: both parts, every action, their timezone, escaping."""

from __future__ import annotations

import pytest

from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.digest import ReminderItem, ResearchNote
from chalicelib.reminders.render import render_digest
from tests.reminders.builders import APP, GENERATED_AT, UNSUBSCRIBE, digest, reminder_item
from tests.reminders.html_text import links, visible_text

SCRIPT = "<script>alert(1)</script>"

SUBJECTS = {
    Action.REACH_OUT: "Reach out to Ada Park",
    Action.FOLLOW_UP: "Follow up with Ada Park",
    Action.MOVE_ON: "Time to move on from Ada Park",
    Action.SCHEDULE_INTERVIEW: "Ada Park said yes: schedule your conversation",
    Action.PREPARE_QUESTIONS: "Prepare questions for Ada Park",
    Action.ATTEND_INTERVIEW: "Your interview with Ada Park, today at 15:00",
    Action.LOG_INTERVIEW: "Log your interview with Ada Park",
    Action.SEND_THANK_YOU: "Thank Ada Park",
    Action.CONNECT_LINKEDIN: "Connect with Ada Park on LinkedIn",
    Action.REFLECT: "Reflect on your conversation with Ada Park",
}

# What each email asks of the person, in words both parts share.
WORDING = {
    Action.REACH_OUT: [
        "ask for a short conversation",
        "for an introduction, or reach out cold",
        "Would you be open to a 30-minute conversation in the next few weeks?",
        "most people will not get back to you",
    ],
    Action.FOLLOW_UP: [
        "It has been 7 business days since you reached out to Ada Park",
        "send one short follow-up by email.",
    ],
    Action.MOVE_ON: [
        "No reply after your follow-up. That's ok",
        "most people never reply. Archive Ada Park and reach out to someone new.",
    ],
    Action.SCHEDULE_INTERVIEW: ["Ada Park said yes!", "30-minute conversation"],
    Action.PREPARE_QUESTIONS: [
        "Your conversation with Ada Park is today at 15:00.",
        "Research Ada Park.",
        "Research Acme, and their past companies.",
        "specific questions that provide insight, but keep it professional.",
        "What led you to your current role?",
        "What has been a favorite project you work on?",
        "What's something you wish you could change about your role or job?",
        "How did you move from research into product?",
    ],
    Action.ATTEND_INTERVIEW: ["Fri 4 Dec, 15:00", "Zoom", "Show up early."],
    Action.LOG_INTERVIEW: ["How did your conversation with Ada Park go? Log it in Rapport"],
    Action.SEND_THANK_YOU: [
        "Send Ada Park a short email to thank them",
        "within 24 hours of your conversation (by Sat 5 Dec, 15:30)",
    ],
    Action.CONNECT_LINKEDIN: ["Connect with Ada Park on a professional social platform"],
    Action.REFLECT: ["Reflect on your learnings from the conversation with Ada Park"],
}

ETIQUETTE = [
    "Show up early.",
    "Thank the professional, briefly re-introduce yourself, and what you hope to gain",
    "Listen carefully, and take notes.",
    "Stay on topic.",
    "ask whom else you should talk to.",
    "do not go over the time agreed (30 minutes)",
]

REFLECTION_PROMPTS = [
    "What was the professional's career path? How did they advance from education to career?",
    "What obstacles did the professional face, and how did they overcome it?",
    "What did you learn about building your career? What tactical tips did you acquire?",
]


def both_parts(action: Action, **overrides: object) -> tuple[str, str]:
    email = render_digest(digest(reminder_item(action, **overrides)))
    return " ".join(email.text.split()), visible_text(email.html)


@pytest.mark.parametrize("action", list(Action))
def test_every_action_names_the_contact_in_the_subject_and_both_parts(action: Action) -> None:
    email = render_digest(digest(reminder_item(action)))

    assert email.subject == SUBJECTS[action]
    assert "Ada Park" in email.text
    assert "Ada Park" in visible_text(email.html)


@pytest.mark.parametrize("action", list(Action))
def test_every_action_says_what_to_do_in_both_parts(action: Action) -> None:
    text, html = both_parts(action)

    for phrase in WORDING[action]:
        assert phrase in text
        assert phrase in html


@pytest.mark.parametrize("action", list(Action))
def test_every_email_links_to_the_contact_and_ends_with_the_unsubscribe_link(
    action: Action,
) -> None:
    email = render_digest(digest(reminder_item(action)))

    contact = f"{APP}/#/contacts/c-ada"
    assert contact in email.text
    assert email.text.rstrip().endswith(UNSUBSCRIBE)
    assert links(email.html) == [contact, UNSUBSCRIBE]


@pytest.mark.parametrize(
    ("timezone", "shown"),
    [
        ("Asia/Tokyo", "Fri 4 Dec, 15:00-15:30"),
        ("America/Los_Angeles", "Thu 3 Dec, 22:00-22:30"),
        ("UTC", "Fri 4 Dec, 06:00-06:30"),
    ],
)
def test_the_interview_time_is_shown_in_the_users_timezone(timezone: str, shown: str) -> None:
    email = render_digest(digest(reminder_item(Action.ATTEND_INTERVIEW), timezone=timezone))

    assert f"When: {shown}" in email.text
    assert shown.replace("-", "\u2013") in visible_text(email.html)
    assert f"Times are in {timezone} time." in email.text


def test_relative_days_follow_the_users_calendar_not_utc() -> None:
    # 06:00 UTC on Friday is Thursday evening in Los Angeles, while the digest is made on Thursday.
    email = render_digest(
        digest(reminder_item(Action.ATTEND_INTERVIEW), timezone="America/Los_Angeles")
    )

    assert email.subject == "Your interview with Ada Park, today at 22:00"


def test_the_interview_day_briefing_carries_questions_research_time_place_and_etiquette() -> None:
    text, html = both_parts(
        Action.ATTEND_INTERVIEW,
        questions=("What led you to fintech?", "Whom should I talk to next?"),
        research=(
            ResearchNote(subject="person", text="Led the payments team for 4 years."),
            ResearchNote(subject="past_company", text="Was at Globex until 2022."),
        ),
    )

    for part in (text, html):
        assert "Fri 4 Dec, 15:00" in part
        assert "Zoom" in part
        assert "Ada Park (Staff Engineer at Acme)" in part
        assert "What led you to fintech?" in part
        assert "Whom should I talk to next?" in part
        assert "About them: Led the payments team for 4 years." in part
        assert "Past companies: Was at Globex until 2022." in part
        for rule in ETIQUETTE:
            assert rule in part


def test_a_briefing_without_questions_offers_the_guides_sample_questions() -> None:
    text, html = both_parts(Action.ATTEND_INTERVIEW, questions=())

    for part in (text, html):
        assert "You have not written any yet." in part
        assert "What led you to your current role?" in part


def test_the_reflection_email_carries_the_reflection_prompts() -> None:
    text, html = both_parts(Action.REFLECT)

    for prompt in REFLECTION_PROMPTS:
        assert prompt in text
        assert prompt in html


def test_a_follow_up_counts_which_follow_up_it_is_when_several_are_allowed() -> None:
    text, html = both_parts(Action.FOLLOW_UP, follow_ups_sent=1, max_follow_ups=3)

    assert "since you last reached out to Ada Park" in text
    assert "This is follow-up 2 of 3." in html


def test_a_follow_up_without_a_day_count_says_when_the_outreach_went_out() -> None:
    text, _ = both_parts(Action.FOLLOW_UP, business_days_waited=None)

    assert "You reached out to Ada Park on Wed 25 Nov and have not heard back" in text


def test_an_introduction_names_who_to_ask() -> None:
    text, html = both_parts(Action.REACH_OUT, introduced_by="Prof. Lee")

    assert "Ask Prof. Lee to introduce you, or reach out yourself." in text
    assert "Ask Prof. Lee to introduce you" in html


@pytest.mark.parametrize("action", list(Action))
def test_a_script_in_a_name_question_or_note_is_escaped_in_html_and_plain_in_text(
    action: Action,
) -> None:
    email = render_digest(
        digest(
            reminder_item(
                action,
                contact_name=SCRIPT,
                company=SCRIPT,
                introduced_by=SCRIPT,
                questions=(SCRIPT,),
                research=(ResearchNote(subject="person", text=SCRIPT),),
            )
        )
    )

    assert "<script" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert SCRIPT in email.text
    assert "&lt;" not in email.text
    assert SCRIPT in email.subject


def test_three_due_steps_make_one_email_whose_subject_counts_them() -> None:
    email = render_digest(
        digest(
            reminder_item(Action.FOLLOW_UP),
            reminder_item(Action.ATTEND_INTERVIEW, contact_id="c-ben", contact_name="Ben Ortiz"),
            reminder_item(Action.REFLECT, contact_id="c-cy", contact_name="Cy Lee"),
        )
    )

    assert email.subject == "3 steps due: Ada Park, Ben Ortiz and 1 more"
    assert "3 steps of your informational interviews are due." in email.text
    for heading in (
        "1. Follow up with Ada Park",
        "2. Your interview with Ben Ortiz, today at 15:00",
        "3. Reflect on your conversation with Cy Lee",
    ):
        assert heading in email.text
    assert links(email.html) == [
        f"{APP}/#/contacts/c-ada",
        f"{APP}/#/contacts/c-ben",
        f"{APP}/#/contacts/c-cy",
        UNSUBSCRIBE,
    ]


def test_two_due_steps_name_both_contacts_in_the_subject() -> None:
    email = render_digest(
        digest(
            reminder_item(Action.FOLLOW_UP),
            reminder_item(Action.REFLECT, contact_id="c-ben", contact_name="Ben Ortiz"),
        )
    )

    assert email.subject == "2 steps due: Ada Park and Ben Ortiz"


def test_a_name_with_line_breaks_cannot_break_the_subject_onto_a_new_header() -> None:
    email = render_digest(digest(reminder_item(contact_name="Ada\r\nBcc: victim@example.com")))

    assert "\n" not in email.subject
    assert "\r" not in email.subject


def test_contact_ids_are_url_encoded_in_links() -> None:
    email = render_digest(digest(reminder_item(contact_id="a/b?c")))

    assert f"{APP}/#/contacts/a%2Fb%3Fc" in email.text


@pytest.mark.parametrize("action", list(Action))
def test_an_item_with_no_optional_context_still_reads_well(action: Action) -> None:
    bare = ReminderItem(
        contact_id="c-ada", contact_name="Ada Park", action=action, due_at=GENERATED_AT
    )

    email = render_digest(digest(bare))

    assert "Ada Park" in email.subject
    assert "Ada Park" in email.text
    assert "None" not in email.text
    assert "None" not in visible_text(email.html)


def test_a_thank_you_always_says_within_24_hours() -> None:
    text, html = both_parts(Action.SEND_THANK_YOU, interview=None)

    assert "within 24 hours of your conversation." in text
    assert "within 24 hours of your conversation." in html
