"""Feature modules. Each module here registers itself with `@feature`."""

from __future__ import annotations

import importlib
import pkgutil

from bot.features.base import Feature, registered


def load_features() -> list[Feature]:
    """Import every module in this package and build one instance of each feature."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return [cls() for _, cls in sorted(registered().items())]


__all__ = ["Feature", "load_features"]
