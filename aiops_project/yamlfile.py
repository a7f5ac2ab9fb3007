"""Load a YAML file into a pydantic model; errors name the file, the line and the field.

Plain Python (no Django), so the simulated cluster process can use it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class YamlFileError(ValueError):
    """A file that cannot be loaded; the message is `path:line: field: problem`."""


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> tuple[int, str]:
    """Walk the composed node tree along a pydantic error location; return (1-based line, dotted field)."""
    line = node.start_mark.line + 1 if node is not None else 1
    parts: list[str] = []
    for key in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            parts.append(key)
            if match is None:  # a missing field: point at the mapping that lacks it
                break
            node, line = match, match.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            parts.append(f"[{key}]")
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            parts.append(str(key) if isinstance(key, str) else f"[{key}]")
            break
    return line, ".".join(parts).replace(".[", "[") or "(document)"


def field_line(path: Path, loc: tuple[int | str, ...]) -> int:
    """The line of a field in a YAML file, for errors found after validation (e.g. unknown references)."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    return _line_of(node, loc)[0]


def load_yaml_model(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        raise YamlFileError(f"{path}:{line}: invalid YAML: {exc.problem}") from None
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            line, field = _line_of(node, tuple(error["loc"]))
            problems.append(f"{path}:{line}: {field}: {error['msg']}")
        raise YamlFileError("\n".join(problems)) from None
