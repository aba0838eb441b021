"""Powertools for AWS Lambda: the one JSON logger and the one metrics emitter.

Every module keeps its plain `logging.getLogger(__name__)`; in Lambda, the `chalicelib` logger
they all propagate to gets Powertools' JSON handler, so each line carries the function, cold
start, correlation id and tenant that the Lambda middleware (`app.py`) appends. Never log a
contact's personal data: ids, counts and reasons only.

Metrics are CloudWatch's embedded metric format (EMF) lines on stdout, which only Lambda turns
into metrics. Outside Lambda (the dev stack, the CLI, the bench) no metric is emitted, the
package's logs keep whatever handlers the process chose, and Powertools' own logger says only
warnings unless `LOG_LEVEL` asks for more: no JSON or EMF noise reaches a terminal. The service
name differs from the Chalice app's (`rapport`), whose own logger would print every line twice.
"""

from __future__ import annotations

import logging
import os
import warnings

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.logging.filters import SuppressFilter
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "rapport-service"
NAMESPACE = "Rapport"
PACKAGE_LOGGER = "chalicelib"


def in_lambda() -> bool:
    """True inside Lambda, the only place EMF lines become metrics and JSON logs are read."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def log_level(default: str = "INFO") -> str:
    """`LOG_LEVEL`, else `POWERTOOLS_LOG_LEVEL`, else `default`."""
    level = os.environ.get("LOG_LEVEL") or os.environ.get("POWERTOOLS_LOG_LEVEL") or default
    return level.upper()


logger = Logger(service=SERVICE, level=log_level("INFO" if in_lambda() else "WARNING"))
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# Most requests count nothing (a read): that is no news, and Powertools would warn each time.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def route_package_logs() -> None:
    """The `chalicelib` loggers' lines through Powertools' JSON handler (once is enough)."""
    package = logging.getLogger(PACKAGE_LOGGER)
    package.setLevel(log_level())
    if logger.registered_handler not in package.handlers:
        package.addHandler(logger.registered_handler)
    # The Lambda runtime's root handler would print each line again, unformatted.
    for handler in logging.root.handlers:
        if type(handler).__name__ != "LogCaptureHandler":  # pytest's caplog still sees them
            handler.addFilter(SuppressFilter(PACKAGE_LOGGER))


if in_lambda():
    route_package_logs()


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Adds `value` to the counter `name`; with dimensions, as its own EMF line at once."""
    if not in_lambda() or value == 0:
        return
    if not dimensions:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        return
    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE
    ) as metric:
        metric.add_dimension(name="service", value=SERVICE)
        for key, dimension in dimensions.items():
            metric.add_dimension(name=key, value=dimension)


def milliseconds(name: str, value: float) -> None:
    """A duration, flushed with the invocation's other metrics."""
    if in_lambda():
        metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)
