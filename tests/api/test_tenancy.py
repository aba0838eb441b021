"""A tenant that runs itself, through the API: roles, invitations, joining, members, sharing
and offboarding (API.md, "Tenants that run themselves")."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services
from chalicelib.reminders.mailer import Mailer, MailThrottledError
from chalicelib.reminders.render import RenderedEmail
from chalicelib.tenancy.model import Member
from tests.api.confirmation_mail import emails_to
from tests.api.conftest import Api, body_of
from tests.api.tenancy_support import (
    ADMIN,
    COACH,
    STUDENT,
    as_,
    invite,
    join,
    join_token,
    joined,
)
from tests.projections.support import pump_for

SECRET_NAME = "Zora Quill-Nakamura"


@pytest.fixture
def pump(services: Services) -> StreamPump:
    return pump_for(services)


def _events_table(api: Api) -> list[str]:
    client = aws.client("dynamodb", api.settings)
    items = client.scan(TableName=api.settings.events_table)["Items"]
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def _every_table(api: Api) -> str:
    client = aws.client("dynamodb", api.settings)
    dumped: list[str] = []
    for table in client.list_tables()["TableNames"]:
        for page in client.get_paginator("scan").paginate(TableName=table):
            dumped += [json.dumps(item, ensure_ascii=False) for item in page["Items"]]
    return "\n".join(dumped)


def _members(api: Api, token: str) -> list[dict[str, Any]]:
    response = api.call("GET", "/tenant/members", token=token)
    assert response.status_code == 200, body_of(response)
    return list(body_of(response)["items"])


def _user_of(token: str) -> str:
    import jwt

    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


# --- roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/tenant/invites", {"emails": ["x@example.com"]}),
        ("GET", "/tenant/invites", None),
        ("DELETE", "/tenant/invites/abcdefghijklmnopqrstuv", None),
        ("GET", "/tenant/members", None),
        ("DELETE", "/tenant/members/carla", None),
        ("GET", "/tenant/dashboard", None),
    ],
)
def test_a_student_is_refused_every_cohort_call_with_a_403(
    api: Api, method: str, path: str, body: Any
) -> None:
    response = api.call(method, path, body, token=as_(api, STUDENT))
    assert response.status_code == 403
    assert body_of(response)["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", ["coach", "admin"])
def test_a_coach_invites_students_only(api: Api, role: str) -> None:
    coach = as_(api, COACH)
    refused = invite(api, coach, "new.coach@example.com", role=role)
    assert refused.status_code == 403
    assert emails_to(api.settings, "new.coach@example.com") == []
    assert invite(api, coach, "pupil@example.com").status_code == 201


def test_a_coach_follows_the_cohort_but_removes_nobody(api: Api) -> None:
    coach = as_(api, COACH)
    api.call("GET", "/contacts", token=as_(api, STUDENT))  # sam is seen: a member
    for path in ("/tenant/invites", "/tenant/members", "/tenant/dashboard"):
        assert api.call("GET", path, token=coach).status_code == 200, path
    assert api.call("DELETE", "/tenant/members/sam", token=coach).status_code == 403


@pytest.mark.parametrize("role", ["student", "coach", "admin"])
def test_an_admin_invites_any_role_and_the_member_joins_with_it(api: Api, role: str) -> None:
    admin = as_(api, ADMIN)
    created = invite(api, admin, "Newcomer@Example.com", role=role)
    assert created.status_code == 201, body_of(created)
    [sent] = body_of(created)["invites"]
    assert (sent["email"], sent["role"]) == ("newcomer@example.com", role)

    token = joined(api, "newcomer@example.com")

    [member] = [m for m in _members(api, admin) if m["email"] == "newcomer@example.com"]
    expected = ["student"] if role == "student" else sorted({"student", role})
    assert member["roles"] == expected
    follows = api.call("GET", "/tenant/members", token=token).status_code
    assert follows == (403 if role == "student" else 200)


def test_everyone_reads_and_sets_their_own_sharing_default_off(api: Api) -> None:
    for who in (STUDENT, COACH, ADMIN):
        token = as_(api, who)
        assert body_of(api.call("GET", "/me/sharing", token=token)) == {"share_with_coaches": False}
        put = api.call("PUT", "/me/sharing", {"share_with_coaches": True}, token=token)
        assert (put.status_code, body_of(put)) == (200, {"share_with_coaches": True})
        assert body_of(api.call("GET", "/me/sharing", token=token))["share_with_coaches"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"share_with_coaches": "yes"}, "share_with_coaches"),
        ({}, "share_with_coaches"),
        ({"share_with_coaches": True, "extra": 1}, "extra"),
    ],
)
def test_a_bad_sharing_body_is_a_400_naming_the_field(api: Api, body: Any, field: str) -> None:
    response = api.call("PUT", "/me/sharing", body, token=as_(api, STUDENT))
    assert response.status_code == 400
    assert [f["field"] for f in body_of(response)["error"]["fields"]] == [field]


# --- invite, join, members --------------------------------------------------------------


def test_invite_then_join_then_the_member_is_listed(api: Api) -> None:
    coach = as_(api, COACH)
    created = invite(api, coach, "lea@example.com", "milo@example.com")
    assert created.status_code == 201
    assert {i["email"] for i in body_of(created)["invites"]} == {
        "lea@example.com",
        "milo@example.com",
    }
    [email] = emails_to(api.settings, "lea@example.com")
    assert "carla@example.com invited you to join acme" in email.text
    assert "carla@example.com" in email.html
    assert "/join?token=" in email.html

    page = api.call("GET", f"/join?token={join_token(api, 'lea@example.com')}")
    assert page.status_code == 200
    assert b"acme" in page.body
    assert b"carla@example.com" in page.body

    lea = joined(api, "lea@example.com")
    assert api.call("POST", "/contacts", {"name": "Ada"}, token=lea).status_code == 201

    members = {m["email"]: m for m in _members(api, coach)}
    assert members["lea@example.com"]["sharing"] is False
    assert members["lea@example.com"]["pipeline"] is None
    assert members["lea@example.com"]["user_id"] == _user_of(lea)
    pending = body_of(api.call("GET", "/tenant/invites", token=coach))["items"]
    assert [i["email"] for i in pending] == ["milo@example.com"]


def test_a_user_seen_once_is_a_member_without_an_invitation(api: Api) -> None:
    api.call("GET", "/contacts", token=api.token(user="operator-made"))
    emails = [m["email"] for m in _members(api, as_(api, COACH))]
    assert "operator-made@example.com" in emails


def test_another_tenants_cohort_is_never_seen_or_touched(api: Api) -> None:
    invite(api, as_(api, ADMIN), "lea@example.com")
    lea = joined(api, "lea@example.com")
    other_admin = as_(api, ADMIN, tenant="globex")
    listed = body_of(api.call("GET", "/tenant/members", token=other_admin))["items"]
    assert all(m["email"] != "lea@example.com" for m in listed)
    assert body_of(api.call("GET", "/tenant/invites", token=other_admin))["items"] == []
    assert (
        api.call("DELETE", f"/tenant/members/{_user_of(lea)}", token=other_admin).status_code == 404
    )
    assert api.call("GET", "/contacts", token=lea).status_code == 200


def test_reinviting_an_address_replaces_its_pending_invitation(api: Api) -> None:
    coach = as_(api, COACH)
    first = body_of(invite(api, coach, "lea@example.com"))["invites"][0]
    old_link = join_token(api, "lea@example.com")
    api.clock.advance(timedelta(hours=1))
    second = body_of(invite(api, coach, "LEA@example.com"))["invites"][0]

    assert second["invite_id"] != first["invite_id"]
    pending = body_of(api.call("GET", "/tenant/invites", token=coach))["items"]
    assert [i["invite_id"] for i in pending] == [second["invite_id"]]
    refused = join(api, old_link)
    assert refused.status_code == 400
    assert "newer invitation" in body_of(refused)["error"]["message"]
    assert joined(api, "lea@example.com")


def test_two_hundred_addresses_are_invited_at_once_but_not_two_hundred_and_one(
    api: Api,
) -> None:
    coach = as_(api, COACH)
    too_many = [f"s{n}@example.com" for n in range(201)]
    refused = invite(api, coach, *too_many)
    assert refused.status_code == 400
    assert [f["field"] for f in body_of(refused)["error"]["fields"]] == ["emails"]
    created = invite(api, coach, *too_many[:200])
    assert created.status_code == 201
    assert len(body_of(created)["invites"]) == 200
    assert len(body_of(api.call("GET", "/tenant/invites", token=coach))["items"]) == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"emails": ["a@example.com", "b@example.com", "c@example.com", "not an address"]},
            "emails.3",
        ),
        ({"emails": []}, "emails"),
        ({"emails": "a@example.com"}, "emails"),
        ({"emails": ["a@example.com"], "role": "dean"}, "role"),
        ({"emails": ["a@example.com"], "cc": "x"}, "cc"),
    ],
)
def test_a_bad_invitation_request_is_a_400_naming_the_field_and_writes_nothing(
    api: Api, body: Any, field: str
) -> None:
    coach = as_(api, COACH)
    api.call("GET", "/tenant/invites", token=coach)  # the caller is registered first
    before = _events_table(api)
    response = api.call("POST", "/tenant/invites", body, token=coach)
    assert response.status_code == 400
    assert [f["field"] for f in body_of(response)["error"]["fields"]] == [field]
    assert _events_table(api) == before
    assert emails_to(api.settings, "a@example.com") == []


# --- refused links ----------------------------------------------------------------------


def _tampered(token: str) -> str:
    head, _, signature = token.rpartition(".")
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("how", ["forged", "expired", "used", "revoked", "replaced"])
def test_a_link_that_cannot_be_used_is_a_400_and_nobody_joins(api: Api, how: str) -> None:
    coach = as_(api, COACH)
    created = body_of(invite(api, coach, "lea@example.com"))["invites"][0]
    token = join_token(api, "lea@example.com")
    if how == "forged":
        token = _tampered(token)
    elif how == "expired":
        api.clock.advance(timedelta(days=14, seconds=1))
        coach = as_(api, COACH)  # a fresh token: the first one expired meanwhile
    elif how == "used":
        assert join(api, token).status_code == 201
    elif how == "revoked":
        revoked = api.call("DELETE", f"/tenant/invites/{created['invite_id']}", token=coach)
        assert revoked.status_code == 204
    elif how == "replaced":
        invite(api, coach, "lea@example.com")
    members_before = _members(api, coach)
    before = _events_table(api)

    page = api.call("GET", f"/join?token={token}")
    refused = join(api, token)

    assert page.status_code == 400
    assert b'data-testid="join-invalid"' in page.body
    assert refused.status_code == 400
    error = body_of(refused)["error"]
    assert error["code"] == "invalid_invite"
    assert error["fields"][0]["field"] == "token"
    assert _events_table(api) == before
    assert _members(api, coach) == members_before


def test_a_revoked_invitation_leaves_the_pending_list_and_revoking_it_again_changes_nothing(
    api: Api,
) -> None:
    coach = as_(api, COACH)
    created = body_of(invite(api, coach, "lea@example.com"))["invites"][0]
    path = f"/tenant/invites/{created['invite_id']}"
    assert api.call("DELETE", path, token=coach).status_code == 204
    assert body_of(api.call("GET", "/tenant/invites", token=coach))["items"] == []
    assert api.call("DELETE", path, token=coach).status_code == 204  # a retried DELETE
    joined_ = api.call("POST", "/tenant/invites", {"emails": ["milo@example.com"]}, token=coach)
    used = body_of(joined_)["invites"][0]["invite_id"]
    assert join(api, join_token(api, "milo@example.com")).status_code == 201
    assert api.call("DELETE", f"/tenant/invites/{used}", token=coach).status_code == 404
    unknown = "/tenant/invites/abcdefghijklmnopqrstuv"
    assert api.call("DELETE", unknown, token=coach).status_code == 404


def test_a_coach_cannot_revoke_an_admins_invitation_of_a_coach(api: Api) -> None:
    created = body_of(invite(api, as_(api, ADMIN), "new.coach@example.com", role="coach"))
    path = f"/tenant/invites/{created['invites'][0]['invite_id']}"
    assert api.call("DELETE", path, token=as_(api, COACH)).status_code == 403


# --- sharing ----------------------------------------------------------------------------


def test_sharing_on_and_off_changes_exactly_what_a_coach_sees(api: Api, pump: StreamPump) -> None:
    coach = as_(api, COACH)
    invite(api, coach, "lea@example.com")
    lea = joined(api, "lea@example.com")
    added = api.call("POST", "/contacts", {"name": SECRET_NAME}, token=lea)
    assert added.status_code == 201
    pump.drain()
    own = body_of(api.call("GET", "/dashboard", token=lea))
    assert [item["name"] for item in own["due_actions"]] == [SECRET_NAME]

    def coach_sees() -> tuple[bytes, dict[str, Any], dict[str, Any]]:
        dashboard = api.call("GET", "/tenant/dashboard", token=coach)
        members = api.call("GET", "/tenant/members", token=coach)
        invites = api.call("GET", "/tenant/invites", token=coach)
        seen = dashboard.body + members.body + invites.body
        [member] = [m for m in body_of(members)["items"] if m["email"] == "lea@example.com"]
        return seen, body_of(dashboard), member

    seen, dashboard, member = coach_sees()
    assert SECRET_NAME.encode() not in seen
    assert dashboard["counts"]["identified"] == 1  # counts are everyone's
    assert dashboard["due_actions"] == []
    assert member["pipeline"] is None

    api.call("PUT", "/me/sharing", {"share_with_coaches": True}, token=lea)
    seen, dashboard, member = coach_sees()
    assert [(d["name"], d["user_id"]) for d in dashboard["due_actions"]] == [
        (SECRET_NAME, _user_of(lea))
    ]
    assert member["sharing"] is True
    assert member["pipeline"]["identified"] == 1

    api.call("PUT", "/me/sharing", {"share_with_coaches": False}, token=lea)
    seen, dashboard, member = coach_sees()
    assert SECRET_NAME.encode() not in seen
    assert member["pipeline"] is None


# --- offboarding ------------------------------------------------------------------------


def test_offboarding_ends_access_sends_the_export_and_erases_after_thirty_days(
    api: Api, services: Services, pump: StreamPump
) -> None:
    admin, lea, lea_id = _admin_and_lea(api)
    api.call("POST", "/contacts", {"name": SECRET_NAME}, token=lea)
    pump.drain()

    removed = api.call("DELETE", f"/tenant/members/{lea_id}", token=admin)

    assert removed.status_code == 204
    refused = api.call("GET", "/contacts", token=lea)
    assert refused.status_code == 401
    assert "membership ended" in body_of(refused)["error"]["message"]
    assert all(m["user_id"] != lea_id for m in _members(api, admin))
    again = api.call("DELETE", f"/tenant/members/{lea_id}", token=admin)
    assert again.status_code == 204  # a retried DELETE: nothing again
    [export_email] = [e for e in emails_to(api.settings, "lea@example.com") if "removed" in e.text]
    [attachment] = list(export_email.message.iter_attachments())
    assert attachment.get_filename() == "rapport-export.json"
    exported = json.loads(attachment.get_content())
    assert [c["name"] for c in exported["contacts"]] == [SECRET_NAME]
    assert "26 December 2026" in export_email.text  # 30 days after 26 November
    settings = services.adapters.settings_store.get("acme", lea_id)
    assert settings is not None
    assert settings.reminders_enabled is False

    api.clock.advance(timedelta(days=29, hours=23))
    assert services.offboarding.erase_due() == 0
    assert SECRET_NAME in _every_table(api)

    api.clock.advance(timedelta(hours=2))
    assert services.offboarding.erase_due() == 1
    pump.drain()
    assert SECRET_NAME not in _every_table(api)
    assert "lea@example.com" not in _every_table(api)
    assert services.offboarding.erase_due() == 0  # nothing twice
    fresh = api.token(tenant="acme", user=lea_id, email="lea@example.com")
    assert api.call("GET", "/contacts", token=fresh).status_code == 401


def _mail_through(services: Services, mailer: Mailer) -> None:
    """The stage's emails go through `mailer` from now on (offboarding is built again)."""
    adapters: Any = services.adapters
    adapters.__dict__["mailer"] = mailer
    services.__dict__.pop("offboarding", None)


