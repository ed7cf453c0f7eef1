"""The developer entry points stay runnable: the Makefile targets and the CI script."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CI_SCRIPT = REPO / ".ci" / "run"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["demo", "test", "lint", "bench", "format", "clean"])
def test_make_target_exists(target: str) -> None:
    # -n prints the recipe without running it (nothing is installed, deleted or started).
    result = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr


def test_ci_script_is_an_executable_strict_bash_script() -> None:
    assert os.access(CI_SCRIPT, os.X_OK)
    text = CI_SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    result = subprocess.run(["bash", "-n", str(CI_SCRIPT)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
