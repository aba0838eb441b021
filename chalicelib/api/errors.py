"""The one error body of the API, and the exceptions that carry it to the edge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """A field (dotted path) and what is wrong with it."""

    field: str
    message: str


@dataclass
class ApiError(Exception):
    """An error answer: status, snake_case code, a message for a person, and field problems."""

    status: int
    code: str
    message: str
    fields: Sequence[FieldProblem] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = [{"field": p.field, "message": p.message} for p in self.fields]
        return {"error": error}


def validation_error(problems: Sequence[FieldProblem]) -> ApiError:
    names = ", ".join(p.field for p in problems)
    return ApiError(400, "validation_error", f"check these fields: {names}", tuple(problems))


def bad_field(name: str, message: str) -> ApiError:
    return validation_error([FieldProblem(name, message)])


def unauthorized(reason: str) -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        f"sign in again: {reason}",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def not_found(what: str = "contact") -> ApiError:
    return ApiError(404, "not_found", f"no such {what}")
