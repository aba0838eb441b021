"""The words of the pipeline: statuses, actions and the enumerations events use."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A contact's place in the pipeline, in pipeline order, then the two exits."""

    IDENTIFIED = "identified"
    REACHING_OUT = "reaching_out"
    SCHEDULED = "scheduled"
    INTERVIEWED = "interviewed"
    FOLLOWED_UP = "followed_up"
    REFLECTED = "reflected"
    DECLINED = "declined"
    ARCHIVED = "archived"


class Action(StrEnum):
    """What the user should do next for a contact."""

    REACH_OUT = "reach_out"
    FOLLOW_UP = "follow_up"
    MOVE_ON = "move_on"
    SCHEDULE_INTERVIEW = "schedule_interview"
    PREPARE_QUESTIONS = "prepare_questions"
    ATTEND_INTERVIEW = "attend_interview"
    LOG_INTERVIEW = "log_interview"
    SEND_THANK_YOU = "send_thank_you"
    CONNECT_LINKEDIN = "connect_linkedin"
    REFLECT = "reflect"


class Source(StrEnum):
    INTRODUCTION = "introduction"
    COLD_OUTREACH = "cold_outreach"


class Channel(StrEnum):
    EMAIL = "email"
    LINKEDIN = "linkedin"
    TWITTER = "twitter"
    OTHER = "other"


class ReplyOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ResearchSubject(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    PAST_COMPANY = "past_company"


# How each next action reads to a person outside the dashboard (the calendar feed's events);
# the dashboard's own words are in web/labels.js.
ACTION_TITLES: dict[Action, str] = {
    Action.REACH_OUT: "Reach out",
    Action.FOLLOW_UP: "Follow up",
    Action.MOVE_ON: "Move on (no reply after the last follow-up)",
    Action.SCHEDULE_INTERVIEW: "Schedule the interview",
    Action.PREPARE_QUESTIONS: "Prepare questions",
    Action.ATTEND_INTERVIEW: "Attend the interview",
    Action.LOG_INTERVIEW: "Log how the interview went",
    Action.SEND_THANK_YOU: "Send a thank-you",
    Action.CONNECT_LINKEDIN: "Connect on LinkedIn",
    Action.REFLECT: "Reflect on the conversation",
}
