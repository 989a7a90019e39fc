"""The import rule the contracts of [tool.importlinter] cannot see: no module imports a name
starting with ``_`` from another module (docs/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

import wibrs_check

PACKAGE = Path(wibrs_check.__file__).parent


def _module_name(path: Path) -> tuple[str, list[str]]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def private_imports(source: str, module: str, package: list[str]) -> list[str]:
    """``importer: from target import _name`` for each private name taken from another module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = package[: len(package) - node.level + 1] if node.level else []
        target = ".".join(base + ([node.module] if node.module else [])) if node.level else (node.module or "")
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            if private and target != module:
                found.append(f"{module}: from {target} import {alias.name}")
    return found


def test_the_scan_sees_a_private_import():
    assert private_imports("from .engine import _generation\n", "wibrs_check.gaps", ["wibrs_check"]) == [
        "wibrs_check.gaps: from wibrs_check.engine import _generation"]
    assert private_imports("def f():\n    from ..cli import _load_agencies\n", "wibrs_check.commands.batch",
                           ["wibrs_check", "commands"]) == [
        "wibrs_check.commands.batch: from wibrs_check.cli import _load_agencies"]
    assert private_imports("from .engine import unit_firsts\n", "wibrs_check.gaps", ["wibrs_check"]) == []


def test_no_module_imports_a_private_name_from_another():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module, package = _module_name(path)
        found += private_imports(path.read_text(encoding="utf-8"), module, package)
    assert found == []
