"""jobclub: the platform-neutral core of the job-club bot."""

__version__ = "0.1.0"
