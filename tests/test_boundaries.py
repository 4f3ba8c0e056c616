"""House rules that a test can check: the core never imports a platform library."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord", "aiohttp", "prompt_toolkit"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_no_platform_library() -> None:
    files = sorted((ROOT / "bot").rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & PLATFORM_LIBRARIES) for f in files
    }
    assert {f: libs for f, libs in offenders.items() if libs} == {}


def test_core_never_imports_adapters() -> None:
    offenders = [
        str(f.relative_to(ROOT))
        for f in sorted((ROOT / "bot").rglob("*.py"))
        if "adapters" in imported_roots(f) and f.name != "cli.py"
    ]
    assert offenders == []
