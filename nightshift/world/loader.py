"""Read a world YAML file and report every problem as `FILE:LINE: key.path: what was expected`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from nightshift.world.checks import Loc, Problem, cross_checks
from nightshift.world.schema import WEEKDAYS, WorldSpec


@dataclass(frozen=True)
class WorldProblem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class WorldFileError(Exception):
    """A world file that cannot be loaded; `problems` lists every one found."""

    def __init__(self, problems: list[WorldProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_world_file(path: str | Path) -> WorldSpec:
    """Validate a world file; raise `WorldFileError` naming file, line, key and expectation."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WorldFileError(
            [WorldProblem(name, None, "(file)", exc.strerror or str(exc))]
        ) from exc
    return parse_world(text, source=name)


def parse_world(text: str, *, source: str = "<world>", prefix: Loc = ()) -> WorldSpec:
    """Validate world YAML text; `prefix` is where the world sits in a larger file (scenarios)."""
    try:
        document = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise WorldFileError(
            [WorldProblem(source, line, "(yaml)", f"not valid YAML: {problem}")]
        ) from exc
    for key in prefix:
        document = document.get(key) if isinstance(document, dict) else None
    return validate_world(document, source=source, root=root, prefix=prefix)


def validate_world(
    document: Any, *, source: str, root: yaml.Node | None = None, prefix: Loc = ()
) -> WorldSpec:
    if not isinstance(document, dict):
        found = type(document).__name__ if document is not None else "nothing"
        raise WorldFileError(
            [
                WorldProblem(
                    source, 1, _dotted(prefix) or "(top)", f"expected a mapping, got {found}"
                )
            ]
        )
    problems: list[Problem] = []
    spec: WorldSpec | None = None
    try:
        spec = WorldSpec.model_validate(document)
    except ValidationError as exc:
        problems += [_describe(error, document) for error in exc.errors()]
    problems += cross_checks(document)
    if problems:
        unique = list(dict.fromkeys((prefix + loc, message) for loc, message in problems))
        reported = [
            WorldProblem(source, _line(root, loc), _dotted(loc), message) for loc, message in unique
        ]
        reported.sort(key=lambda p: (p.line or 0, p.key))
        raise WorldFileError(reported)
    assert spec is not None
    return spec


def _describe(error: Any, document: dict[str, Any]) -> Problem:
    loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(WorldSpec, loc[:-1]))
        return loc, f"unknown key {loc[-1]!r}; expected one of: {allowed}"
    if kind == "missing":
        return loc, "required key is missing"
    if "[key]" in error["loc"] and loc and loc[-2:-1] and loc[-2] in ("hours", "shifts"):
        return loc, f"unknown weekday {loc[-1]!r}; expected one of: {', '.join(WEEKDAYS)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("enum", "literal_error") or kind.endswith("_type") or kind.endswith("_parsing"):
        message = f"{error['input']!r}: {message.replace('Input should be', 'expected')}"
    elif kind in ("greater_than_equal", "less_than_equal", "too_short", "too_long"):
        message = f"{error['input']!r}: {message.replace('Input should', 'expected to')}"
    return loc, message


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed at `loc`, found by walking the models along the path."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line(root: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the node at `loc` (or of its nearest existing parent)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if child is None:
                return line
            key_node, node = child
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
