"""Errors of the application services; the HTTP edge (`api/responses.py`) maps each to an answer."""


class ServiceError(Exception):
    """Base of the service errors."""


class ContactNotFoundError(ServiceError):
    """No such contact for this caller: absent, erased, another user's or another tenant's."""


class VersionMismatchError(ServiceError):
    """`If-Match` named a version that is not the contact's current one."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            f"the contact is at version {current}, not {expected}: reload it and retry"
        )
        self.current = current


class IdempotencyKeyReusedError(ServiceError):
    """The same `Idempotency-Key` came with a different body."""


class WriteConflictError(ServiceError):
    """Other writers kept winning the race for this contact (or these settings), even after
    retries."""
