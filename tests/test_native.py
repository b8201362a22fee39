"""The optional compiled ingest (ingest/native.py, scripts/build_native.py).

The build is used all-or-nothing and only when it was compiled from this very source; the output is
the same compiled or not. When `make native` has built it, the whole suite runs against it; these
tests check the loader's decisions and compare compiled with pure Python on the fixtures.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ingest import native

ROOT = Path(__file__).resolve().parent.parent
EXT = sysconfig.get_config_var("EXT_SUFFIX")


def _fake_build(root: Path, modules: dict[str, str]) -> None:
    for m in modules:
        so = native.module_file(root, m)
        so.parent.mkdir(parents=True, exist_ok=True)
        so.write_bytes(b"")
    (root / (native.GROUP + "__mypyc" + EXT)).write_bytes(b"")
    manifest = {"group": native.GROUP + "__mypyc", "modules": modules}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_build_of_this_source_is_used_for_every_module(tmp_path: Path) -> None:
    mods = ["ingest.appendix", "ingest.templates.split"]
    _fake_build(tmp_path, native.source_hashes(mods))
    finder = native._Finder(tmp_path)
    spec = finder.find_spec("ingest.templates.split")
    assert spec is not None and spec.origin == str(native.module_file(tmp_path, "ingest.templates.split"))
    assert set(finder.files or {}) == {*mods, native.GROUP + "__mypyc"}
    assert finder.reason.startswith("compiled (2 modules")
    assert finder.find_spec("ingest.pipeline") is None  # not compiled: the normal import


def test_one_edited_module_makes_the_whole_build_unused(tmp_path: Path) -> None:
    mods = native.source_hashes(["ingest.appendix", "ingest.templates.split"])
    mods["ingest.templates.split"] = "0" * 64  # compiled from another version of split.py
    _fake_build(tmp_path, mods)
    finder = native._Finder(tmp_path)
    assert finder.find_spec("ingest.appendix") is None  # all or none: appendix.py itself is unchanged
    assert finder.files == {}
    assert "stale" in finder.reason and "ingest.templates.split" in finder.reason


def test_a_missing_or_incomplete_build_is_not_used(tmp_path: Path) -> None:
    finder = native._Finder(tmp_path)
    assert finder.find_spec("ingest.appendix") is None and "no compiled build" in finder.reason
    _fake_build(tmp_path, native.source_hashes(["ingest.appendix"]))
    (tmp_path / (native.GROUP + "__mypyc" + EXT)).unlink()
    finder = native._Finder(tmp_path)
    assert finder.find_spec("ingest.appendix") is None and "incomplete" in finder.reason


def test_the_process_is_all_compiled_or_all_pure() -> None:
    import ingest.extract  # noqa: F401  - imports every compiled module

    compiled = {m for m in native.MODULES if m in sys.modules and native._is_compiled(m)}
    assert compiled in (set(), {m for m in native.MODULES if m in sys.modules}), native.status()
    assert native.status().startswith("compiled" if compiled else "pure Python")


def test_compiled_modules_do_not_locate_files_by_their_own_path() -> None:
    """Compiled, a module's __file__ is in build/native/: data files are found from native.SOURCE."""
    own_file = re.compile(r"(?<![.\w])__file__")  # not another module's (opencc.__file__)
    for m in native.MODULES:
        for line in native.source_path(m).read_text(encoding="utf-8").splitlines():
            assert not own_file.search(line.split("#")[0]), f"{m}: {line}"


def test_an_appendix_value_with_a_decimal_point_is_read() -> None:
    """Compiled code checks types that Python does not: an appendix value typed int but holding a
    float (60.5) raised TypeError in compiled appendix.py, losing the report's appendix."""
    from ingest.appendix import extract_appendix
    from ingest.read import document_from_bytes

    src = ROOT / "tests/fixtures/reports/001_6fcf304d54296c97.txt"
    text = src.read_text(encoding="utf-8").replace("192 |\n608 |", "192 |\n60.5 |", 1)
    doc = document_from_bytes(text.encode("utf-8"), src)
    cells = extract_appendix(doc, "pre2019")
    assert not [w for w in doc.warnings if "extraction failed" in w]
    assert 60.5 in {c.value for c in cells}


_DUMP = """
import json, sys
from pathlib import Path
from ingest import native
from ingest.extract import extract
from ingest.read import load_document
out = {"status": native.status()}
for p in sorted(Path("tests/fixtures/reports").iterdir()):
    if p.suffix in (".txt", ".html", ".md", ".docx", ".pdf"):
        try:
            ex = extract(load_document(p))
            out[p.name] = repr(ex)
        except Exception as exc:
            out[p.name] = f"error {type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def _dump(pure: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OGI_PURE_PYTHON": "1" if pure else "0"}
    run = subprocess.run([sys.executable, "-c", _DUMP], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(run.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_compiled_and_pure_python_give_the_same_extraction_of_every_fixture() -> None:
    compiled = _dump(pure=False)
    if not compiled.pop("status").startswith("compiled"):
        pytest.skip("no up-to-date compiled build (`make native`)")
    pure = _dump(pure=True)
    assert pure.pop("status").startswith("pure Python")
    assert compiled == pure


def test_a_build_of_a_module_not_in_the_list_is_not_used(tmp_path: Path) -> None:
    """The finder decides on the first import of a listed module: a compiled module outside the list
    might already have been imported as Python by then."""
    _fake_build(tmp_path, native.source_hashes(["ingest.appendix", "ingest.model"]))
    finder = native._Finder(tmp_path)
    assert finder.find_spec("ingest.appendix") is None and "another module list" in finder.reason


def test_a_killed_builds_working_folder_is_removed_by_the_next_build(tmp_path: Path) -> None:
    """scripts/build_native.py names its working folder by its process id: the next build removes the
    folders of builds whose process is gone (and unnamed ones of older builds), never a running one's."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_native", Path(__file__).parent.parent / "scripts" / "build_native.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead, unnamed, running = (tmp_path / f".building-{gone.pid}-x1", tmp_path / ".building-re4bjlhn",
                              tmp_path / f".building-{os.getpid()}-x2")
    for folder in (dead, unnamed, running):
        (folder / "c").mkdir(parents=True)
    kept = tmp_path / "cpython-311"
    kept.mkdir()
    assert sorted(script.remove_abandoned(tmp_path)) == sorted([dead, unnamed])
    assert running.exists() and kept.exists() and not dead.exists() and not unnamed.exists()
