"""CDK entry point: `cdk deploy -c stage=prod` from this folder (see README.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# cdk runs this file from infra/ (so `rapport_infra` imports); `chalicelib` is at the repo root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aws_cdk import App, Environment
from rapport_infra.stack import APP_CONTEXT, RapportStack
from rapport_infra.stage import StageConfig


def main() -> None:
    app = App(context=APP_CONTEXT)
    config = StageConfig.from_context(app.node.try_get_context)
    env = Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
    )
    RapportStack(app, config=config, env=env)
    app.synth()


if __name__ == "__main__":
    main()
