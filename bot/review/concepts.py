"""Concepts: named families of words that say an answer is about something.

A practice question declares in `content/questions.yaml` what an answer must address, as
points made of these concepts (greatest weakness: `weakness`, `self_improvement`,
`progress`). The relevance check looks for each concept's cues in the answer, sentence by
sentence, after stemming both sides, so "struggled", "struggles" and "a struggle" all count.

Cues are everyday words and short phrases, never sentences from an example answer: each
family should recognise answers nobody has written yet. Keep a cue out of a family when it
is just as common in talk about anything else ("work", "good", "time").

Some families describe what an answer is about *instead* (`leisure`, `home_life`): they are
never declared by a question, and name what an off-topic answer sounds like.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.stems import stems
from bot.text import fold


@dataclass(frozen=True)
class Concept:
    id: str
    about: str
    """How to name an answer that is mostly about this ("a story about teamwork")."""
    cues: tuple[str, ...]
    questions_count: bool = False
    """A sentence that asks a question counts too (for "Do you have any questions for us?")."""
    amounts_count: bool = False
    """A sum of money counts too (for pay questions)."""

    @cached_property
    def single(self) -> frozenset[str]:
        return frozenset(s[0] for s in (stems(fold(c)) for c in self.cues) if len(s) == 1)

    @cached_property
    def phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(s for s in (stems(fold(c)) for c in self.cues) if len(s) > 1)

    def found_in(self, sentence_stems: tuple[str, ...]) -> bool:
        if self.single.intersection(sentence_stems):
            return True
        n = len(sentence_stems)
        for phrase in self.phrases:
            k = len(phrase)
            first = phrase[0]
            for i in range(n - k + 1):
                if sentence_stems[i] == first and sentence_stems[i : i + k] == phrase:
                    return True
        return False


def _c(id_: str, about: str, cues: str, **kw: bool) -> Concept:
    """Cues are written one per comma, so phrases read naturally."""
    return Concept(id_, about, tuple(c.strip() for c in cues.split(",") if c.strip()), **kw)


_ALL = (
    # --- the self: weak spots, strengths, growth -------------------------------------------
    _c(
        "weakness",
        "a weakness",
        "weakness, weak spot, weaker, struggle, tend to, tendency, find it hard, found it hard, "
        "find it difficult, found it difficult, not naturally, come naturally, comes naturally, "
        "impatient, impatience, perfectionist, perfectionism, overcommit, nervous, shy, blunt, "
        "procrastinate, delegate, delegating, say no, saying no, not my strongest, work on, "
        "working on, area to improve, areas to improve, room to improve, used to, too quickly, "
        "too much detail, get lost in, lose track, disorganised, disorganized, hesitate, quiet, "
        "confidence, overthink, take on too much, took on too much, my downside, flaw, improve on",
    ),
    _c(
        "self_improvement",
        "working on yourself",
        "practise, practice, practised, course, training, trained, learn, learned, learning, "
        "work on, working on, started, joined, now i, checklist, mentor, coach, feedback, habit, "
        "routine, block out, set aside, planner, reminder, ask for help, asked for help, "
        "volunteer, book, reading, tutor, workshop, toastmasters, each morning, every week, "
        "each week",
    ),
    _c(
        "progress",
        "progress you have made",
        "improve, improved, better, progress, fewer, less often, no longer, now, since, these "
        "days, confident, comfortable, easier, noticed, review, met every, every deadline, "
        "percent, half, down from, up from, went from, result, today",
    ),
    _c(
        "strength",
        "a strength",
        "strength, strong, good at, best at, skill, ability, known for, calm, organised, "
        "organized, organise, patient, detail, communicate, communication, solve, solving, "
        "listen, listening, plan, planning, reliable, clear, turn, bring, talent, gift, excel, "
        "natural at",
    ),
    _c(
        "evidence",
        "proof from your work",
        "for example, for instance, when i, at my last, in my last, in my current, as a result, "
        "saved, cut, reduced, increased, led, built, ran, went from, percent, doubled, halved, "
        "award, praised, trained, delivered, fixed, launched, grew, won, set up, rebuilt, "
        "merged, caught, spotted, rebuild, used what, applied what, last month, last year",
    ),
    _c(
        "experience",
        "your skills and experience",
        "experience, experienced, skill, skills, background, track record, qualified, "
        "qualification, trained, years in, years of, in my last, in my current, my last job, "
        "my last role, my current job, my current role, i worked, worked as, worked at, led, ran, "
        "built, managed, i bring, bring, know how, degree, certificate, strength, good at, i have "
        "done, i ve done",
    ),
    _c(
        "growth",
        "where you want to grow",
        "grow, growth, develop, development, lead, senior, expert, specialise, specialize, "
        "responsibility, career, goal, plan, progress, learn, train, training, certificate, "
        "qualification, mentor, manage, step up, next step, in five years, the person the team, "
        "build, become, aim",
    ),
    _c(
        "drivers",
        "what drives you",
        "motivate, motivated, motivation, solve, solving, help, helping, problem, fix, fixing, "
        "customer, client, impact, improve, build, building, finish, progress, challenge, result, "
        "difference, create, teach, satisfy, satisfaction, enjoy, proud, purpose, frustrate, "
        "see it through, learn, learning, curious, drive, driven, keeps me going, gets me going, "
        "get me going, rewarding, satisfying, buzz, energises, energizes, makes my day",
    ),
    # Cues match on stems, so a bare "helpful", "friendly", "organised" or "busy" would also
    # fire on "my brother helped", "a friend", "I organised the rota", "it was busy": those
    # are written here as phrases about a place or a team.
    _c(
        "environment",
        "how you like to work",
        "environment, team, feedback, clear, goal, quiet, autonomy, independent, independently, "
        "collaborate, collaborative, support, supportive, structure, pace, manager, trust, open, "
        "flexible, remote, office, communicate, colleague, culture, focus, routine, fast, "
        "priorities, freedom, together, ownership, somewhere where, somewhere with, somewhere i, "
        "a place where, a team where, calm place, calm team, calm office, friendly team, "
        "friendly place, friendly people, helpful team, helpful people, help each other, "
        "respect each other, mutual respect, busy place, busy team, busy shop, busy office, "
        "variety, varied work, varied days, varied tasks, well organised, well organized",
    ),
    _c(
        "role_wish",
        "what you want from a role",
        "role, job, responsibility, scope, challenge, team, learn, grow, growth, develop, skill, "
        "customer, project, progress, use my, make a difference, training, mentor, ownership, "
        "lead, plan, variety, stability, long term",
    ),
    _c(
        "upkeep",
        "how you keep learning",
        "course, certificate, certification, volunteer, volunteering, freelance, project, study, "
        "studied, learn, learning, practise, practice, keep, kept, up to date, current, training, "
        "trained, qualification, workshop, conference, read, reading, podcast, newsletter, "
        "meetup, online, tutorial, side project, mentor, community, webinar, forum, journal",
    ),
    _c(
        "career",
        "your career",
        "year, years, role, job, career, experience, started, start, moved, background, "
        "currently, current, skill, qualified, studied, degree, trained, led, managed, "
        "specialise, first job, since then, worked, position, promoted, company, firm, now",
    ),
    _c(
        "reputation",
        "how others see you",
        "colleague, describe, call me, would say, say i, said i, feedback, known as, known for, "
        "reputation, team, manager, review, go to, the person, nickname, thank, appraisal, "
        "reference, trust, rely on",
    ),
    _c(
        "value",
        "what you would bring",
        "bring, help, team, add, contribute, deliver, value, improve, save, support, need, "
        "you mentioned, fix, faster, fewer, your, offer, make sure",
    ),
    _c(
        "difference",
        "what makes you different",
        "combine, combination, mix, different, difference, unusual, unique, both, perspective, "
        "rare, as well as, stand out, unlike, also, blend, background",
    ),
    _c(
        "transfer",
        "skills that carry over",
        "skill, carry over, transfer, transferable, experience, build, learn, gap, need to, "
        "develop, bring, apply, same, similar, new to, catch up, pick up",
    ),
    _c(
        "success",
        "how you judge success",
        "success, successful, measure, goal, target, result, number, feedback, customer, on time, "
        "improve, deliver, metric, percent, happy, track, outcome, count, deadline",
    ),
    _c(
        "first_steps",
        "your first months",
        "first, month, months, week, weeks, day, listen, learn, meet, understand, plan, quick win, "
        "priority, prioritise, goal, review, shadow, relationship, by the end, ninety",
    ),
    # --- leaving, gaps, setbacks -----------------------------------------------------------
    _c(
        "departure",
        "why you left",
        "leave, left, leaving, let go, redundant, redundancy, cut, restructure, restructured, "
        "reorganisation, reorganization, merge, merged, merger, closed, closure, contract, ended, "
        "laid off, dismissed, fired, role, post, position, job, company, firm, office, moving, "
        "relocate, funding, chose, decided, did not work out, fit, scope, responsibility, "
        "opportunity, outgrew, move on, removed, manager, boss, team",
    ),
    _c(
        "lesson",
        "what you learned",
        "learn, learned, lesson, taught, realise, realize, since, change, changed, grew, develop, "
        "improve, take away, course, certificate, qualification, stronger, now, better, "
        "finished, completed",
    ),
    _c(
        "forward",
        "what you are ready for now",
        "ready, keen, excited, look forward, looking forward, this role, your team, here, bring, "
        "next, join, position, opportunity, fit, role, team, commit, committed, start, eager",
    ),
    _c(
        "gap_reason",
        "the reason for the gap",
        "care, caring, carer, family, parent, child, baby, study, studied, health, travel, "
        "relocate, relocated, break, time out, time off, sabbatical, personal reason, redundant, "
        "redundancy, market, right fit, search, rest, recover, moved, raise",
    ),
    _c(
        "kept_busy",
        "what you did in the meantime",
        "course, certificate, volunteer, volunteered, volunteering, freelance, project, study, "
        "studied, learn, learned, practise, kept, skill, up to date, current, training, "
        "qualification, workshop, read, help, helped, built, ran, part time, contract, temp, "
        "temping, accounts, books, finished, completed, applied, applying",
    ),
    _c(
        "job_market",
        "the job market",
        "market, slow, competitive, competition, roles, selective, right fit, application, "
        "applications, interview, interviews, search, sector, field, hiring, vacancy, shortlist",
    ),
    _c(
        "commitment",
        "why you would stay",
        "stay, staying, commit, committed, commitment, long term, settle, settled, plan, reason, "
        "contract, temporary, fixed term, chose, choose, stable, stability, grow, build, develop, "
        "learn, fit, years",
    ),
    _c(
        "manager",
        "your last manager",
        "manager, boss, supervisor, she, he, organised, organized, clear, support, supported, "
        "taught, learn, learned, style, differ, differed, feedback, priority, trust, fair, listen",
    ),
    # --- stories -------------------------------------------------------------------------
    _c(
        "workplace",
        "a story from work",
        "work, job, role, team, colleague, manager, supervisor, boss, client, customer, project, "
        "office, shift, company, firm, employer, department, deadline, patient, student, pupil, "
        "shop, store, warehouse, school, charity, volunteer, staff, business, contract, report, "
        "meeting, supplier, task, rota, launch, campaign, account, budget, order, orders, "
        "invoice, site, clinic, hospital, restaurant kitchen, tenant, parent, placement, course, "
        "system, process, sales",
    ),
    _c(
        "outcome",
        "how it turned out",
        "as a result, result, in the end, outcome, reduced, increased, cut, saved, improved, on "
        "time, finished, completed, delivered, solved, fixed, went from, percent, meant, "
        "which meant, since then, afterwards, by the end, won, kept, renewed, fewer, faster, "
        "halved, doubled, succeeded, launched, agreed, learned, lesson, now",
    ),
    _c(
        "teamwork",
        "a story about teamwork",
        "team, together, colleague, everyone, pull together, pulled together, help each other, "
        "shared, share, rota, pair, paired, huddle, collaborate, group, all of us",
    ),
    _c(
        "conflict",
        "a disagreement",
        "disagree, disagreed, disagreement, conflict, argue, argument, tension, clash, dispute, "
        "push back, pushed back, objected, different view, did not agree, didn t agree, while i "
        "wanted, she wanted, he wanted, they wanted, differed, compromise, common ground",
    ),
    _c(
        "leadership",
        "leading people",
        "lead, led, team, manage, managed, in charge, responsible, delegate, rota, motivate, "
        "morale, check in, huddle, organised, coordinated, supervised, guided",
    ),
    _c(
        "setback",
        "something that went wrong",
        "fail, failed, failure, mistake, wrong, went wrong, not to plan, did not go, missed, "
        "late, delay, delayed, problem, error, slipped, lost, behind, overran, complaint",
    ),
    _c(
        "customer",
        "a customer story",
        "customer, client, guest, patient, caller, complaint, complain, unhappy, angry, upset, "
        "refund, service",
    ),
    _c(
        "persuasion",
        "persuading people",
        "persuade, persuaded, convince, convinced, influence, win over, buy in, agree, agreed, "
        "proposal, proposed, case, trial, pilot, data, show, showed, change course",
    ),
    _c(
        "change",
        "adapting to change",
        "change, changed, sudden, suddenly, adjust, adapted, adapt, new plan, switch, switched, "
        "cancelled, moved, overnight, unexpected, instead",
    ),
    _c(
        "priorities",
        "choosing what comes first",
        "priority, prioritise, prioritize, urgent, first, deadline, list, order, important, "
        "matrix, delegate, said no, push back, rank, ranked, impact",
    ),
    _c(
        "pressure",
        "working under pressure",
        "pressure, deadline, tight, urgent, overnight, rush, stress, stressful, short notice, "
        "busy, peak, crunch, hours, calm",
    ),
    _c(
        "fast_learning",
        "learning something quickly",
        "learn, learned, new, quickly, fast, course, tutorial, practise, practice, taught, "
        "shadow, manual, video, days, week, picked up, pick up",
    ),
    _c(
        "achievement",
        "an achievement",
        "proud, achievement, achieve, achieved, award, won, result, success, finished, "
        "completed, record, milestone, delivered, built, launched",
    ),
    _c(
        "criticism",
        "feedback you did not expect",
        "feedback, criticism, criticised, criticized, told me, review, appraisal, comment, "
        "pointed out, surprised, unexpected, listen, listened, changed, improve, thanked",
    ),
    _c(
        "improvement",
        "improving how something was done",
        "improve, improved, process, system, faster, simpler, checklist, template, automate, "
        "streamline, changed, set up, new way, fewer, less time, saved, cut, spreadsheet",
    ),
    _c(
        "bad_news",
        "giving unwelcome news",
        "news, told, tell, explain, explained, honest, bad news, disappointed, delay, cancel, "
        "cancelled, refused, could not, conversation, call, meeting, options",
    ),
    # --- the company and the role ----------------------------------------------------------
    _c(
        "company",
        "something specific about the company",
        "product, service, customer, client, mission, values, launch, launched, expansion, "
        "expand, grow, growing, project, approach, reputation, known for, read, saw, heard, news, "
        "announced, annual report, website, award, strategy, programme, initiative, community, "
        "advert, job description, sustainability, shop, store, repair, charity, your team, your "
        "work, your company, you have, you ve, you are, your new, your plan, sector, market, "
        "culture, founder, report, podcast, interview with, recently, mentioned",
    ),
    _c(
        "role",
        "what the role involves",
        "role, job, position, responsibility, task, duty, team, combine, mix, advert, own, owns, "
        "planning, schedule, customer, coordinator, day to day, part of the job, the work, "
        "variety, training, use my, suits",
    ),
    _c(
        "industry",
        "how the industry is changing",
        "industry, sector, change, changing, trend, future, regulation, technology, automation, "
        "ai, customer, market, demand, shift, digital, sustainability, sustainable, competition, "
        "rise, rising, cost, online, data, new, growth, decline",
    ),
    _c(
        "interest",
        "how keen you are",
        "interest, interested, keen, excited, enthusiastic, want, look forward, very, more than "
        "ever, convinced, motivated, fit, join, appeal, appealing, attracted, love to, extremely, "
        "hugely, really",
    ),
    # --- pay -------------------------------------------------------------------------------
    _c(
        "pay_figure",
        "pay",
        "range, salary, salaries, pay, band, thousand, market rate, going rate, similar roles, "
        "research, researched, survey, salary guide, earn, earning, earned, package, paid, wage, "
        "compensation, in line with, figure, ballpark, bracket",
        amounts_count=True,
    ),
    _c(
        "flexibility",
        "flexibility",
        "flexible, flexibility, open to, whole package, the package, negotiable, negotiate, "
        "discuss, depending on, depends on, benefits package, pension, holiday, annual leave, "
        "training budget, working hours, flexible hours, work something out, room to move, "
        "compromise, work life balance, happy to talk",
    ),
    _c(
        "worth",
        "why you are worth it",
        "experience, result, skill, bring, saved, grew, deliver, delivered, track record, "
        "evidence, value, cut, achieve, achieved, research, market, similar roles, responsibility",
    ),
    _c(
        "package",
        "what matters in a package",
        "leave, holiday, training, flexible, flexibility, pension, hours, remote, development, "
        "progression, bonus, health, benefit, learning, career, from home, insurance, car, "
        "childcare, mentoring, budget, wellbeing",
    ),
    _c(
        "decision",
        "how you would decide",
        "thank, excited, consider, review, offer, writing, written, confirm, decision, day, "
        "discuss, detail, contract, look over, yes, delighted, package, sleep on it, think it "
        "over, accept, details, terms, start date",
    ),
    _c(
        "other_options",
        "other processes",
        "other, offer, conversation, process, interview, interviews, timeline, decision, "
        "application, option, employer, stage, final, elsewhere, talking",
    ),
    # --- explaining to non-specialists -------------------------------------------------------
    _c(
        "plain_job",
        "what you do, in plain words",
        "help, make sure, fix, find, people, customer, keep, check, order, build, look after, "
        "run, plan, support, organise, organize, every day, each day, each morning, my job, "
        "i make, i help, so that, sort out",
    ),
    _c(
        "benefit",
        "who it helped",
        "result, business, customer, client, save, saved, time, money, cost, sale, sales, "
        "complaint, fewer, faster, less, percent, meant, help, helped, patient, user, staff, "
        "people, revenue, profit, risk",
    ),
    _c(
        "comparison",
        "an everyday comparison",
        "like a, like the, imagine, think of, similar to, a bit like, in other words, picture, "
        "same as, as if, compare, for example, recipe, map",
    ),
    _c(
        "collaboration",
        "working with others",
        "colleague, listen, ask, asked, explain, plain, meet, show, demo, check, together, "
        "understand, question, team, jargon, simple, drawing, example",
    ),
    _c(
        "explaining",
        "explaining a problem",
        "delay, problem, late, explain, explained, manager, client, told, call, update, plan, "
        "option, options, new date, honest, early, risk, impact",
    ),
    _c(
        "tools",
        "what your tools do",
        "tool, software, system, use, mean, help, faster, data, report, learn, same, similar, "
        "spreadsheet, excel, automate, program",
    ),
    _c(
        "teaching",
        "teaching someone",
        "teach, show, explain, step, practise, practice, example, shadow, check, guide, "
        "question, start with, simple, first, hands on, let them, try",
    ),
    _c(
        "misunderstanding",
        "what people get wrong",
        "people think, misunderstand, misunderstanding, assume, assumption, think that, in fact, "
        "myth, expect, most people, often, actually, really",
    ),
    _c(
        "concept",
        "a technical idea",
        "idea, means, mean, works, like a, imagine, think of, example, so that, which means, "
        "in other words, every day, use",
    ),
    # --- closing ---------------------------------------------------------------------------
    _c(
        "asking",
        "questions for them",
        "wonder, curious, like to know, could you tell me, ask",
        questions_count=True,
    ),
    _c(
        "availability",
        "when you could start",
        "notice, week, weeks, month, start, available, date, immediately, period, contract, "
        "handover, hand over, monday, straight away, ready",
    ),
    _c(
        "interview_review",
        "how the interview went",
        "went, enjoy, enjoyed, conversation, learn, learned, thank, discuss, discussed, "
        "question, interview, today, hope, feel",
    ),
    _c(
        "next_steps",
        "what you would do next",
        "feedback, keep in touch, stay in touch, apply, learn, continue, search, other roles, "
        "future, grateful, thank, disappointed, improve, keep going, try again",
    ),
    _c(
        "referees",
        "who could give a reference",
        "manager, former, supervisor, colleague, client, referee, reference, contact, speak, "
        "permission, ask, lead, tutor, boss",
    ),
    _c(
        "obstacles",
        "anything in the way",
        "notice, start, salary, package, relocate, nothing, condition, offer, detail, discuss, "
        "commute, hours, date, ready, happy, obstacle, stop",
    ),
    _c(
        "extra",
        "one more thing about you",
        "add, mention, also, one more, skill, experience, want you to know, emphasise, enjoy, "
        "interest, example, just to, sum, confirm, one thing",
    ),
    # --- what an answer is about instead (never declared) --------------------------------------
    _c(
        "leisure",
        "your hobbies and free time",
        "hobby, hobbies, free time, spare time, weekend, weekends, football, pizza, pasta, curry, "
        "food, foodie, cook, cooking, bake, baking, recipe, restaurant, holiday, beach, travel, "
        "trip, film, films, movie, series, episode, netflix, music, concert, gig, gaming, "
        "garden, gardening, allotment, dog, cat, pet, sport, gym, swim, swimming, fishing, "
        "knitting, painting, novel, novels, season ticket, vegetable, tomato, sourdough, bread, "
        "cinnamon, coffee, suntan, photos, sardines, seagull, match, matches, favourite",
    ),
    _c(
        "home_life",
        "your home life",
        "my partner, my wife, my husband, my kids, my children, my son, my daughter, my parents, "
        "my mum, my dad, my cousin, my family, my neighbour, my flat, my house, at home",
    ),
)

CONCEPTS: dict[str, Concept] = {c.id: c for c in _ALL}
OFF_TOPIC_ONLY = frozenset({"leisure", "home_life"})
"""Families no question declares: they only name what an answer is about instead."""
