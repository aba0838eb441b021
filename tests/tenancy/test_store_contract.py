"""One contract, two tenancy stores: in memory (unit tests, bench) and DynamoDB (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.dynamodb_tenancy import DynamoDBTenancyStore
from chalicelib.bootstrap import Services
from chalicelib.tenancy.model import Invite, InviteStatus, Member, MemberStatus
from chalicelib.tenancy.port import InMemoryTenancyStore, InviteTakenError, TenancyStore
from chalicelib.tenancy.roles import Role

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[TenancyStore]:
    if request.param == "memory":
        yield InMemoryTenancyStore()
        return
    services: Services = request.getfixturevalue("services")
    client = aws.client("dynamodb", services.settings)
    yield DynamoDBTenancyStore(client, services.settings.events_table, sleep=lambda _: None)


def _invite(email: str, invite_id: str = "abcdefghijklmnopqrstuv", tenant: str = "acme") -> Invite:
    return Invite(
        tenant_id=tenant,
        invite_id=invite_id,
        email=email,
        role=Role.STUDENT,
        invited_by="carla",
        inviter_email="carla@example.com",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )


def _member(user: str, tenant: str = "acme") -> Member:
    return Member(tenant, user, f"{user}@example.com", frozenset(), NOW)


def test_an_invitation_is_replaced_by_the_next_one_of_its_address(store: TenancyStore) -> None:
    store.put_invites([_invite("lea@example.com")])
    store.put_invites([_invite("lea@example.com", "zyxwvutsrqponmlkjihgfe")])
    [only] = store.invites("acme")
    assert only.invite_id == "zyxwvutsrqponmlkjihgfe"
    assert store.invites("globex") == []


def test_accepting_uses_the_invitation_up_once(store: TenancyStore) -> None:
    invite = _invite("lea@example.com")
    store.put_invites([invite])
    store.accept(invite, _member("lea"))
    stored = store.invite("acme", invite.key)
    assert stored is not None
    assert stored.status is InviteStatus.USED
    with pytest.raises(InviteTakenError):
        store.accept(invite, _member("someone-else"))
    assert store.member("acme", "someone-else") is None


def test_a_replaced_or_revoked_invitation_cannot_be_accepted(store: TenancyStore) -> None:
    old = _invite("lea@example.com")
    store.put_invites([old])
    assert store.revoke("acme", old.key, old.invite_id)
    assert not store.revoke("acme", old.key, old.invite_id)
    with pytest.raises(InviteTakenError):
        store.accept(old, _member("lea"))
    store.put_invites([_invite("lea@example.com", "zyxwvutsrqponmlkjihgfe")])
    with pytest.raises(InviteTakenError):
        store.accept(old, _member("lea"))


def test_registering_keeps_the_first_record(store: TenancyStore) -> None:
    first = store.register(_member("sam"))
    again = store.register(replace(_member("sam"), email="other@example.com"))
    assert again == first
    assert [m.user_id for m in store.members("acme")] == ["sam"]


def test_sharing_registers_an_unknown_member_but_never_revives_a_removed_one(
    store: TenancyStore,
) -> None:
    shared = store.set_sharing(_member("sam"), True)
    assert shared is not None
    assert shared.sharing
    member = store.member("acme", "sam")
    assert member is not None
    assert store.remove(member.removed(NOW))
    assert store.set_sharing(_member("sam"), True) is None


def test_removal_is_once_and_erasure_comes_due_after_thirty_days(store: TenancyStore) -> None:
    store.register(_member("sam"))
    store.put_invites([_invite("sam@example.com")])
    removed = _member("sam").removed(NOW)
    assert store.remove(removed)
    assert not store.remove(removed)
    assert store.due_erasures(NOW + timedelta(days=29), 10) == []
    [due] = store.due_erasures(NOW + timedelta(days=30), 10)
    assert (due.tenant_id, due.user_id) == ("acme", "sam")

    store.mark_erased(due)
    store.mark_erased(due)  # an overlapping run: nothing twice, no error

    gone = store.member("acme", "sam")
    assert gone is not None
    assert (gone.status, gone.email) == (MemberStatus.ERASED, "")
    assert store.due_erasures(NOW + timedelta(days=31), 10) == []
    assert store.invite("acme", _invite("sam@example.com").key) is None


def test_a_removed_members_export_is_claimed_by_one_until_sent(store: TenancyStore) -> None:
    store.register(_member("sam"))
    assert not store.claim_export(_member("sam"), NOW)  # an active member has no export due
    removed = _member("sam").removed(NOW)
    assert store.remove(removed)
    saved = store.member("acme", "sam")
    assert saved is not None
    assert saved.export_pending

    assert store.claim_export(removed, NOW)
    assert not store.claim_export(removed, NOW + timedelta(minutes=4))  # being sent
    store.finish_export(removed, sent=False)  # it could not leave: free again at once
    assert store.claim_export(removed, NOW + timedelta(minutes=4))
    assert store.claim_export(removed, NOW + timedelta(minutes=10))  # that claim died, lapsed
    store.finish_export(removed, sent=True)

    assert not store.claim_export(removed, NOW + timedelta(hours=1))
    sent = store.member("acme", "sam")
    assert sent is not None
    assert not sent.export_pending
    assert sent.status is MemberStatus.REMOVED


def test_finishing_an_export_never_creates_a_member(store: TenancyStore) -> None:
    store.finish_export(_member("nobody").removed(NOW), sent=True)
    assert store.member("acme", "nobody") is None
    assert not store.claim_export(_member("nobody").removed(NOW), NOW)


def test_an_export_is_listed_as_pending_until_it_is_sent_or_the_member_erased(
    store: TenancyStore,
) -> None:
    for user in ("sam", "tia"):
        store.register(_member(user))
    sam = _member("sam").removed(NOW)
    tia = _member("tia").removed(NOW + timedelta(minutes=1))
    assert store.remove(tia)
    assert store.remove(sam)
    assert [(p.user_id, p.removed_at) for p in store.pending_exports(10)] == [
        ("sam", NOW),
        ("tia", NOW + timedelta(minutes=1)),
    ]
    assert [p.user_id for p in store.pending_exports(1)] == ["sam"]

    assert store.claim_export(sam, NOW)
    store.finish_export(sam, sent=False)
    assert [p.user_id for p in store.pending_exports(10)] == ["sam", "tia"]
    assert store.claim_export(sam, NOW)
    store.finish_export(sam, sent=True)
    assert [p.user_id for p in store.pending_exports(10)] == ["tia"]

    [due] = [d for d in store.due_erasures(NOW + timedelta(days=31), 10) if d.user_id == "tia"]
    store.mark_erased(due)
    assert store.pending_exports(10) == []
