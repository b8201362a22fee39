"""ogi's Jinja: dbt's documented subset, and loud failures (file:line) for anything else.

Supported in models, tests and macros: ref, source, config, var, env_var, is_incremental, this,
target, model, execute, log, return, exceptions.raise_compiler_error / warn, modules.datetime,
macros from macro-paths (`{% macro %}` and `{% test %}` blocks) and `{% docs %}` blocks.
Unsupported dbt objects (adapter, run_query, graph, statement, …) raise a CompilationError.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import jinja2.utils
from jinja2.runtime import Macro

from ogi.errors import CompilationError
from ogi.filecache import FileCache

_TEST_OPEN = re.compile(r"\{%(-?)\s*test\s+(\w+)\s*\(")
_TEST_CLOSE = re.compile(r"\{%(-?)\s*endtest\s*(-?)%\}")
_DOCS_BLOCK = re.compile(r"\{%-?\s*docs\s+(\w+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}", re.S)
_UNSUPPORTED_BLOCK = re.compile(r"\{%-?\s*(materialization|snapshot|call\s+statement)\b")

UNSUPPORTED = ("adapter", "run_query", "graph", "statement", "load_result", "dbt_utils", "dispatch")


class MacroReturn(Exception):
    """dbt's `{{ return(x) }}`: unwinds a macro with a value."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class OgiUndefined(jinja2.StrictUndefined):
    """Any unknown name is an error; dbt names ogi does not support say so."""

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        if self._undefined_hint is None and self._undefined_obj is jinja2.utils.missing and name in UNSUPPORTED:
            return f"'{name}' is outside ogi's supported Jinja subset"
        return str(super()._undefined_message)


def preprocess(source: str, path: str) -> str:
    """Turn dbt's block tags into plain Jinja: `{% test x(...) %}` → `{% macro test_x(...) %}`."""
    bad = _UNSUPPORTED_BLOCK.search(source)
    if bad:
        line = source.count("\n", 0, bad.start()) + 1
        raise CompilationError(f"'{bad.group(1)}' blocks are outside ogi's supported Jinja subset", path, line)
    source = _TEST_OPEN.sub(lambda m: "{%" + m.group(1) + " macro test_" + m.group(2) + "(", source)
    source = _TEST_CLOSE.sub(lambda m: "{%" + m.group(1) + " endmacro " + m.group(2) + "%}", source)
    # Docs blocks are collected separately; keep line numbers by leaving their newlines.
    return _DOCS_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), source)


def docs_blocks(source: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in _DOCS_BLOCK.finditer(source)}


def _raise_compiler_error(message: str) -> None:
    raise CompilationError(str(message))


class _Exceptions:
    raise_compiler_error = staticmethod(_raise_compiler_error)

    def __init__(self, warn: Callable[[str], str] | None = None) -> None:
        if warn is not None:
            self.warn = warn  # type: ignore[method-assign,assignment]

    @staticmethod
    def warn(message: str) -> str:
        print(f"warning: {message}", file=sys.stderr)
        return ""


def _do_return(value: Any = None) -> None:
    raise MacroReturn(value)


def _log(message: Any, info: bool = False) -> str:
    if info:
        print(message, file=sys.stderr)
    return ""


