"""Reading past DynamoDB's 1 MB pages: a Query (or any paged read) answers at most 1 MB, with
`LastEvaluatedKey` naming where the next request must start."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

Item = dict[str, Any]
Read = Callable[..., Mapping[str, Any]]


def pages(read: Read, *, limit: int | None = None, **request: Any) -> Iterator[Mapping[str, Any]]:
    """Every page of a paged read (e.g. `client.query`), each request starting after the last.

    With `limit`, at most that many items in all: each request asks (`Limit`) for no more than
    are still wanted, and reading stops once they have come.
    """
    remaining = limit
    while remaining is None or remaining > 0:
        page = read(**request) if remaining is None else read(**request, Limit=remaining)
        yield page
        if remaining is not None:
            remaining -= len(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return
        request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def query_items(client: Any, *, limit: int | None = None, **request: Any) -> Iterator[Item]:
    """Every item a Query matches, across its pages (at most `limit` of them)."""
    for page in pages(client.query, limit=limit, **request):
        yield from page.get("Items", [])
