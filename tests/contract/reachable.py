"""The statuses each route of the app can answer, read from the source with `ast`.

From a route's handler, every call that can be resolved is followed (functions, methods of
`self`, of annotated parameters and of attributes set from them in `__init__`, across
chalicelib), collecting:
- the statuses written as literals: `ApiError(404, …)`, `ApiResponse(201, …)`, or any call
  whose first parameter is `status`, like `_page(200, …)`;
- the exceptions raised and not caught on the way, which `as_api_error` maps to a status
  (the first `isinstance` branch that matches, else 500).
"""

from __future__ import annotations

import ast
import builtins
import importlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAPPING = "chalicelib.api.responses.as_api_error"
API_ERROR = "chalicelib.api.errors.ApiError"


@dataclass
class Reach:
    statuses: set[int] = field(default_factory=set)
    raised: set[str] = field(default_factory=set)

    def add(self, other: Reach) -> None:
        self.statuses |= other.statuses
        self.raised |= other.raised


@dataclass(frozen=True)
class Code:
    """A function or method in the source: its module, its class if any, and its node."""

    module: str
    owner: str | None
    node: ast.FunctionDef


def _path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@cache
def _tree(module: str) -> ast.Module | None:
    path = _path(module)
    return ast.parse(path.read_text()) if path else None


@cache
def _names(module: str) -> dict[str, str]:
    """Each name a module binds at its top level (imports, defs, classes), fully qualified."""
    tree = _tree(module)
    names: dict[str, str] = {}
    for node in tree.body if tree else []:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            names.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names[node.name] = f"{module}.{node.name}"
    return names


def _split(qualified: str) -> tuple[str, str] | None:
    """`pkg.module.Name` -> (`pkg.module`, `Name`), the longest prefix that is a module."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if _tree(module) is not None:
            return module, ".".join(parts[cut:])
    return None


def _definition(qualified: str) -> tuple[str, ast.FunctionDef | ast.ClassDef] | None:
    found = _split(qualified)
    if found is None:
        return None
    module, name = found
    tree = _tree(module)
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return module, node
    target = _names(module).get(name)  # re-exported
    return _definition(target) if target and target != qualified else None


def _method(qualified_class: str, name: str) -> Code | None:
    found = _definition(qualified_class)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    module, cls = found
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return Code(module, qualified_class, node)
    for base in cls.bases:
        resolved = _resolve(module, base)
        method = _method(resolved, name) if resolved else None
        if method is not None:
            return method
    return None


def _resolve(module: str, node: ast.expr, local: dict[str, str] | None = None) -> str | None:
    """The qualified name an expression like `Name` or `alias.Name` refers to."""
    if isinstance(node, ast.Name):
        found = (local or {}).get(node.id) or _names(module).get(node.id)
        if found is None and isinstance(getattr(builtins, node.id, None), type):
            return f"builtins.{node.id}"
        return found
    if isinstance(node, ast.Attribute):
        base = _resolve(module, node.value, local)
        return f"{base}.{node.attr}" if base else None
    return None


@cache
def _imports_within(node: ast.FunctionDef) -> dict[str, str]:
    """Names a function imports in its own body (app.py and the glue import lazily)."""
    return {
        alias.asname or alias.name: f"{found.module}.{alias.name}"
        for found in ast.walk(node)
        if isinstance(found, ast.ImportFrom) and found.module and not found.level
        for alias in found.names
    }


def _annotation(argument: ast.arg) -> ast.expr:
    given = argument.annotation
    assert given is not None
    if isinstance(given, ast.Constant) and isinstance(given.value, str):
        return ast.parse(given.value, mode="eval").body  # a quoted annotation
    return given


def _parameter_types(code: Code) -> dict[str, str]:
    args = code.node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found = {a.arg: _resolve(code.module, _annotation(a)) for a in every if a.annotation}
    return {name: kind for name, kind in found.items() if kind}


def _attribute_types(qualified_class: str) -> dict[str, str]:
    """`self._x` -> its class, from `self._x = x` in `__init__` where `x` is annotated."""
    init = _method(qualified_class, "__init__")
    if init is None:
        return {}
    given = _parameter_types(init)
    types: dict[str, str] = {}
    for node in ast.walk(init.node):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and node.value.id in given:
                    types[target.attr] = given[node.value.id]
    return types


def _callee(code: Code, func: ast.expr) -> Code | str | None:
    """What a call calls: code in the source, a class (qualified name), or None."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = func.value.id
        if owner == "self" and code.owner:
            return _method(code.owner, func.attr)
        kind = _parameter_types(code).get(owner)
        if kind:
            return _method(kind, func.attr)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "self"
        and code.owner
    ):
        kind = _attribute_types(code.owner).get(func.value.attr)
        return _method(kind, func.attr) if kind else None
    qualified = _resolve(code.module, func, _imports_within(code.node))
    if qualified is None:
        return None
    if qualified.startswith("builtins."):
        return qualified
    found = _definition(qualified)
    if found is None:
        return None
    module, node = found
    if isinstance(node, ast.ClassDef):
        return f"{module}.{node.name}"
    return Code(module, None, node)


def _first_parameter(target: Code | str) -> str | None:
    if isinstance(target, Code):
        args = [a.arg for a in target.node.args.args if a.arg != "self"]
        return args[0] if args else None
    found = _definition(target)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    fields = [n.target.id for n in found[1].body if isinstance(n, ast.AnnAssign)]
    return fields[0] if fields and isinstance(fields[0], str) else None


