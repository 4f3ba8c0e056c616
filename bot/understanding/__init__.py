"""Reading what a member means from the words they type.

One matcher serves every place where words pick content (`/tip`, `/practice`, plain
DMs), so a phrasing that works in one place works in all of them.
"""

from bot.understanding.matcher import Example, Matcher, Thresholds, Verdict
from bot.understanding.words import Vocabulary

__all__ = ["Example", "Matcher", "Thresholds", "Verdict", "Vocabulary"]
