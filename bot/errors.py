"""Exceptions that carry a message meant for the member."""


class UserError(Exception):
    """Something the member can fix; `str(error)` is shown to them as it is."""
