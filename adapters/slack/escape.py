"""Making core text safe for Slack: escape mrkdwn control characters, respect length limits.

Slack reads `&`, `<` and `>` as control characters in mrkdwn: `<!channel>`, `<@U123>` and
`<https://x|y>` are only possible with a raw `<`. Escaping those three (and nothing else)
makes any text inert while it still reads the same. Plain-text objects (headers, button
labels) are never parsed for mentions, so they are only cut to length.
"""

from __future__ import annotations

from collections.abc import Iterator

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_TABLE = str.maketrans(_ESCAPES)
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Text for a mrkdwn field: `&`, `<`, `>` become entities, so no mention or link is possible."""
    return text.translate(_TABLE)


def slack_len(text: str) -> int:
    """Length as Slack counts it at worst (UTF-16 code units), so limits hold for emoji too."""
    return len(text.encode("utf-16-le")) // 2


def _char_cost(char: str) -> int:
    escaped = _ESCAPES.get(char, char)
    return len(escaped) if len(escaped) > 1 else slack_len(char)


def cut_plain(text: str, limit: int) -> str:
    """A plain-text value cut to `limit` (Slack counting), at a word boundary when one is near."""
    if slack_len(text) <= limit:
        return text
    budget = limit - 1
    out: list[str] = []
    used = 0
    for char in text:
        cost = slack_len(char)
        if used + cost > budget:
            break
        out.append(char)
        used += cost
    cut = "".join(out)
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def split_escaped(text: str, limit: int) -> Iterator[str]:
    """Escape `text` and yield pieces of at most `limit`, never splitting an entity.

    Pieces end at a paragraph, line or word break when there is one in the second half
    of the piece; a single over-long word is cut anywhere (but not inside `&amp;`).
    """
    if limit < 8:
        raise ValueError("limit too small")
    start, size = 0, len(text)
    while start < size:
        # What is left fits whole (every character costs at least one): measured in one
        # pass in C, not character by character (a fan-out renders thousands of messages).
        if size - start <= limit and slack_len(rest := escape(text[start:])) <= limit:
            yield rest
            return
        # The longest raw stretch from `start` whose escaped form fits.
        used, end = 0, start
        while end < size:
            cost = _char_cost(text[end])
            if used + cost > limit:
                break
            used += cost
            end += 1
        if end == size:
            yield escape(text[start:])
            return
        cut = end
        for sep in ("\n\n", "\n", " "):
            at = text.rfind(sep, start, end)
            if at > start + (end - start) // 2:
                cut = at
                break
        piece = text[start:cut].rstrip()
        if not piece:
            piece, cut = text[start:end], end
        yield escape(piece)
        start = cut
        while start < size and text[start] in "\n ":
            start += 1


def fit_escaped(text: str, limit: int) -> str:
    """`text` escaped, cut to at most `limit` with an ellipsis when it does not fit."""
    head = text[: limit + 1]  # every character costs at least one
    escaped = escape(head)
    if len(head) == len(text) and slack_len(escaped) <= limit:
        return escaped
    first = next(split_escaped(head, limit - 1), "")
    return first + ELLIPSIS
