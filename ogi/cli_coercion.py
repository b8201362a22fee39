"""Typer parameter coercion without pydantic for the plain types ogi's commands take.

typer 0.29 converts every non-flag parameter through a pydantic TypeAdapter, so each command
invocation imported pydantic (~90 ms CPU) just to turn "--warehouse x.duckdb" into a str.
`install()` wraps typer's runtime-parameter factory: str, Path, int, float and bool (and lists of them,
with Optional already unwrapped by typer) are coerced here in a few lines; anything else (enums,
literals, datetimes, custom parsers, clamps, tuples) still goes to typer's own pydantic path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

_PLAIN = (str, Path, int, float, bool)
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"", "0", "false", "f", "no", "n", "off"}


def _convert_leaf(annotation: type, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    from typer._click.exceptions import BadParameter
    from typer._param_types import coerce_cli_path

    if annotation is str:
        return os.fsdecode(value) if isinstance(value, bytes) else str(value)
    if annotation is Path:
        # path_type=None: typer's own checks (exists, dir_okay, resolve_path, ...) without pydantic
        checked = coerce_cli_path(value, info, path_type=None, param=param, ctx=ctx)
        return checked if isinstance(checked, Path) else Path(os.fsdecode(checked))
    if annotation is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise BadParameter(f"{value!r} is not a valid boolean.", ctx=ctx, param=param)
    try:
        number = annotation(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise BadParameter(f"{value!r} is not a valid {annotation.__name__}.", ctx=ctx, param=param) from None
    if (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
        bounds = " and ".join(f"{op} {b}" for op, b in ((">=", info.min), ("<=", info.max)) if b is not None)
        raise BadParameter(f"{number} is not in the range {bounds}.", ctx=ctx, param=param)
    return number


def _plain_leaf(annotation: Any, info: Any) -> type | None:
    """The plain type this parameter converts to, or None when typer's pydantic path is needed."""
    if info.parser is not None or info.clamp or annotation not in _PLAIN:
        return None
    if annotation is not Path and getattr(info, "path_type", None) is not None:
        return None
    return annotation  # type: ignore[no-any-return]


def install() -> None:
    """Route plain parameters of every typer command around pydantic (idempotent; a no-op if
    typer's internals are not the ones this was written against)."""
    try:
        import typer.core as core
        from typer._coercion import RuntimeParam
    except ImportError:
        return
    original = getattr(core, "build_runtime_param", None)
    if original is None or getattr(original, "_ogi_plain", False):
        return

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):  # type: ignore[misc]
        leaf: type
        is_list: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            info = self.parameter_info
            if self.is_list:
                items = value if isinstance(value, (list, tuple)) else [value]
                return [_convert_leaf(self.leaf, info, item, param, ctx) for item in items]
            return _convert_leaf(self.leaf, info, value, param, ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        annotation, info = descriptor.annotation, descriptor.parameter_info
        is_list = get_origin(annotation) is list
        leaf = get_args(annotation)[0] if is_list and len(get_args(annotation)) == 1 else annotation
        plain = None if descriptor.file_annotation is not None else _plain_leaf(leaf, info)
        if plain is None:
            return original(descriptor)
        return PlainRuntimeParam(annotation=annotation, parameter_info=info, leaf=plain, is_list=is_list)

    build_runtime_param._ogi_plain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