def _admin_and_lea(api: Api) -> tuple[str, str, str]:
    """An admin's token, and the token and id of Lea, whom the admin invited and who joined."""
    admin = as_(api, ADMIN)
    invite(api, admin, "lea@example.com")
    lea = joined(api, "lea@example.com")
    return admin, lea, _user_of(lea)


class _ThrottledFirst:
    """The stage's mailer, but SES throttles its first send."""

    def __init__(self, inner: Mailer) -> None:
        self.inner = inner
        self.throttled = False

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
        if not self.throttled:
            self.throttled = True
            raise MailThrottledError("SES is throttling sends (Throttling)")
        return self.inner.send(to, rendered, unsubscribe_url)


def _exports_to(api: Api, address: str) -> list[Any]:
    return [e for e in emails_to(api.settings, address) if "removed" in e.text]


_SCHEDULED = {
    "version": "0",
    "id": "5c1e8f2a-0c3d-4b9e-9f7a-2d6b1e0a4c11",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-26T10:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/erase_offboarded"],
    "detail": {},
}


@pytest.mark.parametrize("then", ["the repeated DELETE", "the hourly job"])
def test_an_export_that_cannot_leave_is_sent_later_and_only_once(
    api: Api, services: Services, then: str
) -> None:
    import app

    admin, lea, lea_id = _admin_and_lea(api)
    _mail_through(services, _ThrottledFirst(services.adapters.mailer))

    first = api.call("DELETE", f"/tenant/members/{lea_id}", token=admin)

    assert first.status_code == 503
    assert body_of(first)["error"]["code"] == "mail_unavailable"
    assert first.headers["Retry-After"].isdigit()
    assert api.call("GET", "/contacts", token=lea).status_code == 401  # removed all the same
    assert _exports_to(api, "lea@example.com") == []

    if then == "the hourly job":
        app.erase_offboarded(_SCHEDULED, None)  # as EventBridge calls it
    else:
        assert api.call("DELETE", f"/tenant/members/{lea_id}", token=admin).status_code == 204
    assert len(_exports_to(api, "lea@example.com")) == 1
    assert api.call("DELETE", f"/tenant/members/{lea_id}", token=admin).status_code == 204
    app.erase_offboarded(_SCHEDULED, None)
    assert len(_exports_to(api, "lea@example.com")) == 1  # sent, so never again
    assert services.adapters.tenancy_store.pending_exports(10) == []


