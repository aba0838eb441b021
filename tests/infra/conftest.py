"""Synthesizes the stack once per stage per session, from the fixture Chalice app.

The fixture app (fixture_app/) has the real app's name and functions, so these tests do not
wait on, or break with, the real app's code. It is copied to a temporary folder because
`chalice package` writes its build cache under the project's `.chalice/`, and the Chalice
construct writes `chalice.out/` into the working directory.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

from .node import NODE_MISSING
from .synth import Synthesized

INFRA_DIR = Path(__file__).resolve().parents[2] / "infra"
FIXTURE_APP = Path(__file__).with_name("fixture_app")
# prod with the defaults; dev with the optional values, so both branches of each are built.
STAGE_CONTEXT: dict[str, dict[str, str]] = {
    "prod": {"stage": "prod"},
    "dev": {
        "stage": "dev",
        "app_base_url": "https://dev.rapport.example/",
        "alarm_email": "ops@rapport.example",
    },
}

# `rapport_infra` lives in infra/, where `cdk` runs it from. Appended, not prepended, so that
# nothing in infra/ can shadow a top-level module of the repo.
if str(INFRA_DIR) not in sys.path:
    sys.path.append(str(INFRA_DIR))


def _synthesize(stage: str, workdir: Path) -> Synthesized:
    source_dir = workdir / "app"
    shutil.copytree(FIXTURE_APP, source_dir)
    return _synthesize_from(source_dir, stage, workdir)


def _synthesize_from(source_dir: Path, stage: str, workdir: Path) -> Synthesized:
    """Synthesizes one stage of the stack around the Chalice project in `source_dir`."""
    from aws_cdk import App
    from aws_cdk.assertions import Template
    from rapport_infra.stack import APP_CONTEXT, RapportStack
    from rapport_infra.stage import StageConfig

    if NODE_MISSING:
        pytest.fail(NODE_MISSING)
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        app = App(outdir=str(workdir / "cdk.out"), context=APP_CONTEXT)
        config = StageConfig.from_context(STAGE_CONTEXT[stage].get)
        stack = RapportStack(app, config=config, source_dir=source_dir)
        template = Template.from_stack(stack)
    seconds = time.perf_counter() - started
    as_json = dict(template.to_json())
    path = workdir / f"{stage}.template.json"
    path.write_text(json.dumps(as_json, indent=1))
    return Synthesized(template=template, json=as_json, seconds=seconds, path=path)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """Both stages, built on first use: prod for most assertions, dev for what differs."""
    return {
        stage: _synthesize(stage, tmp_path_factory.mktemp(f"synth-{stage}"))
        for stage in STAGE_CONTEXT
    }


@pytest.fixture(scope="session")
def prod(synthesized: dict[str, Synthesized]) -> Synthesized:
    return synthesized["prod"]


@pytest.fixture(scope="session")
def dev(synthesized: dict[str, Synthesized]) -> Synthesized:
    return synthesized["dev"]
