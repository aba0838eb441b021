"""The architecture's boundaries, read from the source with `ast`:

- the domain imports only the standard library and pydantic (and itself);
- only the Chalice glue imports Chalice, so the app could move to another Lambda router;
- whole-table Scans live in one module that only the operator's commands reach.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chalicelib"
DOMAIN = PACKAGE / "domain"

FORBIDDEN_IN_DOMAIN = (
    "boto3",
    "botocore",
    "chalice",
    "chalicelib.adapters",
    "chalicelib.api",
    "chalicelib.service",
)
# Who may import Chalice, and why.
CHALICE_IMPORTERS = {
    "chalicelib/api/chalice_glue.py": "turns Chalice's requests and responses into plain data",
    "chalicelib/devstack/api_server.py": "runs the app on Chalice's local server for `cli dev`",
}
# The one module that Scans, and the only modules allowed to reach it (operators' commands).
SCANNERS = {"chalicelib/projections/replay.py"}
SCAN_REACH = {
    "chalicelib.projections.replay": {"chalicelib/projections/rebuild.py"},
    "chalicelib.projections.rebuild": {
        "chalicelib/cli/commands/rebuild_projections.py",
        "chalicelib/cli/commands/verify_projections.py",
    },
}


def _modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if ".venv" not in path.parts)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: Path) -> Iterator[str]:
    """Every module a file imports, absolute, wherever in the file the import is."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            if not node.level:
                source = node.module or ""
            else:
                source = f"{base}.{node.module}" if node.module else base
            yield source
            # `from package import module` imports the module too.
            yield from (f"{source}.{alias.name}" for alias in node.names)


def _is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_package_has_modules_to_check() -> None:
    assert len(_modules(DOMAIN)) >= 5
    assert len(_modules(PACKAGE)) >= 30


@pytest.mark.parametrize("path", _modules(DOMAIN), ids=_name)
def test_the_domain_imports_only_the_standard_library_and_pydantic(path: Path) -> None:
    for module in _imports(path):
        top = module.partition(".")[0]
        forbidden = [f for f in FORBIDDEN_IN_DOMAIN if _is_within(module, f)]
        assert not forbidden, f"{_name(path)} imports {module}"
        allowed = (
            top in sys.stdlib_module_names
            or top == "pydantic"
            or _is_within(module, "chalicelib.domain")
        )
        assert allowed, f"{_name(path)} imports {module}: the domain is stdlib and pydantic only"


def test_only_the_chalice_glue_imports_chalice() -> None:
    importers = {
        _name(path)
        for path in _modules(PACKAGE)
        if any(_is_within(module, "chalice") for module in _imports(path))
    }
    assert importers <= set(CHALICE_IMPORTERS), importers - set(CHALICE_IMPORTERS)
    assert "chalicelib/api/chalice_glue.py" in importers


def _scan_calls(path: Path) -> list[int]:
    """Lines that call `.scan(...)` or ask for a Scan paginator."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        scans = node.func.attr == "scan"
        paginates = node.func.attr == "get_paginator" and any(
            isinstance(arg, ast.Constant) and arg.value == "scan" for arg in node.args
        )
        if scans or paginates:
            lines.append(node.lineno)
    return lines


def test_no_module_scans_except_the_operators_replay() -> None:
    scanning = {
        f"{_name(path)}:{line}"
        for path in _modules(PACKAGE)
        if _name(path) not in SCANNERS
        for line in _scan_calls(path)
    }
    assert not scanning, "DynamoDB Scans are for operators' commands only"
    assert all(_scan_calls(ROOT / name) for name in SCANNERS), "the allow-list is stale"


@pytest.mark.parametrize("scanner", sorted(SCAN_REACH))
def test_only_operators_commands_reach_the_scanning_modules(scanner: str) -> None:
    importers = {
        _name(path)
        for path in _modules(PACKAGE)
        if any(_is_within(module, scanner) for module in _imports(path))
    }
    assert importers <= SCAN_REACH[scanner], importers - SCAN_REACH[scanner]
