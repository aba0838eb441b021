"""The dashboard's pure helpers, run in node: how pasted addresses are read, who may see the cohort.

No JavaScript test runner here: node imports the module as the browser does and prints JSON.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from chalicelib.web_assets import WEB_DIR

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
]


def run(module: str, expression: str) -> Any:
    """The JSON value of `expression`, evaluated in node with `module`'s exports as `m`."""
    url = (WEB_DIR / module).as_uri()
    script = (
        f"const m = await import({json.dumps(url)});\nconsole.log(JSON.stringify({expression}));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


def addresses(text: str) -> list[str]:
    return run("inviteform.js", f"m.parseAddresses({json.dumps(text)})")


def test_addresses_one_per_line_or_separated_by_commas_semicolons_or_spaces() -> None:
    pasted = "ada@x.example\nben@x.example, cy@x.example; di@x.example ed@x.example\r\n\n"

    assert addresses(pasted) == [
        "ada@x.example",
        "ben@x.example",
        "cy@x.example",
        "di@x.example",
        "ed@x.example",
    ]


def test_an_address_written_with_a_name_is_the_part_in_brackets() -> None:
    pasted = 'Ada Park <ada@x.example>, "Ben Oak" <ben@x.example>\nPark, Cy <cy@x.example>'

    assert addresses(pasted) == ["ada@x.example", "ben@x.example", "cy@x.example"]


def test_a_bare_address_among_named_ones_is_kept() -> None:
    assert addresses("Ada Park <ada@x.example>\nben@x.example") == [
        "ada@x.example",
        "ben@x.example",
    ]


def test_an_address_pasted_twice_is_invited_once_whatever_its_case() -> None:
    assert addresses("ada@x.example\nADA@X.example\nada@x.example") == ["ada@x.example"]


def test_a_word_that_is_not_an_address_is_kept_so_the_api_can_say_what_is_wrong() -> None:
    assert addresses("ada@x.example\nnot-an-address") == ["ada@x.example", "not-an-address"]


def test_nothing_pasted_is_no_address() -> None:
    assert addresses(" \n , ; ") == []


@pytest.mark.parametrize(
    ("claims", "roles"),
    [
        ({"roles": ["coach"]}, ["coach"]),
        ({"cognito:groups": ["admin", "coach"]}, ["admin", "coach"]),
        ({"roles": ["coach"], "cognito:groups": ["admin"]}, ["admin", "coach"]),
        ({"roles": "coach admin"}, ["admin", "coach"]),
        ({}, []),
        (None, []),
    ],
)
def test_roles_come_from_the_roles_claim_or_the_cognito_groups(
    claims: dict[str, Any] | None, roles: list[str]
) -> None:
    found = run("auth.js", f"[...m.tokenRoles({json.dumps(claims)})].sort()")

    assert found == roles
