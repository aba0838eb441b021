"""The architecture's boundaries, read from the source with `ast`:

- the domain imports only the standard library and pydantic (and itself);
- only the Chalice glue imports Chalice, so the app could move to another Lambda router;
- whole-table Scans live in modules that only the operator's commands reach;
- imports point inwards (domain <- service <- projections, reminders <- adapters and edges),
  packages import each other in no cycle, and one composition root builds every adapter.
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
SCANNERS = {"chalicelib/projections/replay.py", "chalicelib/viewstore/dynamodb_admin.py"}
SCAN_REACH = {
    # The composition root hands operators' commands the events table's snapshot.
    "chalicelib.projections.replay": {
        "chalicelib/projections/rebuild.py",
        "chalicelib/bootstrap.py",
    },
    "chalicelib.viewstore.dynamodb_admin": {"chalicelib/viewstore/dynamodb.py"},
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


# Each package's layer: a module may import its own package, the kernel, and lower layers only.
KERNEL = {
    "chalicelib.clock",
    "chalicelib.timefmt",
    "chalicelib.retry",
    "chalicelib.signing",
    "chalicelib.settings",
    "chalicelib.tables",
    "chalicelib.dynamo",
    "chalicelib.correlation",
    "chalicelib.telemetry",
}
LAYERS = {
    "chalicelib.domain": 0,
    "chalicelib.eventstore": 1,
    "chalicelib.viewstore": 1,
    "chalicelib.auth": 1,
    "chalicelib.contact_import": 1,
    "chalicelib.webhooks": 1,
    "chalicelib.calendar_feed": 1,
    "chalicelib.integrations": 1,
    "chalicelib.inbound": 2,
    "chalicelib.tenancy": 2,
    "chalicelib.service": 3,
    "chalicelib.projections": 4,
    "chalicelib.reminders": 4,
    "chalicelib.adapters": 5,
    "chalicelib.web_assets": 5,
    "chalicelib.bootstrap": 6,
    "chalicelib.api": 7,
    "chalicelib.devstack": 7,
    "chalicelib.cli": 8,
}
# The inner packages, which never import an edge.
INNER = (
    "domain",
    "service",
    "eventstore",
    "viewstore",
    "projections",
    "reminders",
    "contact_import",
    "webhooks",
    "calendar_feed",
    "integrations",
    "inbound",
    "tenancy",
)
EDGES = ("adapters", "api", "bootstrap", "cli", "devstack")


def _unit(module: str) -> str | None:
    """The package (or kernel module) of `chalicelib` that `module` belongs to."""
    for unit in (*KERNEL, *LAYERS):
        if _is_within(module, unit):
            return unit
    return None


def _own_unit(path: Path) -> str | None:
    return _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))


def _edges(paths: list[Path]) -> dict[str, set[str]]:
    """Which units import which (the kernel left out: it depends on nothing of ours)."""
    graph: dict[str, set[str]] = {}
    for path in paths:
        own = _own_unit(path)
        if own is None or own in KERNEL:
            continue
        for module in _imports(path):
            other = _unit(module)
            if other is not None and other != own and other not in KERNEL:
                graph.setdefault(own, set()).add(other)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in visiting:
            found.append([*visiting[visiting.index(node) :], node])
            return
        if node in done:
            return
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    return found


def test_packages_import_each_other_in_no_cycle() -> None:
    assert _cycles(_edges(_modules(PACKAGE))) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_every_package_has_a_layer() -> None:
    units = {_own_unit(path) for path in _modules(PACKAGE) if path.name != "__init__.py"}
    assert None not in units, "a module of chalicelib has no layer in LAYERS or KERNEL"


@pytest.mark.parametrize("path", _modules(PACKAGE), ids=_name)
def test_imports_point_inwards(path: Path) -> None:
    own = _own_unit(path)
    if own is None or own in KERNEL:
        return
    for module in _imports(path):
        other = _unit(module)
        if other is None or other == own or other in KERNEL:
            continue
        assert LAYERS[other] < LAYERS[own], f"{_name(path)} imports {module}: outwards or sideways"


@pytest.mark.parametrize("package", INNER)
def test_inner_packages_never_import_an_edge(package: str) -> None:
    for path in _modules(PACKAGE / package):
        for module in _imports(path):
            edge = [e for e in EDGES if _is_within(module, f"chalicelib.{e}")]
            assert not edge, f"{_name(path)} imports {module}"


def _classes_in(paths: list[Path]) -> set[str]:
    return {
        node.name
        for path in paths
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and not node.name.endswith("Error")
    }


# Adapters: what talks to AWS, or stands in for it. Only bootstrap.py builds them.
ADAPTER_MODULES = [
    *_modules(PACKAGE / "adapters"),
    PACKAGE / "eventstore" / "dynamodb.py",
    PACKAGE / "eventstore" / "memory.py",
    PACKAGE / "viewstore" / "dynamodb.py",
    PACKAGE / "viewstore" / "memory.py",
]
ADAPTERS = _classes_in(ADAPTER_MODULES) | {"InMemorySettingsRepository"}


def _constructions(path: Path) -> list[str]:
    built = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ADAPTERS:
                built.append(f"{name} (line {node.lineno})")
    return built


def test_the_adapter_list_is_not_empty() -> None:
    assert {"DynamoDBEventStore", "DynamoDBViewStore", "SesMailer", "StreamPump"} <= ADAPTERS


def test_only_the_composition_root_builds_adapters() -> None:
    """Adapter modules may build their own parts; everything else goes through bootstrap."""
    sources = [*_modules(PACKAGE), ROOT / "app.py", *_modules(ROOT / "bench")]
    offenders = {
        _name(path): built
        for path in sources
        if path not in ADAPTER_MODULES
        and _name(path) != "chalicelib/bootstrap.py"
        and (built := _constructions(path))
    }
    assert offenders == {}
