"""Logs and EMF lines as CloudWatch would receive them: Powertools' JSON on a stream of ours."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from chalicelib.telemetry import PACKAGE_LOGGER, logger


@contextmanager
def json_logs() -> Iterator[list[dict[str, Any]]]:
    """Every line the Powertools handler writes meanwhile, the `chalicelib` loggers' routed to
    it at INFO as in Lambda, parsed; the list fills when the block ends."""
    buffer = io.StringIO()
    lines: list[dict[str, Any]] = []
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    package = logging.getLogger(PACKAGE_LOGGER)
    levels = (logger.log_level, package.level)
    previous = handler.setStream(buffer)
    package.addHandler(handler)
    package.setLevel(logging.INFO)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        package.removeHandler(handler)
        logger.setLevel(levels[0])
        package.setLevel(levels[1])
        handler.setStream(previous)
        lines += [json.loads(line) for line in buffer.getvalue().splitlines() if line]


def emf_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The EMF documents printed since the last call."""
    out = capsys.readouterr().out
    found = []
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            found.append(json.loads(line))
    return found


def metric_values(documents: list[dict[str, Any]], name: str) -> list[Any]:
    """The values a metric had in these EMF documents (each document's own value or list)."""
    values = []
    for document in documents:
        declared = {
            metric["Name"]
            for directive in document["_aws"]["CloudWatchMetrics"]
            for metric in directive["Metrics"]
        }
        if name in declared:
            assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Rapport"
            value = document[name]
            values += value if isinstance(value, list) else [value]
    return values
