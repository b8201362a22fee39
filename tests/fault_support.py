"""Helpers of the fault tests: run `ogi` in a child process, optionally with a fault injected.

A fault is a few lines of Python run in the child before the command (a monkeypatch of the
function where the fault happens: a write that fills the disk, a folder that refuses writes, a
SIGKILL at a chosen moment). The child is a real `ogi` process, so kill -9 is a real kill -9.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = """
import errno, os, signal, sys
_calls = {'n': 0}
"""


def ogi_cmd(args: list[str], inject: str = "") -> list[str]:
    code = PRELUDE + inject + "\nfrom ogi.cli import main\nsys.argv = ['ogi', *sys.argv[1:]]\nmain()\n"
    return [sys.executable, "-c", code, *args]


def run_ogi(args: list[str], inject: str = "", cwd: Path | None = None, timeout: float = 240,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(ogi_cmd(args, inject), capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=timeout, env={**os.environ, **(env or {})})


def start_ogi(args: list[str], inject: str = "", cwd: Path | None = None,
              env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(ogi_cmd(args, inject), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=cwd or ROOT, env={**os.environ, **(env or {})})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a folder with its content hash (what 'nothing else damaged' compares)."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_project(dest: Path) -> Path:
    """The warehouse project (models, macros, seeds, data tests) in a scratch folder."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("models", "macros", "seeds"):
        shutil.copytree(ROOT / name, dest / name)
    if (ROOT / "tests" / "data").exists():
        shutil.copytree(ROOT / "tests" / "data", dest / "tests" / "data")
    return dest
