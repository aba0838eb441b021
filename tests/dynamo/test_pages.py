"""Reads past DynamoDB's 1 MB pages: every item once, in order, and no more than asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.dynamo.pages import pages, query_items


class PagedClient:
    """Answers a Query from a list of items, `page_size` at a time, as DynamoDB pages do."""

    def __init__(self, items: list[int], page_size: int) -> None:
        self._items = items
        self._page_size = page_size
        self.requests: list[dict[str, Any]] = []

    def query(self, **request: Any) -> Mapping[str, Any]:
        self.requests.append(request)
        start = request.get("ExclusiveStartKey", {}).get("n", -1) + 1
        size = min(self._page_size, request.get("Limit", self._page_size))
        page: dict[str, Any] = {"Items": [{"n": n} for n in self._items[start : start + size]]}
        if start + size < len(self._items):
            page["LastEvaluatedKey"] = {"n": start + size - 1}
        return page


def test_every_item_comes_once_across_pages() -> None:
    client = PagedClient(list(range(7)), page_size=3)

    items = list(query_items(client, TableName="t", ConsistentRead=True))

    assert [item["n"] for item in items] == list(range(7))
    assert len(client.requests) == 3


def test_each_request_repeats_the_query_and_starts_after_the_last_page() -> None:
    client = PagedClient(list(range(5)), page_size=2)

    list(query_items(client, TableName="t"))

    assert client.requests == [
        {"TableName": "t"},
        {"TableName": "t", "ExclusiveStartKey": {"n": 1}},
        {"TableName": "t", "ExclusiveStartKey": {"n": 3}},
    ]


def test_a_read_that_fits_one_page_is_one_request() -> None:
    client = PagedClient([1, 2], page_size=10)

    assert [item["n"] for item in query_items(client)] == [1, 2]
    assert len(client.requests) == 1


def test_a_limit_asks_for_no_more_than_are_still_wanted() -> None:
    client = PagedClient(list(range(10)), page_size=3)

    items = list(query_items(client, limit=5, TableName="t"))

    assert [item["n"] for item in items] == [0, 1, 2, 3, 4]
    assert [request["Limit"] for request in client.requests] == [5, 2]


def test_pages_hands_over_whole_pages_for_readers_that_need_their_keys() -> None:
    client = PagedClient(list(range(4)), page_size=3)

    found = list(pages(client.query, TableName="t"))

    assert [len(page["Items"]) for page in found] == [3, 1]
    assert found[0]["LastEvaluatedKey"] == {"n": 2}