def test_the_hourly_job_sends_each_pending_export_one_refused_address_aside(
    api: Api, services: Services
) -> None:
    """An address SES keeps refusing stays pending (until the erasure) and stops no other."""
    admin = as_(api, ADMIN)
    invite(api, admin, "lea@example.com", "max@example.com")
    lea_id = _user_of(joined(api, "lea@example.com"))
    max_id = _user_of(joined(api, "max@example.com"))
    inner: Mailer = services.adapters.mailer
    down = {"lea@example.com", "max@example.com"}

    class _Refusing:
        def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
            if to in down:
                raise MailThrottledError("SES is throttling sends (Throttling)")
            return inner.send(to, rendered, unsubscribe_url)

    _mail_through(services, _Refusing())
    for user in (lea_id, max_id):
        assert api.call("DELETE", f"/tenant/members/{user}", token=admin).status_code == 503

    down.discard("max@example.com")
    assert services.offboarding.send_pending_exports() == 1
    assert services.offboarding.send_pending_exports() == 0  # lea's still cannot leave

    assert len(_exports_to(api, "max@example.com")) == 1
    assert _exports_to(api, "lea@example.com") == []
    [pending] = services.adapters.tenancy_store.pending_exports(10)
    assert pending.user_id == lea_id
    api.clock.advance(timedelta(days=30, hours=1))
    assert services.offboarding.erase_due() == 2
    assert services.adapters.tenancy_store.pending_exports(10) == []


