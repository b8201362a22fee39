"""The parsed project kept in target/ (dbt's partial_parse.msgpack, in ogi's terms): an unchanged
project's manifest, and the compiled SQL of its nodes, come back from one file instead of reading,
parsing and rendering every file (and without importing Jinja at all).

What a parse depends on, and what the file records to tell it is still the one it kept:
- every file the parse read (dbt_project.yml, profiles.yml, macros, models, property YAML, singular
  tests, docs): its stat taken just before it was read and a digest of the very bytes read. The file
  is unchanged when size, mtime, inode and ctime all match (a rewrite gets a new ctime, whatever is
  done to its mtime), else when its bytes have that digest. A file whose ctime was within RACY_NS of
  the stat may hide a rewrite within the same clock tick: it is always compared by digest;
- every other file in the project's model, seed, macro, test and analysis folders (seeds' CSV
  bytes do not shape the parse, their names do) and ogi's own modules, by stat: any change is a
  miss (a racy stat: unless the bytes have the digest taken then); a file added or removed there is
  a miss; profiles.yml candidates that did not exist must still not exist;
- the environment variables the templates read through env_var() (name → value, or unset), the
  ones ogi reads itself (OGI_TARGET, OGI_WAREHOUSE, DBT_PROFILES_DIR, HOME), the --vars, the
  --target, the project's path, Python's version and executable, and Jinja's and PyYAML's files;
- compiled SQL also depends on --full-refresh and on which incremental models already exist (what
  is_incremental() answers): it is kept per such compile key.

A render that read the clock or a random number (modules.datetime, Jinja's random/lipsum) or
printed something (log(info=True), exceptions.warn) makes its run's parse and compilation
unkeepable: nothing is written. A damaged, unreadable or foreign file is a miss, never an error; the
file is written to a temporary name and os.replace'd, so concurrent builds each see a whole file.
`--no-partial-parse` (dbt's flag) neither reads nor writes it; `ogi clean` removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ogi.manifest import Manifest
    from ogi.project import Project

FILE = "ogi_parse.pickle"
FORMAT = 2
RACY_NS = 2_000_000_000  # a ctime this close to its stat may hide a rewrite in the same clock tick
MAX_COMPILE_KEYS = 4  # --full-refresh or not, and which incremental models exist
DIRECT_ENV = ("OGI_TARGET", "OGI_WAREHOUSE", "DBT_PROFILES_DIR", "HOME")

# path → ("read" | "stat", size, mtime_ns, inode, ctime_ns or 0 when racy, digest) | ("absent",); a "read"
# entry's digest is of the bytes the parse read, a "stat" entry has one only when its stat was racy
Entry = tuple[Any, ...]


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def manifest_key(compile_key: str, nodes: dict[str, Any]) -> str:
    """What target/manifest.json's text is kept under: the compile key and which nodes hold
    compiled SQL (by one compile: after another, some nodes may hold SQL of another key)."""
    compiled = sorted(uid for uid, node in nodes.items() if node.compiled_code is not None)
    return f"{compile_key}|{len(compiled)}|{_digest(chr(10).join(compiled).encode())}"


def _stat_entry(kind: str, st: os.stat_result, now_ns: int) -> tuple[Any, ...]:
    ctime = st.st_ctime_ns
    return (kind, st.st_size, st.st_mtime_ns, st.st_ino, 0 if now_ns - ctime < RACY_NS else ctime)


def _same_stat(entry: Entry, st: os.stat_result) -> bool:
    return (entry[4] != 0 and entry[1] == st.st_size and entry[2] == st.st_mtime_ns and entry[3] == st.st_ino
            and entry[4] == st.st_ctime_ns)


def walk(root: Path, dirs: list[str]) -> list[str]:
    """Every file under the given project folders (sorted paths; a folder linked into itself is
    listed once)."""
    found: list[str] = []
    seen: set[str] = set()
    for d in dirs:
        for top, subdirs, names in os.walk(root / d, followlinks=True):
            real = os.path.realpath(top)
            if real in seen:
                subdirs.clear()
                continue
            seen.add(real)
            found.extend(os.path.join(top, name) for name in names)
    return sorted(found)


def project_dirs(project: Project) -> list[str]:
    analyses = project.raw.get("analysis-paths") or []
    extra = [analyses] if isinstance(analyses, str) else [str(a) for a in analyses]
    return list(dict.fromkeys(project.model_paths + project.seed_paths + project.macro_paths
                              + project.test_paths + extra))


def _library_files() -> list[str]:
    """ogi's modules, and the Jinja and PyYAML files whose versions shape a parse (their __init__.py
    holds the version: a reinstall rewrites it)."""
    import importlib.util

    here = Path(__file__).parent
    files = [str(p) for p in sorted(here.glob("*.py"))]
    for name in ("jinja2", "yaml"):
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) if module is not None else None
        if origin is None:
            spec = importlib.util.find_spec(name)  # not imported this run (its results came from a cache)
            origin = spec.origin if spec is not None else None
        if origin:
            files.append(str(origin))
    return files


class FileLog:
    """The files a parse read (stat before, digest of the bytes read) and the files it looked at."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def read_text(self, path: Path) -> str:
        """`path`'s text (UTF-8), recorded. Raises OSError / UnicodeDecodeError as Path.read_text."""
        st = os.stat(path)
        data = Path(path).read_bytes()
        entry = _stat_entry("read", st, time.time_ns()) + (_digest(data),)
        with self._lock:
            self.entries[str(path)] = entry
        # as Path.read_text(encoding="utf-8") reads it: universal newlines
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

    def look(self, path: str, now_ns: int) -> None:
        """Record a file by stat (with a digest of its bytes when the stat is racy), or as absent,
        unless its read is recorded already."""
        if path in self.entries:
            return
        try:
            st = os.stat(path)
            entry = _stat_entry("stat", st, now_ns)
            digest = _digest(Path(path).read_bytes()) if entry[4] == 0 else None
        except OSError:
            self.entries[path] = ("absent",)
            return
        self.entries[path] = entry + (digest,)


