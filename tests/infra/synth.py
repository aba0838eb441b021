"""A synthesized stack as the tests read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Synthesized:
    """One stage's synthesized stack: the assertions view, its JSON, and how long it took."""

    template: Any  # aws_cdk.assertions.Template
    json: dict[str, Any]
    seconds: float
    path: Path

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.json["Resources"].items()
            if resource["Type"] == resource_type
        }

    def resource(self, logical_id: str) -> dict[str, Any]:
        return self.json["Resources"][logical_id]
