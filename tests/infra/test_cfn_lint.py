"""The synthesized templates pass cfn-lint: no errors and no warnings."""

from __future__ import annotations

import pytest
from cfnlint.api import ManualArgs, lint_file

from .synth import Synthesized


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_synthesized_template_passes_cfn_lint(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    matches = lint_file(synthesized[stage].path, config=ManualArgs(regions=["us-east-1"]))

    findings = [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id[0] in "EW"]
    assert findings == []
