"""Buttons whose `custom_id` is the core's action id, routed after any restart.

`ActionButton` is a discord.py `DynamicItem` whose template matches every custom id.
It is registered once at start (`client.add_dynamic_items`), so a press on any message
the bot ever sent, before or after a restart, becomes an `ActionEvent` with that id.
The views themselves hold no state and are never looked up by message id.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

import discord

from bot.replies import Button, ButtonStyle

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100
LABEL_MAX = 80
PER_VIEW = 25
"""Discord allows 5 rows of 5 buttons per message."""

_STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


class ButtonHandler(Protocol):
    async def on_button(self, interaction: discord.Interaction, action_id: str) -> None: ...


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.compile(r"(?P<action>.{1,100})", re.DOTALL),
):
    """A button carrying a core action id; pressing it calls the client's `button_handler`."""

    def __init__(
        self,
        action: str,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=action))
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ActionButton:
        label = getattr(item, "label", None) or "…"
        style = getattr(item, "style", discord.ButtonStyle.secondary)
        return cls(match["action"], label, style)

    async def callback(self, interaction: discord.Interaction) -> None:
        handler: ButtonHandler | None = getattr(interaction.client, "button_handler", None)
        if handler is None:
            log.warning("button pressed on a client without a handler")
            return
        await handler.on_button(interaction, self.action)


def build_views(buttons: list[Button]) -> list[discord.ui.View]:
    """Persistent views (no timeout) of at most 25 buttons each, 5 per row.

    Buttons whose action id is too long for a custom id, or repeats one already
    shown (Discord refuses the whole message then), are left out and logged.
    """
    usable: list[Button] = []
    seen: set[str] = set()
    for button in buttons:
        if not 0 < len(button.action) <= CUSTOM_ID_MAX or button.action in seen:
            log.warning("button %r left out: empty, too long or repeated action id", button.label)
            continue
        seen.add(button.action)
        usable.append(button)
    views: list[discord.ui.View] = []
    for start in range(0, len(usable), PER_VIEW):
        view = discord.ui.View(timeout=None)
        for button in usable[start : start + PER_VIEW]:
            label = button.label.strip() or "…"
            if len(label) > LABEL_MAX:
                label = label[: LABEL_MAX - 1] + "…"
            style = _STYLES.get(button.style, discord.ButtonStyle.secondary)
            view.add_item(ActionButton(button.action, label, style))
        views.append(view)
    return views
