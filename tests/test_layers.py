"""The core's modules form layers: each imports, at run time, only layers below it.

Lowest first:

    foundation   events, replies, text, clock, settings, store, content, review, when…
    services     Services: the long-lived things every handler shares
    router       the registry features add commands, actions and conversations to
    scheduling   the exactly-once dispatcher;  focus: the DM focus store
    context      what a handler gets;  dm: who free DM text goes to;  commitments
                 (the follow-up domain, which hands its due reminders to the dispatcher)
    features     features.base, then each feature module, then the package loader
    app          JobClubBot;  runner, cli on top

A module may name a higher layer's types for the type checker (inside
`if TYPE_CHECKING:`), which never runs. `Services` used to live in `bot.context`, which
made `context → features.base → scheduling → context` a loop; it sits in `bot.services`
now, below all of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

LAYERS: list[set[str]] = [
    {"bot.services"},
    {"bot.router"},
    {"bot.scheduling", "bot.focus"},
    {"bot.context", "bot.dm", "bot.commitments"},
    {"bot.features.base", "bot.clubclock"},
    {"FEATURE"},  # every bot.features.<name>
    {"bot.features"},
    {"bot.app"},
    {"bot.runner"},
    {"bot.cli"},
]
"""Above the foundation (layer 0, every module not named here), lowest first."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    for index, names in enumerate(LAYERS, start=1):
        if module in names:
            return index
    if module.startswith("bot.features.") and module != "bot.features.base":
        return 1 + next(i for i, names in enumerate(LAYERS) if "FEATURE" in names)
    return 0


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path) -> set[str]:
    """bot modules imported when the file runs (function bodies included, type-only not)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("bot")
        ):
            found.add(node.module)
            # `from bot import focus` imports the module bot.focus
            found.update(
                f"{node.module}.{a.name}"
                for a in node.names
                if (BOT.parent / node.module.replace(".", "/") / f"{a.name}.py").exists()
            )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def upward_imports() -> list[str]:
    """Run-time imports of a higher layer (the foundation's modules may use each other)."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = module_name(path)
        offenders += [
            f"{name} → {target}"
            for target in sorted(runtime_imports(path))
            if layer_of(target) > layer_of(name)
        ]
    return offenders


def test_core_modules_import_only_lower_layers_at_run_time() -> None:
    assert upward_imports() == []


def test_services_stands_below_what_uses_it() -> None:
    assert runtime_imports(BOT / "services.py") == set()
    for user in ("scheduling.py", "context.py"):
        source = (BOT / user).read_text(encoding="utf-8")
        assert "from bot.services import Services" in source, user
        assert "from bot.context import" not in source, user


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from typing import TYPE_CHECKING\n"
        "from bot.app import JobClubBot\n"
        "if TYPE_CHECKING:\n"
        "    from bot.context import Context\n",
        encoding="utf-8",
    )
    assert runtime_imports(planted) == {"bot.app"}
    assert layer_of("bot.app") > layer_of("bot.scheduling") > layer_of("bot.services")
    assert layer_of("bot.features.practice") > layer_of("bot.features.base")
    assert layer_of("bot.when") == 0