def env_var(name: str, default: Any = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is not None:
        return str(default)
    raise CompilationError(f"env_var('{name}') is not set and has no default")


class Reads:
    """What the templates of one project saw beyond their files, for ogi.parsecache: the environment
    variables env_var() read (name → value, None when unset) and why a render cannot be kept
    (`impure`: it read the clock or a random number, or printed something)."""

    def __init__(self, env: dict[str, str | None] | None = None, impure: list[str] | None = None) -> None:
        self.env = env if env is not None else {}
        self.impure = impure if impure is not None else []

    def env_var(self, name: str, default: Any = None) -> str:
        self.env[str(name)] = os.environ.get(str(name))
        return env_var(name, default)

    def mark(self, reason: str) -> None:
        if reason not in self.impure:
            self.impure.append(reason)

    def log(self, message: Any, info: bool = False) -> str:
        """dbt's log(): a message printed (info=True) would not be printed again from a kept parse."""
        if info:
            self.mark("log(info=True)")
        return _log(message, info)

    def impure_call(self, reason: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)  # keeps Jinja's pass_context mark (the random filter has one)
        def call(*args: Any, **kwargs: Any) -> Any:
            self.mark(reason)
            return function(*args, **kwargs)

        return call


class _Modules(dict):  # type: ignore[type-arg]
    """dbt's `modules`: reading `modules.datetime` marks the render impure (it may read the clock)."""

    def __init__(self, reads: Reads) -> None:
        super().__init__(datetime=datetime, re=re)
        self._reads = reads

    def __getitem__(self, key: Any) -> Any:
        if key == "datetime":
            self._reads.mark("modules.datetime")
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def values(self) -> Any:
        self._reads.mark("modules.datetime")
        return super().values()

    def items(self) -> Any:
        self._reads.mark("modules.datetime")
        return super().items()


class CodeCache(FileCache):
    """Jinja's compiled Python code of each template (for this Python and Jinja version), so an
    unchanged project skips Jinja's parser and code generator."""

    def __init__(self, path: Path | None) -> None:
        super().__init__(path, f"{sys.version}|{jinja2.__version__}")

    @property
    def codes(self) -> dict[str, Any]:
        return self.values


class Templates:
    """One Jinja environment per project: macros live in a shared namespace that nodes update."""

    def __init__(self, code_cache: Path | None = None, reads: Reads | None = None) -> None:
        self.env = jinja2.Environment(undefined=OgiUndefined, extensions=[jinja2.ext.do], autoescape=False)
        self.reads = reads if reads is not None else Reads()
        # Jinja's own impure helpers: a template using them is never kept by ogi.parsecache
        self.env.globals["lipsum"] = self.reads.impure_call("lipsum", self.env.globals["lipsum"])  # type: ignore[arg-type]
        self.env.filters["random"] = self.reads.impure_call("random", self.env.filters["random"])
        self.filenames: set[str] = set()
        self._templates: dict[tuple[str, str], jinja2.Template] = {}
        self.code_cache = CodeCache(code_cache)
        self.macro_files: dict[str, str] = {}  # macro name → file
        self.docs: dict[str, str] = {}
        impure = self.reads.impure_call
        self.ns: dict[str, Any] = {
            "env_var": self.reads.env_var,
            "return": _do_return,
            "log": self.reads.log,
            "print": self.reads.log,
            "exceptions": _Exceptions(impure("exceptions.warn", _Exceptions.warn)),
            "execute": True,
            "flags": {"FULL_REFRESH": False},
            "modules": _Modules(self.reads),
            "doc": self._doc,
            "zip": zip,
            "tojson": lambda v, **kw: __import__("json").dumps(v, **kw),
        }

    def _doc(self, name: str) -> str:
        if name not in self.docs:
            raise CompilationError(f"doc('{name}') has no {{% docs {name} %}} block")
        return self.docs[name]

    def _template(self, source: str, filename: str) -> jinja2.Template:
        cached = self._templates.get((filename, source))
        if cached is not None:
            return cached
        template = self._compile_template(source, filename)
        self._templates[(filename, source)] = template
        return template

    def _compile_template(self, source: str, filename: str) -> jinja2.Template:
        self.filenames.add(filename)
        text = preprocess(source, filename)
        code = self.code_cache.get(filename, text)
        if code is None:
            try:
                code = self.env.compile(text, name=filename, filename=filename)
            except jinja2.TemplateSyntaxError as exc:
                raise CompilationError(f"Jinja syntax error: {exc.message}", filename, exc.lineno) from exc
            self.code_cache.put(filename, text, code)
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None))

    def load_macro_file(self, source: str, filename: str) -> list[str]:
        """Define every macro of a file in the shared namespace; return their names."""
        self.docs.update(docs_blocks(source))
        template = self._template(source, filename)
        try:
            module = template.make_module(vars=self.ns, shared=True)
        except Exception as exc:
            raise self.wrap(exc, filename) from exc
        names = []
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, Macro):
                self.ns[name] = self._returning(value)
                self.macro_files[name] = filename
                names.append(name)
        return names

    def define_builtin(self, source: str, filename: str) -> None:
        """Macros that a project macro of the same name overrides (loaded first)."""
        self.load_macro_file(source, filename)

    @staticmethod
    def _returning(macro: Macro) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return macro(*args, **kwargs)
            except MacroReturn as ret:
                return ret.value

        call.__name__ = macro.name
        return call

    def render(self, source: str, filename: str, context: dict[str, Any]) -> str:
        """Render a model/test body with the shared namespace updated by `context`."""
        template = self._template(source, filename)
        self.ns.update(context)
        try:
            return template.render(self.ns)
        except MacroReturn as ret:
            return str(ret.value)
        except Exception as exc:
            raise self.wrap(exc, filename) from exc

    def macro(self, name: str) -> Callable[..., Any] | None:
        value = self.ns.get(name)
        return value if callable(value) and name in self.macro_files else None

    def wrap(self, exc: BaseException, default_file: str) -> CompilationError:
        """A CompilationError naming the innermost template file and line of the failure."""
        path, line = default_file, None
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename in self.filenames:
                path, line = frame.filename, frame.lineno
                break
        if isinstance(exc, CompilationError):
            if exc.path:
                return exc
            return type(exc)(exc.message, path, line)
        if isinstance(exc, jinja2.UndefinedError):
            return CompilationError(f"Jinja: {exc.message}", path, line)
        if isinstance(exc, jinja2.TemplateError):
            return CompilationError(f"Jinja: {exc}", path, line)
        return CompilationError(f"error while rendering: {type(exc).__name__}: {exc}", path, line)
