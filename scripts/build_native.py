"""Compile ingest's hot modules with mypyc into build/native/<tag>/ (see ingest/native.py).

    python scripts/build_native.py            # build when the source changed since the last build
    python scripts/build_native.py --force    # rebuild anyway
    python scripts/build_native.py --clean    # remove build/native

Without a C compiler, the Python headers or mypyc it says so and exits 0: ingest then runs as pure
Python (same output, slower). A compile error (e.g. a type error mypyc rejects) exits 1 with the
compiler's message, after removing the half-built folder, so nothing stale is ever left to load.
The build goes to a fresh folder renamed into place, with the manifest written last.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OGI_PURE_PYTHON"] = "1"  # this process only reads ingest.native's lists; never load a build

from ingest import native  # noqa: E402


def missing_toolchain() -> str | None:
    """Why this machine cannot compile (None when it can)."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc!r} not found)"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return f"no Python headers (Python.h not in {sysconfig.get_paths()['include']})"
    try:
        import mypyc.build  # noqa: F401
    except ImportError:
        return "mypyc is not installed (it comes with mypy, a dev dependency: pip install -e '.[dev]')"
    return None


def up_to_date(modules: list[str]) -> bool:
    try:
        manifest = json.loads((native.build_dir() / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(manifest.get("modules") == native.source_hashes(modules) and manifest.get("mypy") == _mypy_version())


def _mypy_version() -> str | None:
    try:
        from mypy.version import __version__
    except ImportError:
        return None
    return __version__


def compile_into(out: Path, modules: list[str], opt_level: str) -> None:
    """mypyc + setuptools build_ext of `modules` into out/ (C sources and objects in out/.tmp)."""
    from mypyc.build import mypycify
    from setuptools import setup

    tmp = out / ".tmp"
    paths = [str(native.source_path(m).relative_to(ROOT)) for m in modules]
    os.chdir(ROOT)  # mypy names the modules from their paths relative to the project
    extensions = mypycify(paths, opt_level=opt_level, group_name=native.GROUP, target_dir=str(tmp / "c"))
    setup(name="ogi-native", ext_modules=extensions, script_args=[
        "build_ext", "--build-lib", str(out), "--build-temp", str(tmp / "obj"), "--parallel", str(os.cpu_count() or 1)])
    shutil.rmtree(tmp)


def remove_abandoned(root: Path) -> list[Path]:
    """Remove the working folders of builds that were killed (`.building-<pid>-*` whose process is gone,
    and unnamed ones of older builds); a build still running keeps its folder. Returns what went."""
    gone = []
    for work in root.glob(".building-*"):
        pid = work.name.split("-")[1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(work, ignore_errors=True)
        gone.append(work)
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def build(modules: list[str], opt_level: str) -> int:
    final = native.build_dir()
    final.parent.mkdir(parents=True, exist_ok=True)
    hashes = native.source_hashes(modules)  # before compiling: an edit during the build makes it stale
    remove_abandoned(final.parent)
    work = Path(tempfile.mkdtemp(prefix=f".building-{os.getpid()}-", dir=final.parent))
    log = io.StringIO()
    t0 = time.monotonic()
    try:
        with redirect_stdout(log), redirect_stderr(log):
            compile_into(work, modules, opt_level)
    except KeyboardInterrupt:
        shutil.rmtree(work, ignore_errors=True)
        raise
    except (Exception, SystemExit) as exc:  # setuptools reports a failed compile as SystemExit
        shutil.rmtree(work, ignore_errors=True)
        sys.stderr.write(log.getvalue()[-4000:])
        print(f"native: mypyc build FAILED ({exc}); ingest stays pure Python. Fix the error above "
              "or run without the build (it is optional).", file=sys.stderr)
        return 1
    manifest = {"group": native.GROUP + "__mypyc", "opt_level": opt_level, "python": sys.version, "mypy": _mypy_version(),
                "modules": hashes}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    print(f"native: compiled {len(modules)} ingest modules with mypyc -O{opt_level} in "
          f"{time.monotonic() - t0:.0f} s -> {final}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--force", action="store_true", help="rebuild even when up to date")
    ap.add_argument("--clean", action="store_true", help="remove build/native and stop")
    ap.add_argument("--modules", help="comma-separated module list (default: ingest.native.MODULES)")
    ap.add_argument("--opt-level", default="3", choices=["0", "1", "2", "3"])
    args = ap.parse_args(argv)
    if args.clean:
        shutil.rmtree(native.BUILD_ROOT, ignore_errors=True)
        return 0
    modules = args.modules.split(",") if args.modules else list(native.MODULES)
    if not args.force and up_to_date(modules):
        print("native: compiled ingest modules are up to date")
        return 0
    why = missing_toolchain()
    if why:
        print(f"native: {why}; ingest runs as pure Python (same output, slower)", file=sys.stderr)
        return 0
    return build(modules, args.opt_level)


if __name__ == "__main__":
    sys.exit(main())
