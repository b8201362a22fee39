"""The compiled ingest (optional): the mypyc build of the hot modules, used only when it matches the source.

`make native` (scripts/build_native.py) compiles MODULES with mypyc into build/native/<tag>/, outside
the source tree, with a manifest of each module's source sha256. `import ingest` calls `enable()`,
which puts a finder ahead of the normal imports; the first time one of MODULES is imported it checks
the manifest, and from then on serves ALL of MODULES from the build, or NONE of them when any .py
differs from what was compiled (an edit since the build), the build is for another Python, the
build is missing, or OGI_PURE_PYTHON=1. All or none, because compiled modules call each other
directly: a mix would run the old code of the module whose source changed. Either way the output is
the same (tests/test_native.py); only the speed differs, so PARSER_VERSION does not depend on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from importlib.machinery import ExtensionFileLoader, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path

SOURCE = Path(__file__).resolve().parent  # the ingest package's source folder (this file is never compiled)
BUILD_ROOT = SOURCE.parent / "build" / "native"
GROUP = "ingest_native"  # mypyc's shared library of the group: top-level module GROUP + "__mypyc"
# The modules compiled: the per-report hot path. Not: the package __init__s, this file, the
# process/pipeline/state/Parquet side (pipeline, rows, raw, state, cli), which mostly waits on
# pyarrow and the OS.
# ingest.model is not compiled: it gains nothing measurable (callgrind, 200 reports: 14.38 vs 14.39 M
# instructions/report) and pipetables.LazyTable overrides Table.rows with a property, which compiled
# code reading a native attribute would bypass.
MODULES = (
    "ingest.read",
    "ingest.decode",
    "ingest.readers.html",
    "ingest.readers.text",
    "ingest.assemble",
    "ingest.normalize",
    "ingest.chrome",
    "ingest.layout",
    "ingest.pipetables",
    "ingest.numbers",
    "ingest.cellvalue",
    "ingest.templates.parse",
    "ingest.templates.tokens",
    "ingest.templates.stream",
    "ingest.templates.labels",
    "ingest.templates.split",
    "ingest.templates.regions",
    "ingest.templates.fastpath",
    "ingest.templates.cleantables",
    "ingest.templates.restated",
    "ingest.appendix",
    "ingest.prose.appeals",
    "ingest.prose.applications",
    "ingest.prose.disclosure",
    "ingest.prose.families",
    "ingest.prose.fees",
    "ingest.prose.labels",
    "ingest.prose.sentences",
    "ingest.prose.state",
    "ingest.prose.zeros",
    "ingest.metadata.dates",
    "ingest.metadata.header",
    "ingest.metadata.organ",
    "ingest.metadata.places",
)


def source_path(module: str) -> Path:
    return SOURCE.joinpath(*module.split(".")[1:]).with_suffix(".py")


def source_hashes(modules: tuple[str, ...] | list[str]) -> dict[str, str]:
    return {m: hashlib.sha256(source_path(m).read_bytes()).hexdigest() for m in modules}


def build_dir() -> Path:
    """Where the build for this very Python lives (one folder per interpreter ABI); $OGI_NATIVE_DIR
    names another folder (to compare builds of other module sets or options)."""
    if os.environ.get("OGI_NATIVE_DIR"):
        return Path(os.environ["OGI_NATIVE_DIR"]).resolve()
    return BUILD_ROOT / (sysconfig.get_config_var("EXT_SUFFIX") or sys.implementation.cache_tag).strip(".").removesuffix(".so")


def module_file(root: Path, module: str) -> Path:
    return root.joinpath(*module.split(".")).with_name(module.rsplit(".", 1)[-1] + sysconfig.get_config_var("EXT_SUFFIX"))


class _Finder:
    """A meta-path finder for the compiled modules; decides once, on the first import of one of them."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root  # None: build_dir()
        self.files: dict[str, Path] | None = None
        self.reason = "no compiled module imported yet"

    def _decide(self) -> dict[str, Path]:
        root = self.root or build_dir()
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self._pure(f"pure Python (no compiled build in {root}: run `make native`)")
        modules = manifest.get("modules", {})
        if not set(modules) <= set(MODULES):  # one of them could have been imported before the decision
            return self._pure("pure Python (compiled build is of another module list: run `make native`)")
        try:
            changed = [m for m, h in source_hashes(list(modules)).items() if modules[m] != h]
        except OSError as exc:
            return self._pure(f"pure Python (compiled build does not match the source: {exc})")
        if changed:
            return self._pure(f"pure Python (compiled build is stale: {len(changed)} module(s) edited since, "
                              f"e.g. {changed[0]}; run `make native`)")
        files = {m: module_file(root, m) for m in modules}
        files[manifest["group"]] = root / (manifest["group"] + sysconfig.get_config_var("EXT_SUFFIX"))
        if not all(f.exists() for f in files.values()):
            return self._pure(f"pure Python (compiled build in {root} is incomplete: run `make native`)")
        self.reason = f"compiled ({len(modules)} modules, mypyc, {root})"
        return files

    def _pure(self, reason: str) -> dict[str, Path]:
        self.reason = reason
        return {}

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if self.files is None:
            if name not in MODULES and not name.startswith(GROUP):
                return None  # `ogi build` and other commands never pay for the check
            self.files = self._decide()
        so = self.files.get(name)
        if so is None:
            return None
        return spec_from_file_location(name, so, loader=ExtensionFileLoader(name, str(so)))


_FINDER = _Finder()


def enable() -> None:
    """Install the finder (once), unless OGI_PURE_PYTHON is set to anything but '' or '0'."""
    if os.environ.get("OGI_PURE_PYTHON", "") not in ("", "0"):
        _FINDER.files, _FINDER.reason = {}, "pure Python (OGI_PURE_PYTHON is set)"
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)  # type: ignore[arg-type]


def status() -> str:
    """How ingest runs in this process: 'compiled (…)' or 'pure Python (why)'."""
    if _FINDER.files is None and _FINDER in sys.meta_path:
        _FINDER.files = _FINDER._decide()
    if _FINDER not in sys.meta_path:
        return "pure Python (ingest.native not enabled)"
    if _FINDER.files and any(m in sys.modules and not _is_compiled(m) for m in _FINDER.files if m in MODULES):
        return "mixed: some modules were imported before the finder was installed (a bug)"
    return _FINDER.reason


def _is_compiled(module: str) -> bool:
    return not str(getattr(sys.modules[module], "__file__", "")).endswith(".py")