def _literal_status(call: ast.Call, target: Code | str) -> int | None:
    if _first_parameter(target) != "status":
        return None
    given = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "status":
            given = keyword.value
    if isinstance(given, ast.Constant) and isinstance(given.value, int):
        return given.value
    return None


def _class(qualified: str) -> type | None:
    if qualified.startswith("builtins."):
        value = getattr(builtins, qualified.removeprefix("builtins."), None)
        return value if isinstance(value, type) else None
    found = _split(qualified)
    if found is None:
        return None
    value = getattr(importlib.import_module(found[0]), found[1], None)
    return value if isinstance(value, type) else None


def _caught(code: Code, handlers: list[ast.ExceptHandler]) -> tuple[type, ...]:
    kinds: list[type] = []
    for handler in handlers:
        if handler.type is None:
            return (BaseException,)
        nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for node in nodes:
            qualified = _resolve(code.module, node, _imports_within(code.node))
            kind = _class(qualified) if qualified else None
            if isinstance(kind, type):
                kinds.append(kind)
    return tuple(kinds)


def _expression_nodes(statement: ast.stmt) -> list[ast.AST]:
    """The nodes of a statement itself, not of the statements nested in it."""
    found: list[ast.AST] = []
    todo = [c for c in ast.iter_child_nodes(statement) if not isinstance(c, ast.stmt)]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))
    return found


class Walker:
    """Follows calls from a function, once per function, and sums up what it reaches."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str | None, int], Reach] = {}
        # The mapping itself is applied to what escapes, not walked: its branches are not calls.
        mapping = _definition(MAPPING)
        assert mapping is not None
        self._seen[(mapping[0], None, mapping[1].lineno)] = Reach()

    def reach(self, code: Code) -> Reach:
        key = (code.module, code.owner, code.node.lineno)
        if key not in self._seen:
            self._seen[key] = Reach()  # a cycle adds nothing more
            self._seen[key] = self.statements(code, code.node.body)
        return self._seen[key]

    def statements(self, code: Code, statements: list[ast.stmt]) -> Reach:
        found = Reach()
        for statement in statements:
            if isinstance(statement, ast.Try):
                inner = self.statements(code, statement.body)
                caught = _caught(code, statement.handlers)
                kept = {r for r in inner.raised if not _is_caught(r, caught)}
                found.add(Reach(inner.statuses, kept))
                for handler in statement.handlers:
                    found.add(self.statements(code, handler.body))
                found.add(self.statements(code, statement.orelse + statement.finalbody))
                continue
            found.add(self._expressions(code, statement))
            nested = [c for c in ast.iter_child_nodes(statement) if isinstance(c, ast.stmt)]
            found.add(self.statements(code, nested))
        return found

    def _expressions(self, code: Code, statement: ast.stmt) -> Reach:
        found = Reach()
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            exc = statement.exc
            target = _callee(code, exc.func if isinstance(exc, ast.Call) else exc)
            if isinstance(target, str):
                found.raised.add(target)
        for node in _expression_nodes(statement):
            if not isinstance(node, ast.Call):
                continue
            target = _callee(code, node.func)
            if target is None:
                continue
            status = _literal_status(node, target)
            if status is not None:
                found.statuses.add(status)
            if isinstance(target, Code):
                found.add(self.reach(target))
        return found


def _is_caught(qualified: str, caught: tuple[type, ...]) -> bool:
    kind = _class(qualified)
    return kind is not None and issubclass(kind, caught)


@cache
def _mapping() -> list[tuple[type, set[int]]]:
    """`as_api_error`'s branches: the exception class each tests, and the statuses it gives."""
    found = _definition(MAPPING)
    assert found is not None
    module, node = found
    code = Code(module, None, node)  # type: ignore[arg-type]
    branches: list[tuple[type, set[int]]] = []
    for statement in node.body:
        if not (isinstance(statement, ast.If) and isinstance(statement.test, ast.Call)):
            continue
        qualified = _resolve(module, statement.test.args[1])
        kind = _class(qualified) if qualified else None
        if kind is not None:
            branches.append((kind, Walker().statements(code, statement.body).statuses))
    return branches


def status_of(exception: str) -> set[int]:
    """The statuses `as_api_error` answers an exception with (an ApiError carries its own)."""
    kind = _class(exception)
    api_error = _class(API_ERROR)
    if kind is not None and api_error is not None and issubclass(kind, api_error):
        return set()
    for tested, statuses in _mapping():
        if kind is not None and issubclass(kind, tested):
            return statuses
    return {500}


def statuses_of(qualified: str, ignored: frozenset[str] = frozenset()) -> set[int]:
    """Every status a function (a handler, `respond`) can answer with, or lead to."""
    found = _definition(qualified)
    assert found is not None, qualified
    assert isinstance(found[1], ast.FunctionDef), qualified
    reach = Walker().reach(Code(found[0], None, found[1]))
    statuses = set(reach.statuses)
    for exception in reach.raised - ignored:
        statuses |= status_of(exception)
    return statuses


def route_handler(view_name: str) -> str | None:
    """The handler an app.py view hands its request to (`respond(module.name, …)`), if any."""
    tree = _tree("app")
    assert tree is not None
    view = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == view_name)
    local = {
        alias.asname or alias.name: f"{node.module}.{alias.name}"
        for node in ast.walk(view)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    for node in ast.walk(view):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "respond":
            handler = node.args[0]
            if isinstance(handler, ast.Attribute) and isinstance(handler.value, ast.Name):
                return f"{local[handler.value.id]}.{handler.attr}"
    return None
