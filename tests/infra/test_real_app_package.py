"""The real app, not only the fixture, packages into the stack with everything it needs."""

from __future__ import annotations

import ast
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import INFRA_DIR, _synthesize_from
from .synth import FUNCTIONS, Synthesized

if str(INFRA_DIR) not in sys.path:
    sys.path.append(str(INFRA_DIR))
from rapport_infra.lean_package import is_dev_only

REPO = Path(__file__).resolve().parents[2]
# A removed member's access ends within 5 minutes deployed (API.md): the gateway caches the
# authorizer's answer this long at most, and the authorizer its membership check a minute.
MEMBERSHIP_CACHE_SECONDS = 60
ACCESS_ENDS_WITHIN_SECONDS = 300


@pytest.fixture(scope="module")
def real_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what `chalice package` reads: app.py, chalicelib/, requirements, config."""
    source = tmp_path_factory.mktemp("real") / "app"
    source.mkdir()
    shutil.copy(REPO / "app.py", source)
    shutil.copy(REPO / "requirements.txt", source)
    shutil.copytree(
        REPO / "chalicelib", source / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (source / ".chalice").mkdir()
    shutil.copy(REPO / ".chalice" / "config.json", source / ".chalice")
    return source


@pytest.fixture(scope="module")
def real_synth(real_app: Path) -> Synthesized:
    """The stack around the real app (which also writes its package to chalice.out/)."""
    return _synthesize_from(real_app, "prod", real_app.parent)


def test_the_real_app_synthesizes_with_its_eight_functions(real_synth: Synthesized) -> None:
    functions = set(real_synth.resources("AWS::Serverless::Function"))

    assert functions == set(FUNCTIONS)


def test_the_gateway_caches_the_real_authorizers_answers_short_enough_for_offboarding(
    real_synth: Synthesized,
) -> None:
    (authorizer,) = real_synth.resource("RestAPI")["Properties"]["DefinitionBody"][
        "securityDefinitions"
    ].values()
    ttl = authorizer["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"]

    assert ttl + MEMBERSHIP_CACHE_SECONDS <= ACCESS_ENDS_WITHIN_SECONDS


def test_its_package_holds_the_page_the_templates_and_the_runtime_requirements(
    real_app: Path, real_synth: Synthesized
) -> None:
    (package,) = real_app.parent.glob("chalice.out/*/deployment.zip")

    names = set(zipfile.ZipFile(package).namelist())

    for needed in (
        "app.py",
        "chalicelib/web/index.html",
        "chalicelib/reminders/templates/digest.html",
        "chalicelib/reminders/templates/_email.jinja",  # every HTML email extends it
        "pydantic_core/__init__.py",
        "jwt/__init__.py",
        "jinja2/__init__.py",
        "tzdata/__init__.py",
    ):
        assert needed in names, needed


def _imports(source: str, *, top_level_only: bool) -> set[str]:
    """The modules a file imports: all of them, or those its module body imports at load
    (not under `if TYPE_CHECKING:`, not inside a function)."""
    tree = ast.parse(source)
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def test_its_package_leaves_the_dev_stack_cli_pump_and_fakes_out_and_nothing_imports_moto(
    real_app: Path, real_synth: Synthesized, capsys: pytest.CaptureFixture[str]
) -> None:
    (package,) = real_app.parent.glob("chalice.out/*/deployment.zip")
    archive = zipfile.ZipFile(package)
    names = set(archive.namelist())
    ours = {n: archive.read(n).decode() for n in names if n.endswith(".py") and _is_ours(n)}
    modules = {n.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for n in ours}

    assert not [name for name in names if is_dev_only(name)]
    assert "chalicelib/devstack/stack.py" not in names
    assert "chalicelib/cli/__main__.py" not in names
    assert not [n for n in names if n.startswith("moto/")]
    for name, source in ours.items():
        everything = _imports(source, top_level_only=False)
        assert not {m for m in everything if m == "moto" or m.startswith("moto.")}, name
        at_load = {m for m in _imports(source, top_level_only=True) if m.startswith("chalicelib.")}
        missing = {m for m in at_load if m not in modules and m.rsplit(".", 1)[0] not in modules}
        assert not missing, f"{name} imports {missing}, which the package leaves out"
    size = package.stat().st_size
    with capsys.disabled():
        print(f"\nLambda package: {size / 2**20:.1f} MiB zipped, {len(names)} files")
    # pydantic-core, cryptography and Powertools are most of it; the dev stack is not in it.
    assert size < 15 * 2**20


def _is_ours(name: str) -> bool:
    return name == "app.py" or name.startswith("chalicelib/")
