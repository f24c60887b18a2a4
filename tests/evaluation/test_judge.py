"""The evaluation's judge: it passes the right answer and fails the wrong one."""
import pytest

from bot.evaluation import cases
from bot.evaluation.judge import Judge

REPHRASE = "Förlåt, jag förstod inte riktigt. Kan du formulera frågan på ett annat sätt?"


@pytest.fixture
def judge(repo):
    references = {"/nonsense": REPHRASE, "/greet": "Hej! Jag svarar på frågor. Vad vill du veta?"}
    return Judge(repo, lambda payload: [{"text": references.get(payload, "")}])


def said(*texts: str, buttons=()) -> list[dict]:
    return [{"text": t} for t in texts] + ([{"text": "Menade du?", "buttons": list(buttons)}] if buttons else [])


def test_a_topic_answer_passes_and_another_topic_fails(judge, repo):
    policy = repo.topic("policy").body
    assert judge.verdict(said(policy), ({"topic": "policy"},)).passed
    verdict = judge.verdict(said(repo.topic("why").body), ({"topic": "policy"},))
    assert not verdict.passed and "topic answer missing" in verdict.reasons[0]


def test_one_focus_area_is_not_passed_by_the_whole_list(judge, repo):
    titles = [area.title for area in repo.focus_areas()]
    assert judge.verdict(said("\n".join(titles)), ({"focus_areas": "all"},)).passed
    assert not judge.verdict(said("\n".join(titles)), ({"focus_area": 4},)).passed
    assert judge.verdict(said(f"”{titles[3]}” är fokusområde 4 av 6."), ({"focus_area": 4},)).passed


def test_a_partner_listing_must_hold_exactly_the_expected_partners(judge):
    assert judge.verdict(said("• Chobe District Council (Botswana)"), ({"partners": ["Chobe District Council"]},)).passed
    assert not judge.verdict(said("• Chobe District Council\n• Herning"), ({"partners": ["Chobe District Council"]},)).passed
    assert judge.verdict(said("Jag har ingen information om samarbetsparter i Asien."), ({"partners": []},)).passed


def test_an_unknown_place_needs_the_place_the_honesty_and_the_known_partners(judge):
    good = "Jag har ingen information om något samarbete med Hamburg. Herning, Ravenna, Chobe District Council"
    assert judge.verdict(said(good), ({"unknown_place": "Hamburg"},)).passed
    assert not judge.verdict(said("Vilken samarbetspart menar du?"), ({"unknown_place": "Hamburg"},)).passed
    assert not judge.verdict(said(good.replace("Hamburg", "Kiel")), ({"unknown_place": "Hamburg"},)).passed


def test_out_of_scope_must_be_declined_without_facts(judge, repo):
    decline = repo.topic("out_of_scope").body
    assert judge.verdict(said(decline), ({"out_of_scope": True},)).passed
    assert judge.verdict(said(REPHRASE), ({"out_of_scope": True},)).passed
    assert not judge.verdict(said(decline + " Herning"), ({"out_of_scope": True},)).passed
    assert not judge.verdict(said(repo.topic("policy").body), ({"out_of_scope": True},)).passed


def test_personal_data_must_not_be_repeated_and_a_reminder_is_needed(judge, repo):
    answer = repo.topic("policy").body
    expect = ({"topic": "policy"},)
    reminder = "Tänk på att inte skriva personuppgifter i chatten."
    assert judge.verdict(said(answer, reminder), expect, ("anna@example.se",), True).passed
    assert not judge.verdict(said(answer), expect, ("anna@example.se",), True).passed
    assert not judge.verdict(said(answer + " anna@example.se", reminder), expect, ("anna@example.se",), True).passed


def test_a_second_question_may_be_offered_as_a_button(judge, repo):
    expect = ({"topic": "policy"}, {"topic": "why"})
    answer = repo.topic("policy").body
    assert judge.verdict(said(answer, buttons=[{"title": "Varför", "payload": "/ask_why"}]), expect).passed
    assert not judge.verdict(said(answer), expect).passed


def test_smalltalk_is_judged_against_the_bots_own_reply(judge):
    assert judge.verdict(said("Hej! Jag svarar på frågor. Vad vill du veta?"), ({"smalltalk": "greet"},)).passed
    assert not judge.verdict(said("Hej då!"), ({"smalltalk": "greet"},)).passed


def test_the_frozen_set_is_large_enough_and_uses_only_known_expectations(judge):
    single = [t for t in cases.load("sv") if not t.multi_turn]
    multi = [t for t in cases.load("sv") if t.multi_turn]
    assert len(single) >= 300 and len(multi) >= 60
    known = set(judge._checks)
    for talk in cases.load("sv") + cases.load("en"):
        for turn in talk.turns:
            assert {name for e in turn.expect for name in e} <= known, talk.id
