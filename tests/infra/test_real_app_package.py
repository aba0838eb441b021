"""The real app, not only the fixture, packages into the stack with everything it needs."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from .conftest import _synthesize_from

REPO = Path(__file__).resolve().parents[2]


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


def test_the_real_app_synthesizes_with_its_four_functions(real_app: Path) -> None:
    synth = _synthesize_from(real_app, "prod", real_app.parent)

    functions = set(synth.resources("AWS::Serverless::Function"))

    assert functions == {"APIHandler", "JwtAuth", "ProjectEvents", "SendReminders"}


def test_its_package_holds_the_page_the_templates_and_the_runtime_requirements(
    real_app: Path,
) -> None:
    (package,) = real_app.parent.glob("chalice.out/*/deployment.zip")

    names = set(zipfile.ZipFile(package).namelist())

    for needed in (
        "app.py",
        "chalicelib/web/index.html",
        "chalicelib/reminders/templates/digest.html",
        "pydantic_core/__init__.py",
        "jwt/__init__.py",
        "jinja2/__init__.py",
        "tzdata/__init__.py",
    ):
        assert needed in names, needed
