"""Whether the CDK can run here: aws-cdk-lib is a jsii library executed by node."""

from __future__ import annotations

import shutil

NODE_MISSING = (
    None
    if shutil.which("node")
    else "node is not installed: aws-cdk-lib runs its constructs in node (jsii); CI has it"
)
