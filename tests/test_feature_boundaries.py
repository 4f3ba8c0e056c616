"""Features stay in their rooms: no feature imports another or touches its tables.

What one feature needs from another goes through a hook on `Feature` (progress blocks,
a question worth another go, fitting stories, upcoming interviews) or the core's DM focus
(`Router.add_conversation`'s `on_leave`). These tests read the source, so a shortcut
through another feature's module or table fails here before review.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.store import models

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "bot" / "features"
SHARED = {"__init__", "base"}
"""The feature package's own plumbing, which every feature may import."""

EVERY = "*"
FOLLOW_UPS = frozenset({"commitments", "contacts", "ladders"})
"""Commitments, contacts and interview/rejection ladders are one domain: the three features
build on the core's `bot/commitments.py` and link each other's rows (a ladder's steps are
commitments, a contact's rhythm is one)."""
TABLE_OWNERS: dict[str, frozenset[str] | str] = {
    # the core's tables: every feature reads its member, club, deliveries and activity
    "Club": EVERY,
    "Member": EVERY,
    "Delivery": EVERY,
    "ActivityDay": EVERY,
    # the DM focus is the core's alone: features go through ctx.hold_dm / ctx.release_dm
    "DmFocus": frozenset(),
    # platform delivery ids already handled (Slack retries across replicas): the core's alone
    "SeenDelivery": frozenset(),
    "SeenTip": frozenset({"tips"}),
    "PracticeSession": frozenset({"practice"}),
    "PracticeAnswer": frozenset({"practice"}),
    "Story": frozenset({"stories"}),
    "StoryDraft": frozenset({"stories"}),
    "QuizRun": frozenset({"quiz"}),
    "PlanStep": frozenset({"nudges"}),
    "Commitment": FOLLOW_UPS,
    "Contact": FOLLOW_UPS,
    "Ladder": FOLLOW_UPS,
    "CheckinPrefs": frozenset({"checkin"}),
    "CheckinWeek": frozenset({"checkin"}),
    "CheckinSummary": frozenset({"checkin"}),
    "Landing": frozenset({"landed"}),
    "ProgressShare": frozenset({"coordinator"}),
    "Cohort": frozenset({"cohorts"}),
    "CohortMember": frozenset({"cohorts"}),
    "CoordinatorView": frozenset({"coordinator"}),
    "CoordinatorViewSubject": frozenset({"coordinator"}),
    "CoordinatorMessage": frozenset({"coordinator"}),
    "PartnerSchedule": frozenset({"partners"}),
    "PartnerPrefs": frozenset({"partners"}),
    "PartnerAvoid": frozenset({"partners"}),
    "PartnerMatch": frozenset({"partners"}),
    "PartnerSeat": frozenset({"partners"}),
}
NOT_TABLES = {"Base", "UTCDateTime", "OFFER_PENDING_SQLITE", "OFFER_PENDING_POSTGRES"}


def feature_modules() -> dict[str, Path]:
    return {p.stem: p for p in sorted(FEATURES.glob("*.py")) if p.stem not in SHARED}


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in the file, type-checking ones included."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: `from .practice import x` inside bot/features
                base = "bot.features" + ("." + node.module if node.module else "")
            found.append((base, [alias.name for alias in node.names]))
    return found


def other_features_imported(name: str, path: Path) -> list[str]:
    others = set(feature_modules()) - {name}
    hits = []
    for module, names in imports_of(path):
        if module.startswith("bot.features."):
            target = module.split(".")[2]
            if target in others:
                hits.append(module)
        elif module == "bot.features":
            hits += [f"bot.features.{n}" for n in names if n in others]
    return hits


def test_no_feature_imports_another_feature() -> None:
    modules = feature_modules()
    assert {"practice", "stories", "progress", "nudges", "quiz"} <= set(modules)
    offenders = {
        name: hits
        for name, path in modules.items()
        if (hits := other_features_imported(name, path))
    }
    assert offenders == {}


def test_no_feature_finds_another_through_the_module_table() -> None:
    """`sys.modules` or importlib lookups would dodge the import check above."""
    offenders = []
    for name, path in feature_modules().items():
        source = path.read_text(encoding="utf-8")
        if "sys.modules" in source or "import_module" in source or "__import__" in source:
            offenders.append(name)
    assert offenders == []


def test_every_table_has_a_declared_owner() -> None:
    tables = {
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, models.Base) and value is not models.Base
    }
    assert tables == set(TABLE_OWNERS), "declare the owner of a new table in TABLE_OWNERS"


def foreign_tables(name: str, path: Path) -> list[str]:
    """Tables the module imports that feature `name` does not own (or share)."""
    found = []
    for module, names in imports_of(path):
        if module != "bot.store.models":
            continue
        for table in names:
            if table in NOT_TABLES:
                continue
            owners = TABLE_OWNERS.get(table, frozenset())
            if owners != EVERY and name not in owners:
                found.append(table)
    return found


def test_no_feature_touches_another_features_tables() -> None:
    offenders = {
        name: tables
        for name, path in feature_modules().items()
        if (tables := foreign_tables(name, path))
    }
    assert offenders == {}


def test_the_checks_catch_a_feature_that_reaches_across(tmp_path: Path) -> None:
    """The scans above can fail: a planted module doing both is caught by each."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from bot.features.practice import start_question\n"
        "from bot.store.models import DmFocus, Member, StoryDraft\n",
        encoding="utf-8",
    )
    assert other_features_imported("planted", planted) == ["bot.features.practice"]
    assert foreign_tables("planted", planted) == ["DmFocus", "StoryDraft"]
