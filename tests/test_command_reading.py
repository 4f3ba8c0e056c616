"""Commands typed the way members type them: typos, other words, verbs in any spelling,
plain DM sentences, and the "Did you mean" buttons for everything unsure or destructive."""

from __future__ import annotations

import pytest

from bot import dm, offers
from bot.features import load_features
from bot.replies import Visibility
from bot.router import Router
from bot.understanding.commands import Offer, Reading, is_destructive, read, remainder
from bot.understanding.sentences import read_sentence
from tests.conftest import Conversation


def _router() -> Router:
    router = Router()
    for feature in load_features():
        feature.register(router)
    return router


async def test_a_typo_in_a_command_name_runs_the_one_it_plainly_means(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/comit email Ana friday 3pm")
    assert reply.text.startswith("Got it: email Ana")
    assert "Fri 27 Nov, 15:00" in reply.text


async def test_sub_command_verbs_in_any_spelling_and_order(conversation: Conversation) -> None:
    for spelling in ("still open 6", "Still-Open 6", "still_open 6", "stillopen 6"):
        reply = await conversation.one(f"/jobclub {spelling}")
        assert reply.text == "I will ask 6 hours after a reminder if it is still open.", spelling
    await conversation.one("/commit email Ana friday 3pm")
    await conversation.one("/commit call Raj monday 10am")
    done = await conversation.one("/commitments 2 done")
    assert done.text.startswith("Done: call Raj")


async def test_plurals_and_other_words_for_commands(conversation: Conversation) -> None:
    await conversation.one("/commit send portfolio to Mei friday 3pm")
    listed = await conversation.one("/reminders")
    assert "send portfolio to Mei" in listed.plain_text()
    tip = await conversation.one("/tips please about salary")
    assert tip.meta["topic"] == "money"


async def test_an_unclear_short_name_asks_back_with_buttons(conversation: Conversation) -> None:
    asked = await conversation.one("/pr")
    assert "Did you mean" in asked.text
    assert asked.meta["did_you_mean"] == ["practice", "progress"]
    (progress,) = await conversation.press(asked, "/progress")
    assert "streak" in progress.meta


async def test_a_typo_never_deletes_it_offers_and_the_command_still_asks(
    conversation: Conversation,
) -> None:
    await conversation.one("/commit email Ana friday 3pm")
    asked = await conversation.one("/delet")
    assert asked.meta["did_you_mean"] == ["jobclub delete"]
    (confirm,) = await conversation.press(asked, "/jobclub delete")
    assert confirm.buttons, "deleting asks to confirm before anything goes"
    still_there = await conversation.one("/commitments")
    assert "email Ana" in still_there.plain_text()


async def test_a_destructive_verb_typo_goes_through_a_confirmation(
    conversation: Conversation,
) -> None:
    conversation.admins.add("Ada")
    await conversation.one("/jobclub cohort start spring")
    await conversation.one("/jobclub cohort join spring")
    asked = await conversation.one("/jobclub cohort leav spring")
    assert asked.meta["did_you_mean"] == ["jobclub cohort leave"]
    (sure,) = await conversation.press(asked, "/jobclub cohort leave spring")
    assert "can't be undone" in sure.text
    (kept,) = await conversation.press(sure, "No")
    assert "left it as it was" in kept.text
    listed = await conversation.one("/jobclub cohort list")
    assert "spring" in listed.plain_text()


async def test_dm_sentences_with_a_clear_signal_run_the_command(
    conversation: Conversation,
) -> None:
    (commit,) = await conversation.dm("remind me to email Ana friday 3pm")
    assert commit.text.startswith("Got it: email Ana")
    (interview,) = await conversation.dm("i have an interview at acme next tuesday 2pm")
    assert interview.meta["kind"] == "interview" and interview.meta["company"] == "acme"
    assert interview.meta["at"] == "2026-12-01T14:00:00+00:00"
    (rejected,) = await conversation.dm("got rejected by initech today")
    assert rejected.meta["kind"] == "rejection" and rejected.meta["company"] == "initech"


async def test_a_sentence_asking_for_advice_still_gets_a_tip(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("I have an interview at acme tomorrow, how should I prepare?")
    assert "tip_id" in reply.meta
    listed = await conversation.one("/commitments")
    assert "acme" not in listed.plain_text().lower()


async def test_delete_my_data_in_a_sentence_only_offers(conversation: Conversation) -> None:
    await conversation.one("/commit email Ana friday 3pm")
    (asked,) = await conversation.dm("please delete all my data")
    assert "nothing has changed yet" in asked.text
    assert asked.meta["did_you_mean"] == ["jobclub delete"]
    still_there = await conversation.one("/commitments")
    assert "email Ana" in still_there.plain_text()


async def test_i_got_the_job_is_offered_never_recorded(conversation: Conversation) -> None:
    (asked,) = await conversation.dm("I got the job at Acme!!")
    assert asked.meta["did_you_mean"] == ["landed"]
    (landed,) = await conversation.press(asked, "/landed Acme")
    assert landed.buttons, "/landed asks for its one confirmation"


async def test_a_waiting_conversation_keeps_its_answer(conversation: Conversation) -> None:
    (question,) = await conversation.dm("let's practice")
    assert "question_id" in question.meta
    (feedback,) = await conversation.dm("show my progress")
    assert feedback.meta["question_id"] == question.meta["question_id"]
    assert "streak" not in feedback.meta


async def test_a_long_sentence_starting_like_a_command_is_not_one(
    conversation: Conversation,
) -> None:
    (reply,) = await conversation.dm("stories about failure are hard for me, how to pick one?")
    assert "read_as" not in reply.meta
    (progress,) = await conversation.dm("progres")
    assert progress.meta["read_as"] == "/progress"


def test_destructive_paths_are_never_run_from_a_loose_reading() -> None:
    router = _router()
    offered = {
        "jobclub delte": Offer("jobclub delete"),
        "landd acme": Offer("landed", "acme"),
        "story delet 2": Offer("story delete", "2"),
        "story nwe": Offer("story new"),
        "story canel": Offer("story cancel"),
        "story stpo": Offer("story cancel"),
        "story quite": Offer("story cancel"),
        "commitments 2 drpo": Offer("commitments drop", "2"),
        "jobclub cohort leav spring": Offer("jobclub cohort leave", "spring"),
    }
    for line, offer in offered.items():
        assert read(router, line) == Reading("ask", how=read(router, line).how, offers=(offer,))
    assert read(router, "jobclub forget me").path == "jobclub forget-me"
    assert read(router, "jobclub forget me").how == "exact"


def test_what_is_destructive_is_declared_where_the_feature_registers_it() -> None:
    router = _router()
    for path in ("jobclub delete", "landed", "story new", "story cancel", "commitments drop"):
        assert is_destructive(router, path), path
    for path in ("nudges pause", "story start", "commitments done", "tip"):
        assert not is_destructive(router, path), path


def test_the_rest_of_a_line_keeps_its_line_breaks() -> None:
    assert remainder("edit 2 result\nwe shipped", 2) == "result\nwe shipped"
    assert remainder("done 7.", 1) == "7"
    assert remainder("done here", 1, "3") == "3 here"


def test_sentences_read_only_their_own_shape() -> None:
    router = _router()
    assert read_sentence(router, "remind me to call HR at 2pm").rest == "call HR at 2pm"
    assert read_sentence(router, "should I remind the recruiter about my CV?").kind == "none"
    assert read_sentence(router, "Hooli turned me down").rest == "Hooli"
    assert read_sentence(router, "Hooli just turned me down").rest == "Hooli"
    assert read_sentence(router, "they rejected me").offers == (Offer("rejected"),)
    assert read_sentence(router, "deleted my linkedin by accident").kind == "none"


def test_a_sentence_records_only_a_plain_company_name() -> None:
    """A company is one to three words with no pronoun, quantifier or hedge; otherwise the
    command is offered, with the company only when it is plain."""
    router = _router()
    vague = {
        "loads of firms rejected me": Offer("rejected"),
        "I reckon Globex maybe rejected me": Offer("rejected"),
        "everybody rejected me": Offer("rejected"),
        "my interview with Initech went badly today": Offer("interview", "at Initech today"),
    }
    for said, offer in vague.items():
        assert read_sentence(router, said) == Reading("ask", how="sentence", offers=(offer,))
    assert read_sentence(router, "nobody wants me, everybody rejected me").kind == "none"
    sure = read_sentence(router, "Umbrella Corp rejected me")
    assert (sure.kind, sure.rest) == ("run", "Umbrella Corp")
    no_company = read_sentence(router, "i've got an interview next friday 10am")
    assert (no_company.kind, no_company.rest) == ("run", "next friday 10am")


async def test_venting_about_rejections_records_nothing_and_offers_the_command(
    conversation: Conversation,
) -> None:
    (asked,) = await conversation.dm("honestly so many places rejected me this month")
    assert "nothing has changed yet" in asked.text
    assert asked.meta["did_you_mean"] == ["rejected"]
    (told,) = await conversation.dm("my interview with Globex was rough yesterday")
    assert told.meta["did_you_mean"] == ["interview"]
    assert [b.label for b in told.buttons] == ["/interview at Globex yesterday", "Show help"]
    listed = await conversation.one("/commitments")
    assert "globex" not in listed.plain_text().lower()


async def test_a_slip_in_a_story_verb_never_drops_the_draft(conversation: Conversation) -> None:
    await conversation.command("/story", dm=True)
    await conversation.dm("Cut onboarding time for new analysts")
    (asked,) = await conversation.dm("/story canel")
    assert asked.meta["did_you_mean"] == ["story cancel"]
    (sure,) = await conversation.press(asked, "/story cancel")
    assert "can't be undone" in sure.text
    (kept,) = await conversation.press(sure, "No")
    assert "left it as it was" in kept.text
    listed = await conversation.one("/story list")
    assert "half built" in listed.text
    (fresh,) = await conversation.dm("/story nwe")
    assert fresh.meta["did_you_mean"] == ["story new"]
    assert "half built" in (await conversation.one("/story list")).text


async def test_a_number_before_a_mistyped_verb_stays_on_the_offer(
    conversation: Conversation,
) -> None:
    await conversation.one("/commit email Ana friday 3pm")
    await conversation.one("/commit call Raj monday 10am")
    asked = await conversation.one("/commitments 2 drpo")
    assert asked.meta["did_you_mean"] == ["commitments drop"]
    (sure,) = await conversation.press(asked, "/commitments drop 2")
    (dropped,) = await conversation.press(sure, "Yes, do it")
    assert dropped.text.startswith("Dropped: call Raj")


async def test_synonym_slips_and_short_words_never_run_a_command(
    conversation: Conversation,
) -> None:
    (trip,) = await conversation.dm("trip")
    assert "tip_id" not in trip.meta and trip.meta["did_you_mean"] == ["tip"]
    (shore,) = await conversation.dm("shore")
    assert "streak" not in shore.meta and "read_as" not in shore.meta
    quit_ = await conversation.one("/quit")
    assert quit_.meta["error"] == "unknown_command" and "question" not in quit_.text.lower()
    offered = await conversation.one("/scroe")
    assert offered.meta["did_you_mean"] == ["progress"], "a synonym's slip is only offered"


async def test_a_slash_typo_says_what_it_was_read_as(conversation: Conversation) -> None:
    reply = await conversation.one("/progres")
    assert reply.meta["read_as"] == "/progress"
    offered = await conversation.one("/delet")
    assert offered.visibility == Visibility.ONLY_MEMBER
    (in_dm,) = await conversation.dm("/delet")
    assert in_dm.visibility == Visibility.DM


async def test_a_dm_is_read_as_a_sentence_once(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(router: Router, text: str) -> Reading:
        calls.append(text)
        return read_sentence(router, text)

    monkeypatch.setattr(dm, "read_sentence", counted)
    await conversation.dm("nudges are helpful, thanks")
    await conversation.dm("remind me to email Ana friday 3pm")
    assert calls == ["nudges are helpful, thanks", "remind me to email Ana friday 3pm"]


async def test_a_destructive_name_without_its_slash_is_only_offered(
    conversation: Conversation,
) -> None:
    (news,) = await conversation.dm("landed an interview at Monzo for Thursday 2pm")
    assert news.meta["kind"] == "interview" and news.meta["company"] == "Monzo"
    (offered,) = await conversation.dm("landed Acme")
    assert offered.meta["did_you_mean"] == ["landed"]
    (typed,) = await conversation.dm("/landed Acme")
    assert "did_you_mean" not in typed.meta, "with the slash it is the command itself"


def test_an_offer_button_carries_text_with_colons_and_long_text_gets_no_button() -> None:
    router = _router()
    offers.register(router)
    action = offers.action_for(Offer("commit", "call Jo at 3:30pm"))
    found = router.action(action)
    assert found is not None
    assert offers.offer_from(found[1]) == Offer("commit", "call Jo at 3:30pm")
    long = Reading("ask", offers=(Offer("commit", "x" * 200),))
    reply = offers.ask(router, long, "/comit")
    assert [b.label for b in reply.buttons] == ["Show help"]
    assert "Type the command again in full" in reply.text


def test_a_command_that_takes_questions_keeps_them_without_its_slash() -> None:
    """The advice guard asks the registration, not a command's name."""
    router = Router()

    async def answer(ctx: object) -> None:
        return None

    router.add_command("ask", "Questions.", "/ask WORDS", answer, takes_questions=True)
    router.add_command("note", "Notes.", "/note WORDS", answer)
    asked = dm.read_typed(router, "ask how should I prepare", focused=False)
    assert (asked.kind, asked.path, asked.rest) == ("run", "ask", "how should I prepare")
    assert dm.read_typed(router, "note how should I prepare", focused=False).kind == "none"


async def test_a_to_do_with_a_time_is_offered_as_a_commitment_not_answered_with_a_tip(
    conversation: Conversation,
) -> None:
    (offered,) = await conversation.dm("book lunch with Sam tomorrow")
    assert "Do you want `/commit book lunch with Sam tomorrow`?" in offered.text
    assert "topic" not in offered.meta  # no tip nobody asked for
    (kept,) = await conversation.press(offered, "/commit book lunch with Sam tomorrow")
    assert kept.text.startswith("Got it: book lunch with Sam")
    assert "Thu 26 Nov, 09:00" in kept.text
    # Words that tell how something went, or use the verb as a noun, are no to-do.
    for told in ("call went fine today", "email arrived this morning from initech"):
        (reply,) = await conversation.dm(told)
        assert "/commit" not in reply.plain_text(), told