def unchanged(entries: dict[str, Entry]) -> dict[str, Entry] | None:
    """None when a recorded file changed; else the entries, those compared by digest with the stat
    taken just before they were read again (so a settled file is decided by stat next time)."""
    out = dict(entries)
    now = time.time_ns()
    for path, entry in entries.items():
        kind = entry[0]
        try:
            st = os.stat(path)
        except OSError:
            if kind == "absent":
                continue
            return None
        if kind == "absent":
            return None
        if _same_stat(entry, st):
            continue
        if entry[5] is None:  # a stat-only entry whose file changed
            return None
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
        if _digest(data) != entry[5]:
            return None
        out[path] = _stat_entry(kind, st, now) + (entry[5],)
    return out


class ParseCache:
    """One project's kept parse: `load` a manifest (None on any miss), `remember` a fresh parse,
    `compiled_for` / `keep_compiled` compiled SQL per compile key, `save` (on a thread: best effort)."""

    def __init__(self, root: Path, target_name: str | None, cli_vars: dict[str, Any]) -> None:
        self.root = root
        self.key = repr((FORMAT, sys.version, sys.executable, str(root), target_name, repr(cli_vars),
                         [(name, os.environ.get(name)) for name in DIRECT_ENV]))
        self.log = FileLog()
        self.path: Path | None = None
        self.dirs: list[str] = []
        self.files: list[str] = []  # what walk() found when the parse began
        self.entries: dict[str, Entry] = {}
        self.manifest_blob: bytes | None = None
        self.compiled: dict[str, dict[str, Any]] = {}
        self.manifest_text: tuple[str, str] | None = None  # (key, manifest.json without its metadata)
        self.dirty = False
        self.hit = False  # the manifest came from the file

    # -- reading -------------------------------------------------------------------------------

    def load(self, target_dir: Path) -> Manifest | None:
        path = target_dir / FILE
        try:
            with open(path, "rb") as handle:
                header = pickle.load(handle)  # noqa: S301 (a file ogi wrote into target/)
                if not (isinstance(header, dict) and header.get("key") == self.key):
                    return None
                if not self._still_valid(header):
                    return None
                blob, compiled, manifest_text = pickle.load(handle)  # noqa: S301
                manifest = pickle.loads(blob)  # noqa: S301
        except Exception:  # noqa: BLE001 (damaged, unreadable, older: parse the project instead)
            return None
        from ogi.manifest import Manifest

        if not isinstance(manifest, Manifest) or not isinstance(compiled, dict):
            return None
        if isinstance(manifest_text, tuple) and len(manifest_text) == 2 and all(isinstance(t, str) for t in manifest_text):
            self.manifest_text = manifest_text
        self.path = path
        self.dirs, self.files = header["dirs"], header["files"]
        self.entries = header["entries"]
        self.manifest_blob = blob
        self.compiled = compiled
        manifest.env_reads.update(header["env"])
        manifest.parse_cache = self
        self.hit = True
        return manifest

    def _still_valid(self, header: dict[str, Any]) -> bool:
        env = header["env"]
        if any(os.environ.get(name) != value for name, value in env.items()):
            return False
        if walk(self.root, header["dirs"]) != header["files"]:
            return False
        entries = unchanged(header["entries"])
        if entries is None:
            return False
        # a file compared by digest is written down again with its current stat: the next run decides by stat
        self.dirty = entries != header["entries"]
        header["entries"] = entries
        return True

    # -- writing -------------------------------------------------------------------------------

    def begin(self, project: Project) -> None:
        """Called once dbt_project.yml is read: what the parse will look at, listed before it reads."""
        self.dirs = project_dirs(project)
        self.files = walk(self.root, self.dirs)

    def remember(self, manifest: Manifest, looked_at: list[Path]) -> None:
        """A fresh parse (before anything is compiled) is what a later run may load; `looked_at`: other
        files whose presence or absence it depends on (profiles.yml's candidates)."""
        now = time.time_ns()
        for path in [*self.files, *map(str, looked_at), *_library_files()]:
            self.log.look(path, now)
        self.entries = dict(self.log.entries)
        self.path = manifest.project.target_dir / FILE
        self.manifest_blob = pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL)
        self.compiled = {}
        self.manifest_text = None
        self.dirty = True
        manifest.parse_cache = self

    def read_as_kept(self, reads: dict[str, Entry]) -> bool:
        """Whether files read after the manifest was loaded (the macros and docs a new compile needs)
        hold the bytes the kept parse read: else SQL compiled now must not be kept with that parse."""
        for path, entry in reads.items():
            kept = self.entries.get(path)
            if kept is None or kept[0] != "read" or kept[5] != entry[5]:
                return False
        return True

    def compiled_for(self, key: str) -> dict[str, Any]:
        return self.compiled.get(key, {})

    def keep_compiled(self, key: str, uid: str, entry: Any) -> None:
        if key not in self.compiled:
            while len(self.compiled) >= MAX_COMPILE_KEYS:  # the oldest goes
                del self.compiled[next(iter(self.compiled))]
            self.compiled[key] = {}
        self.compiled[key][uid] = entry
        self.dirty = True

    def manifest_json(self, key: str) -> str | None:
        """target/manifest.json's text but its metadata, as kept for `key` (ogi.artifacts.write_manifest)."""
        kept = self.manifest_text
        return kept[1] if kept is not None and kept[0] == key else None

    def keep_manifest_json(self, key: str, text: str) -> None:
        self.manifest_text = (key, text)  # one at a time: the last selection's
        self.dirty = True

    def save(self, manifest: Manifest) -> None:
        """Write the file when something new was kept (never after an impure render)."""
        if not self.dirty or self.path is None or self.manifest_blob is None or manifest.impure:
            return
        header = {"key": self.key, "env": dict(manifest.env_reads), "dirs": self.dirs, "files": self.files,
                  "entries": self.entries}
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as out:
                pickle.dump(header, out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump((self.manifest_blob, self.compiled, self.manifest_text), out,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
            self.dirty = False
        except OSError:  # a cache is optional (read-only or full target/)
            with contextlib.suppress(OSError):
                temp.unlink()
