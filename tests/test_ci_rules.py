"""What a test run does when something it needs is missing: skip locally, fail in CI."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pytest_run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        cwd=ROOT, capture_output=True, text=True, env={**base, **env}, timeout=120,
    )


def test_a_missing_browser_fails_the_run_in_ci():
    result = pytest_run("tests/test_browser_home.py", CHROMIUM_PATH="/nowhere/chromium", CI="true")
    assert result.returncode != 0
    assert "CI=true but /nowhere/chromium is missing" in result.stdout + result.stderr
    assert " passed" not in result.stdout and " skipped" not in result.stdout


def test_a_missing_browser_skips_browser_tests_locally():
    result = pytest_run("tests/test_browser_home.py", CHROMIUM_PATH="/nowhere/chromium")
    assert result.returncode == 0, result.stdout
    assert "skipped" in result.stdout and "passed" not in result.stdout
    assert "sudo apt-get install chromium" in result.stdout
