"""Reading a study YAML file with the line of every key, so that each problem can name where it is.

PyYAML's safe loader (YAML 1.1 scalars) builds the values; the composed node tree gives the line
of each mapping key and sequence item. A key given twice in one mapping is a problem (PyYAML would
silently keep the last one). Syntax errors become one problem with their line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class YamlSource:
    """The parsed document, the 1-based line of each key path, and problems found while reading."""

    data: object = None
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[tuple[Path_, int | None, str]] = field(default_factory=list)  # (key path, line, message)

    def line_of(self, path: Path_) -> int | None:
        """Line of the longest prefix of ``path`` that was seen in the file."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None


def read_yaml(path: Path) -> YamlSource:
    """Parse ``path``; unreadable or invalid YAML is reported in ``problems`` (``data`` stays ``None``)."""
    src = YamlSource()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        src.problems.append(((), None, "file not found"))
        return src
    except (OSError, UnicodeDecodeError) as exc:
        what = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({type(exc).__name__})"
        src.problems.append(((), None, what))
        return src
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            src.problems.append(((), None, "is empty: expected a YAML mapping (see docs/STUDY_SPEC.md)"))
            return src
        src.lines[()] = node.start_mark.line + 1
        src.data = _build(loader, node, (), src)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        line = mark.line + 1 if mark else None
        context = getattr(exc, "context", None) or ""
        src.problems.append(((), line, f"is not valid YAML: {problem}{syntax_hint(f'{context} {problem}', line)}"))
        src.data = None
    finally:
        loader.dispose()
    return src


def syntax_hint(problem: str, line: int | None) -> str:
    """How to fix a YAML syntax error PyYAML reports at ``line`` (tabs, brackets and quotes, else indentation)."""
    at = f" at line {line}" if line else ""
    if "'\\t'" in problem or "\t" in problem:
        return f"; YAML indents with spaces, not tabs: replace the tab{at}"
    if "mapping values are not allowed" in problem:
        return f"; a value holding ': ' must be quoted{at}, or the key is indented too far"
    if any(s in problem for s in ("']'", "'}'", "quoted", "flow")):
        return f"; check that every bracket and quote opened before line {line} is closed" if line else \
            "; check that every bracket and quote is closed"
    return (f"; check the indentation{at} and of the line before it: the keys of one mapping start in the same "
            "column, and a key's value is indented further than the key")


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, src: YamlSource):
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                src.problems.append((path, key_node.start_mark.line + 1, "a key must be a plain name"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                src.problems.append((path + (key,), key_node.start_mark.line + 1,
                                     "is given more than once in the same mapping (YAML would keep only the last)"))
            src.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, path + (key,), src)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            src.lines[path + (i,)] = item.start_mark.line + 1
            items.append(_build(loader, item, path + (i,), src))
        return items
    return loader.construct_object(node, deep=True)
