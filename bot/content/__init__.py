"""The advice library: data files in content/, their schema, loading and search."""

from bot.content.loader import ContentError, Library, load_library

__all__ = ["ContentError", "Library", "load_library"]
