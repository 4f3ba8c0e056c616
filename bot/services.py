"""`Services`: the long-lived things built once at start and shared by every handler.

It sits in its own module, below everything that uses it: the dispatcher
(`bot.scheduling`), the handler's `Context`, the features and the app all import it,
and it imports none of them at run time. `Router` and `Feature` are named for the type
checker only, so the core's modules form layers (see `tests/test_layers.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.content import Library
    from bot.content.search import TipIndex
    from bot.features.base import Feature
    from bot.router import Router
    from bot.settings import Settings
    from bot.store.database import Database


@dataclass(frozen=True)
class Services:
    """Long-lived things built once at start and shared by every handler."""

    settings: Settings
    db: Database
    clock: Clock
    library: Library
    tip_index: TipIndex
    router: Router
    features: tuple[Feature, ...]
