"""Pairs of strong and weak answers: the strong one wins overall and on the intended
dimension, and the weak one's one main fix names its flaw."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content import Library, load_library
from bot.review import RuleReviewer

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Pair:
    name: str
    question: str
    dimension: str
    flaw: str
    """The flag the weak answer must raise, and its main fix must be about."""
    words: tuple[str, ...]
    """Words the main fix must use to name the flaw (any one is enough)."""
    strong: str
    weak: str


LEAD_START = (
    "Last spring I was the shift lead for a warehouse team of twelve. Our biggest client moved "
    "its delivery deadline forward by a full week, and we were already short because two people "
    "were off sick. The team was tired and I could see morale dropping. I split the open orders "
    "by priority so the urgent ones went first, I asked two colleagues from the returns desk to "
    "cover packing for the week, and I held a ten-minute check-in every morning so everyone knew "
    "exactly where we stood."
)

PAIRS = [
    Pair(
        "story without a result",
        "beh-leadership",
        "structure",
        "no_result",
        ("result",),
        LEAD_START + " I also took the late shift myself on the two busiest days. As a result we "
        "shipped every order on time, and the largest one went out two days early. That mattered "
        "because the client renewed their contract for another year, which kept all twelve jobs "
        "safe.",
        LEAD_START + " I also took the late shift myself on the two busiest days, and I phoned "
        "the client's account manager each afternoon with a short update on the orders that were "
        "still open, so that nobody on their side was ever left wondering what was happening.",
    ),
    Pair(
        "we instead of I",
        "beh-teamwork",
        "structure",
        "we_not_i",
        ("“I”", "I”"),
        "Two years ago I worked in a library team of six that had to move forty thousand books "
        "to a temporary building in one month. The challenge was that nobody had planned a move "
        "like that before. I mapped every shelf to a numbered crate, I drew up a rota so each "
        "person owned one section, and I ran a short huddle each Friday to swap people between "
        "sections that were behind. I also trained two volunteers to label crates. As a result "
        "we finished three days early with no lost books, which meant the library reopened on "
        "time for the exam season, when students need it most.",
        "Two years ago we were a library team of six that had to move forty thousand books to a "
        "temporary building in one month. The challenge was that we had never planned a move "
        "like that before. We mapped every shelf to a numbered crate, we drew up a rota so each "
        "of us owned one section, and we ran a short huddle each Friday to swap people between "
        "sections that were behind. We also trained two volunteers to label crates. As a result "
        "we finished three days early with no lost books, which meant our library reopened on "
        "time for the exam season, when students need it most.",
    ),
    Pair(
        "vague result",
        "beh-improved-process",
        "structure",
        "vague_result",
        ("concrete", "how much", "number"),
        "At my last job I handled supplier invoices for a chain of cafés. The problem was that "
        "invoices arrived by post, email and text, and payments were often late, so suppliers "
        "kept chasing the managers instead of me. I set up one "
        "shared inbox, I wrote a one-page checklist for the managers, and I agreed a weekly "
        "cut-off with the suppliers. As a result late payments fell from about twenty a month to "
        "two, which meant suppliers stopped putting us on hold and the cafés always had stock.",
        "At my last job I handled supplier invoices for a chain of cafés. The problem was that "
        "invoices arrived by post, email and text, and payments were often late, so suppliers "
        "kept chasing the managers instead of me. I set up one "
        "shared inbox, I wrote a short checklist for the managers, and I agreed a weekly "
        "cut-off with the suppliers. As a result things improved quite a lot, which meant "
        "suppliers stopped putting us on hold and the cafés had what they needed.",
    ),
    Pair(
        "blaming the former boss",
        "why-were-you-fired",
        "framing",
        "blame",
        ("boss", "employer", "blame"),
        "My role was one of twelve cut when the company closed its regional office last spring. "
        "I learned a lot there about keeping customers happy through change. Since then I have "
        "finished a project management course, and I am ready for a team like yours. What would "
        "the person in this role need to tackle first?",
        "My role was cut when my manager decided he never liked me and used the reorganisation "
        "as an excuse to get rid of me. I learned a lot there about keeping customers happy "
        "through change. Since then I have finished a project management course, and I am "
        "ready for a team like yours. What would the person in this role need to tackle first?",
    ),
    Pair(
        "private details",
        "why-did-you-leave",
        "framing",
        "private_details",
        ("private",),
        "I left because I wanted more responsibility for planning than the role could offer, "
        "and the company was shrinking its local office. I enjoyed the team and learned a lot "
        "about suppliers there. This role gives me the planning scope I was looking for. How is "
        "planning split across the team here?",
        "I left because my divorce came through and I had to move closer to my sister, and my "
        "therapist thought a fresh start would help. I enjoyed the team and learned a lot about "
        "suppliers there. This role gives me the planning scope I was looking for. How is "
        "planning split across the team here?",
    ),
    Pair(
        "apologising for a gap",
        "cv-gap",
        "framing",
        "apologising",
        ("apologis",),
        "I took eighteen months out to care for a family member, which is now behind me. During "
        "that time I completed a bookkeeping certificate and kept the accounts for a local "
        "charity, so my skills are current. I am ready to commit fully to a role like this. What "
        "does a typical week look like for the team?",
        "I'm sorry about the gap, I know it looks bad. I took eighteen months out to care for a "
        "family member, which is now behind me. During that time I completed a bookkeeping "
        "certificate and kept the accounts for a local charity. What does a typical week look "
        "like for the team?",
    ),
    Pair(
        "negative words about the last manager",
        "opinion-of-last-manager",
        "framing",
        "negative",
        ("negative",),
        "She was very organised and taught me how to run a tight weekly plan, which I still "
        "use. Our styles differed at times, and that taught me to ask early how someone likes "
        "to get updates. How does the manager here like to work with the team?",
        "She was organised, but honestly the meetings were boring and the weekly plans were a "
        "waste of time most weeks. Our styles differed at times, and I got fed up with the "
        "updates. How does the manager here like to work with the team?",
    ),
    Pair(
        "cocky claims",
        "why-hire-you",
        "confidence",
        "cocky",
        ("superlatives",),
        "You told me the team needs someone to bring order to a busy schedule. In my last job I "
        "ran the rota for forty staff and cut overtime by a fifth in six months. I also trained "
        "three new coordinators, and two of them now run their own sites. I would enjoy bringing "
        "that to your team.",
        "Honestly I am the best candidate you will see, nobody else can do what I do. In my last "
        "job I ran the rota for forty staff and cut overtime by a fifth in six months. I am "
        "obviously a brilliant organiser, and frankly this job will be easy for me.",
    ),
    Pair(
        "claims without evidence",
        "what-sets-you-apart",
        "confidence",
        "unbacked_claims",
        ("proof", "example"),
        "I combine care work with numbers. For example, in my last role I supported twelve "
        "families and also rebuilt the team's budget sheet, which saved about two hours a week "
        "for the manager. That mix would let me help your clients and keep the reports tidy.",
        "I am a hard worker, a real team player and very passionate about helping people. I am "
        "also a fast learner and very reliable, and I think that makes me different. That mix "
        "would let me help your clients and keep the reports tidy.",
    ),
    Pair(
        "hedging",
        "greatest-strength",
        "confidence",
        "hedging",
        ("hedges",),
        "My greatest strength is calming tense situations. In my last role I handled the "
        "complaints line and cut repeat complaints by a third in a year, because I called every "
        "customer back within a day, which meant the team spent less time firefighting. I would "
        "bring that same care to your clients.",
        "I guess maybe my strength is probably calming tense situations, I'm not sure. In my last "
        "role I handled the complaints line and I think maybe repeat complaints went down by a "
        "third in a year, probably because I called every customer back within a day, which meant "
        "the team spent less time firefighting. I suppose I could try to bring that to your "
        "clients, hopefully.",
    ),
    Pair(
        "jargon for a non-technical listener",
        "explain-your-job",
        "plain_language",
        "jargon",
        ("jargon",),
        "I make sure the online shop stays open and fast. When something breaks at night, I "
        "find the cause and fix it before customers notice. Last year I cut the time the shop "
        "was down by half, which meant about two thousand more orders a month got through. It's "
        "a bit like being the night mechanic for a busy bus company.",
        "I run the backend infrastructure: I deploy microservices to Kubernetes, tune database "
        "queries and manage the CI/CD pipeline and the API endpoints. Last year I cut the "
        "downtime by half, which meant about two thousand more orders a month got through.",
    ),
    Pair(
        "acronyms",
        "explain-project-to-newcomer",
        "plain_language",
        "acronyms",
        ("acronyms",),
        "Our hospital kept patient letters in three different places, so staff wasted time "
        "looking for them. Working with two ward clerks, I learned what they searched for most "
        "and built one simple search page that finds any letter in seconds. It works a bit like "
        "the index at the back of a book. Nurses now save about twenty minutes a shift, which "
        "they spend with patients instead.",
        "Our hospital kept letters in the EPR, the PAS and the old DMS, so staff wasted time "
        "looking for them. Working with two ward clerks, I learned what they searched for most "
        "and built one simple search page over the three that finds any letter in seconds. It "
        "works a bit like the index at the back of a book. Nurses now save about twenty minutes a "
        "shift, which they spend with patients instead.",
    ),
    Pair(
        "no question to refocus",
        "long-time-out-of-work",
        "sensitive",
        "no_refocus",
        ("question",),
        "The market for print designers has been slow, and I have chosen to wait for the right "
        "fit rather than take anything. I have used the time well: I learned web layout and "
        "built sites for two local shops. I am keen to bring that to a team like yours. What "
        "does your team need most from the person you hire?",
        "The market for print designers has been slow, and I have chosen to wait for the right "
        "fit rather than take anything. I have used the time well: I learned web layout and "
        "built sites for two local shops. I am keen to bring that to a team like yours.",
    ),
    Pair(
        "rambling on a sensitive question",
        "what-doing-since",
        "length",
        "too_long",
        ("cut it down", "seconds"),
        "Since my contract ended in March I have finished an evening course in data analysis "
        "and volunteered as treasurer for a youth football club, where I moved the accounts "
        "onto a simple spreadsheet. My search has been focused on roles like this one. Which "
        "parts of the role would you like me to pick up first?",
        "Since my contract ended in March I have done quite a few things, and I will try to go "
        "through them in order. First there was an evening course in data analysis, which ran "
        "for twelve weeks on Tuesday and Thursday evenings at the college near my house, with "
        "a project at the end where we looked at bus timetables and passenger numbers for the "
        "town. I also volunteered as treasurer for a youth football club, which started when a "
        "friend of mine whose son plays there mentioned they needed help, and I went along to a "
        "committee meeting in the clubhouse and said I could do it. The accounts were in a "
        "shoebox of receipts, so I moved them onto a simple spreadsheet, and then I also helped "
        "with the kit orders and the summer tournament, which took up a lot of weekends, and "
        "I also started learning Spanish on my phone in the mornings, and I have been walking "
        "a lot, and reading, and I have also been applying for jobs, of course, mostly in "
        "analysis and finance, some in administration, and a couple in retail management, "
        "because I wanted to keep my options open while I worked out where I fit best. My "
        "search is now focused on roles like this one. Which parts of the role would you like "
        "me to pick up first?",
    ),
    Pair(
        "a single early number",
        "salary-expectations",
        "money",
        "single_number",
        ("range",),
        "From the salary surveys I checked, roles like this pay between 42 and 48 thousand "
        "pounds. I am flexible within that, depending on the whole package, such as training "
        "and leave. What range have you set for the role?",
        "I want £48,000. I looked at similar roles before coming in. What range have you set "
        "for the role?",
    ),
    Pair(
        "no room to move",
        "lowest-acceptable",
        "money",
        "inflexible",
        ("room to move", "flexible"),
        "Based on the research I did on similar roles, I am looking at 40 to 45 thousand. I am "
        "open to talking about the whole package, including training and hours. What range did "
        "you have in mind?",
        "Based on the research I did on similar roles, I am looking at 40 to 45 thousand. "
        "Anything below that is not negotiable for me and I won't accept less. What range did "
        "you have in mind?",
    ),
    Pair(
        "filler words",
        "tell-me-about-yourself",
        "wording",
        "fillers",
        ("filler",),
        "I am an office manager with eight years in small firms. In my last job I ran the move of "
        "a thirty-person office over one weekend, and as a result everyone was working on the "
        "Monday morning without a single lost hour. I am good at making busy places run smoothly, "
        "and I would like to do that for a growing team like yours.",
        "Um, so basically I am, you know, an office manager with eight years in small firms. In "
        "my last job I, um, basically ran the move of a thirty-person office over one weekend, "
        "and as a result honestly everyone was, like, working on the Monday morning without a "
        "single lost hour. I am, you know, good at making busy places run smoothly, and I would "
        "like to do that for a growing team like yours.",
    ),
    Pair(
        "far too short",
        "beh-conflict",
        "length",
        "too_short",
        ("give it more", "example"),
        "Last year I worked on a school admissions team with a colleague who wanted to process "
        "applications by date, while I wanted to go by school. The challenge was that we kept "
        "undoing each other's work and the deadline was close. I asked her for a coffee, I "
        "listened to why date order mattered to her, and I suggested we sort by school within "
        "each week. As a result we cleared the backlog four days early, which meant families "
        "heard back before the holidays, and she and I still swap tips today.",
        "I disagreed with a colleague once and we talked it through and it was fine.",
    ),
]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "content")


def test_there_are_enough_pairs() -> None:
    assert len(PAIRS) >= 15
    assert len({p.flaw for p in PAIRS}) >= 15


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_strong_beats_weak(pair: Pair, library: Library) -> None:
    question = library.question(pair.question)
    assert question is not None
    reviewer = RuleReviewer()
    strong = reviewer.review_now(question, pair.strong)
    weak = reviewer.review_now(question, pair.weak)
    assert strong.overall > weak.overall, (strong.overall, weak.overall)
    assert strong.scores[pair.dimension] > weak.scores[pair.dimension]
    assert pair.flaw in weak.flags
    assert pair.flaw not in strong.flags
    assert weak.main_fix is not None
    assert weak.main_fix.flag == pair.flaw, weak.main_fix
    assert any(w.lower() in weak.main_fix.text.lower() for w in pair.words), weak.main_fix.text