def test_of_two_admins_removing_one_member_at_once_one_export_is_sent(
    api: Api, services: Services
) -> None:
    """The second DELETE arrives while the first is still sending: it sends nothing."""
    admin = as_(api, ADMIN)
    other_admin = api.token(tenant="acme", user="omar", roles=("admin",))
    invite(api, admin, "lea@example.com")
    lea_id = _user_of(joined(api, "lea@example.com"))
    inner: Mailer = services.adapters.mailer
    overlapping: list[int] = []

    class _Slow:
        def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
            if not overlapping:
                response = api.call("DELETE", f"/tenant/members/{lea_id}", token=other_admin)
                overlapping.append(response.status_code)
            return inner.send(to, rendered, unsubscribe_url)

    _mail_through(services, _Slow())

    assert api.call("DELETE", f"/tenant/members/{lea_id}", token=admin).status_code == 204
    assert overlapping == [204]
    assert len(_exports_to(api, "lea@example.com")) == 1


def test_a_removal_that_loses_the_race_sends_no_second_export(api: Api, services: Services) -> None:
    """Another admin's removal lands between this request's read and its write: theirs is the
    removal, and the export goes once, by whichever request claims it."""
    admin, _, lea_id = _admin_and_lea(api)
    saved = services.adapters.tenancy_store
    lea = saved.member("acme", lea_id)
    assert lea is not None

    class _ReadBeforeTheOtherWrite:
        """The store, but its first read of Lea is from before the other admin's removal."""

        def __init__(self) -> None:
            self.stale = True

        def member(self, tenant_id: str, user_id: str) -> Member | None:
            if self.stale and lea is not None:
                self.stale = False
                assert saved.remove(lea.removed(api.clock.now()))  # the other admin's write
                return lea
            return saved.member(tenant_id, user_id)

        def __getattr__(self, name: str) -> Any:
            return getattr(saved, name)

    adapters: Any = services.adapters
    adapters.__dict__["tenancy_store"] = _ReadBeforeTheOtherWrite()
    services.__dict__.pop("offboarding", None)

    assert api.call("DELETE", f"/tenant/members/{lea_id}", token=admin).status_code == 204
    assert api.call("DELETE", f"/tenant/members/{lea_id}", token=admin).status_code == 204

    assert len(_exports_to(api, "lea@example.com")) == 1
    removed = saved.member("acme", lea_id)
    assert removed is not None
    assert not removed.export_pending


def test_an_admin_cannot_remove_themselves_or_a_stranger(api: Api) -> None:
    admin = as_(api, ADMIN)
    api.call("GET", "/contacts", token=admin)
    assert api.call("DELETE", "/tenant/members/ana", token=admin).status_code == 409
    assert api.call("DELETE", "/tenant/members/nobody", token=admin).status_code == 404
    assert api.call("DELETE", "/tenant/members/bad%23id", token=admin).status_code == 404


def test_a_removed_members_access_ends_within_a_minute_in_another_process(
    api: Api, services: Services
) -> None:
    """Another warm process caches its answer for a minute at most."""
    from chalicelib.auth.identity import Identity
    from chalicelib.service.membership import Membership

    admin = as_(api, ADMIN)
    api.call("GET", "/contacts", token=as_(api, STUDENT))
    other = Membership(services.adapters.tenancy_store, api.clock)
    sam = Identity(user_id="sam", tenant_id="acme", email="sam@example.com")
    assert other.admits(sam)
    assert api.call("DELETE", "/tenant/members/sam", token=admin).status_code == 204
    api.clock.advance(timedelta(seconds=59))
    assert other.admits(sam)  # its cached answer, still
    api.clock.advance(timedelta(seconds=2))
    assert not other.admits(sam)
