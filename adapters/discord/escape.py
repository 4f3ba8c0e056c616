"""Plain text that Discord shows exactly as written: no markup, no links in disguise, no pings.

discord.py's `escape_markdown` leaves too much live: it escapes only the first `[x](url)`
of a line (so a display name `[a](https://a.b) [b](https://evil.co)` kept a clickable
second link), and nothing of `<#channel>`, `<t:…>` timestamps or `<:emoji:id>`. This
escaper is stricter and simple enough to reason about:

- everywhere outside web addresses, a backslash goes before `\\ * _ ~ | [ ] < >`: no
  emphasis, spoilers, masked links (`[text](url)` needs a live `[` and `]`), or angle
  tokens (channels, roles, users, timestamps, emoji, slash-command mentions);
- at the start of a line, also before `#`, `-`, `+` and `>` (headings, subtext, lists,
  quotes);
- a bare web address is left as it is, so it stays the visible link it looks like (an
  escape inside it would change the address); it ends at a space, a bracket, a
  parenthesis, an angle bracket or a backslash, so it can never swallow a masked link;
- mentions also get a zero-width space after `@` (and every message is sent with
  `AllowedMentions.none()`).

Backticks stay: core text uses them for command examples, and a code span hides nothing.
"""

from __future__ import annotations

import re

import discord

_URL = re.compile(r"https?://[^\s<>\[\]()\\`]+", re.IGNORECASE)
_INLINE = re.compile(r"([\\*_~|\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+-])", re.MULTILINE)


def escape(text: str) -> str:
    """`text` as Discord should show it, character for character."""
    text = discord.utils.escape_mentions(text)
    pieces: list[str] = []
    last = 0
    for url in _URL.finditer(text):
        pieces.append(_escape_plain(text[last : url.start()]))
        pieces.append(url.group())
        last = url.end()
    pieces.append(_escape_plain(text[last:]))
    return _LINE_START.sub(r"\1\\\2", "".join(pieces))


def _escape_plain(text: str) -> str:
    return _INLINE.sub(r"\\\1", text)
