"""pydantic's validation errors, said as the API's field problems."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.api.errors import ApiError, FieldProblem, validation_error

Model = TypeVar("Model", bound=BaseModel)

_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
}


def problems(error: ValidationError, prefix: str = "") -> list[FieldProblem]:
    """One problem per failing field, with the field's dotted path."""
    found: list[FieldProblem] = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"]) or "body"
        message = _MESSAGES.get(item["type"]) or item["msg"].removeprefix("Value error, ")
        found.append(FieldProblem(f"{prefix}{path}", message))
    return found


def validate(model: type[Model], data: Any) -> Model:
    """The validated model, or a 400 naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_error(problems(error)) from None


def validate_body(model: type[Model], body: dict[str, Any]) -> Model:
    """A JSON body validated strictly: `"45"` is not a number of minutes and `1` is not `true`.

    API.md makes an ill-typed field a 400, and pydantic's lax mode would quietly coerce it.
    JSON-mode strictness still reads ISO times and enum values from strings, as JSON must.
    """
    try:
        return model.model_validate_json(json.dumps(body), strict=True)
    except ValidationError as error:
        raise validation_error(problems(error)) from None


def reraise(error: ValidationError) -> ApiError:
    return validation_error(problems(error))
