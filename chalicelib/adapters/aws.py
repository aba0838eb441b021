"""boto3 clients, created lazily and cached per endpoint, so importing the app stays cheap."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.settings import Settings

# moto with botocore >= 1.44 answers DynamoDB Streams calls with 404 unless account-based
# endpoints are off; real AWS accepts either mode, so it is off everywhere.
_CONFIG = Config(
    account_id_endpoint_mode="disabled",
    retries={"mode": "standard", "max_attempts": 3},
)


# botocore retries a timed-out call: for SES that could email a reminder twice. The sweep
# retries throttled sends itself, at its next run, after releasing its claims.
_NO_RETRY = _CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": 1}))
_CONFIG_BY_SERVICE = {"sesv2": _NO_RETRY, "ses": _NO_RETRY}


@functools.lru_cache(maxsize=32)
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    config = _CONFIG_BY_SERVICE.get(service, _CONFIG)
    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=endpoint_url, config=config
    )


def client(service: str, settings: Settings) -> Any:
    """A cached boto3 client for `service`, honouring `AWS_ENDPOINT_URL`."""
    return _client(service, settings.region, settings.aws_endpoint_url)


def reset_clients() -> None:
    """Forgets cached clients (tests switch endpoints and moto mocks)."""
    _client.cache_clear()
