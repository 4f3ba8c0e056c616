"""Files on Slack: the /progress chart and scheduled files arrive through files upload v2,
with alt text and a title; the text is never lost when an upload is not."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.slack.files import ALT_TEXT_MAX
from bot.events import Platform
from bot.outbox import MemberAddress
from bot.replies import Attachment, Reply, Visibility
from tests.slack.conftest import ADA, GRACE, Rig
from tests.slack.fake_slack import dm_channel_for, group_channel_for
from tests.slack.test_http import texts
from tests.test_practice import BRIEF

CSV = Attachment(b"week,applications\n2026-11-23,3\n", "report.csv", "Club report", "text/csv")


async def practise_once(rig: Rig) -> None:
    """Ada practises one question, so /progress has a week to draw."""
    await rig.command("/practice sensitive")
    await rig.adapter.idle()
    await rig.dm(BRIEF)
    await rig.adapter.idle()


async def progress(rig: Rig, *, user: str = ADA) -> str:
    """Run /progress and return everything Ada reads in the reply shown in the channel."""
    answer, url = await rig.command("/progress", user=user)
    await rig.adapter.idle()
    shown: list[dict[str, Any]] = [answer.json()] if answer.body else []
    shown += rig.responses(url)
    assert shown, "no reply to /progress"
    return "\n".join(texts(message) for message in shown)


async def test_progress_with_data_uploads_one_chart_with_its_numbers_in_alt_text(
    rig: Rig,
) -> None:
    await practise_once(rig)
    seen = await progress(rig)

    (chart,) = rig.fake.shared_files()
    assert chart.data.startswith(b"\x89PNG")
    assert chart.filename.endswith(".png")
    assert chart.title == "Your progress, Ada"
    assert chart.alt_txt is not None
    assert "1 practice days" in chart.alt_txt
    # An ephemeral reply cannot carry a file: the picture goes to Ada's DM, and she is told.
    assert chart.channel == dm_channel_for(ADA)
    assert "The picture for this is in your DM with me" in seen
    assert "Practice · 1 answer" in seen  # the text keeps the facts, for wherever pictures don't go


async def test_progress_without_data_uploads_nothing(rig: Rig) -> None:
    seen = await progress(rig, user=GRACE)
    assert "Your progress" in seen
    assert not rig.fake.of("files.getUploadURLExternal")
    assert "in your DM with me" not in seen


async def test_progress_in_the_bots_dm_shares_the_chart_right_there(rig: Rig) -> None:
    await practise_once(rig)
    await rig.dm("progress")
    await rig.adapter.idle()
    (chart,) = rig.fake.shared_files()
    assert chart.channel == dm_channel_for(ADA)
    posts = [p.params for p in rig.fake.of("chat.postMessage")]
    assert "Your progress" in texts(posts[-1])
    assert "in your DM with me" not in texts(posts[-1])  # it is the DM


async def test_a_failed_upload_still_delivers_the_text_and_logs_no_member_words(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    await practise_once(rig)
    rig.fake.fail("files.getUploadURLExternal", error="file_uploads_disabled")
    with caplog.at_level(logging.WARNING, logger="adapters.slack.files"):
        seen = await progress(rig)
    assert "Practice · 1 answer" in seen
    assert not rig.fake.shared_files()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "adapters.slack.files"]
    assert "file_uploads_disabled" in line and "image/png" in line
    assert "practice" not in line and "xoxb" not in line


async def test_a_scheduled_dm_with_a_file_uploads_it_after_the_text(rig: Rig) -> None:
    report = Reply(text="Your club report is ready.", title="Club report", attachments=[CSV])
    to = MemberAddress(Platform.SLACK, "T0CLUB", ADA, "Ada")
    channel = await rig.adapter.outbox.send_dm(to, report)

    (shared,) = rig.fake.shared_files(channel)
    assert shared.data == CSV.data and shared.filename == "report.csv"
    assert shared.title == "Club report"
    assert shared.alt_txt is None  # alt text is for pictures
    methods = [
        c.method for c in rig.fake.calls if c.method not in ("auth.test", "conversations.open")
    ]
    assert methods == [
        "chat.postMessage",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_a_scheduled_send_whose_upload_fails_is_still_a_success(rig: Rig) -> None:
    """Raising would make the dispatcher send the text again; the file is only an extra."""
    rig.fake.fail("files.completeUploadExternal", error="not_in_channel")
    report = Reply(text="This week's totals: 12 applications.", attachments=[CSV])
    await rig.adapter.outbox.post_to_channel(Platform.SLACK, "T0CLUB", "C0REPORTS", report)
    (post,) = rig.fake.of("chat.postMessage")
    assert "12 applications" in post.params["text"]
    assert not rig.fake.shared_files()


async def test_a_pairs_group_dm_gets_the_file_too(rig: Rig) -> None:
    pair = [
        MemberAddress(Platform.SLACK, "T0CLUB", ADA, "Ada"),
        MemberAddress(Platform.SLACK, "T0CLUB", GRACE, "Grace"),
    ]
    await rig.adapter.outbox.send_group(pair, Reply(text="Your practice plan", attachments=[CSV]))
    (shared,) = rig.fake.shared_files()
    assert shared.channel == group_channel_for(f"{ADA},{GRACE}")


async def test_long_alt_text_is_cut_to_slacks_limit(rig: Rig) -> None:
    picture = Attachment(b"\x89PNG fake", "chart.png", "12 applications; " * 200, "image/png")
    await rig.adapter.outbox.send_dm(
        MemberAddress(Platform.SLACK, "T0CLUB", ADA, "Ada"),
        Reply(text="Your chart", visibility=Visibility.DM, attachments=[picture]),
    )
    (shared,) = rig.fake.shared_files()
    assert shared.alt_txt is not None
    assert 900 < len(shared.alt_txt) <= ALT_TEXT_MAX
