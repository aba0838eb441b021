"""Errors the domain raises; the API turns each into a status code."""


class DomainError(Exception):
    """Base of the domain's errors."""


class StepNotAllowedError(DomainError):
    """The step does not fit the contact's state now; the message tells the user why (422)."""


class UnknownEventTypeError(DomainError):
    """No event of that type exists, or clients may not record it (400)."""
