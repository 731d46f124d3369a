"""The real collection: what the content promises, checked on the loaded model."""

from __future__ import annotations

import re

import pytest
import yaml

from kb.content.load import load
from kb.content.model import SLUG
from kb.content.validate import check

from support.site import ROOT
from support.source import read_source, squash


@pytest.fixture(scope="module")
def loaded():
    return load(ROOT)


@pytest.fixture(scope="module")
def collection(loaded):
    return loaded.collection


def test_the_real_collection_has_no_problems(loaded):
    assert check(loaded) == []


def _kinds_as_written() -> dict[str, str]:
    """Each entry file of answers/ and its author's kind, read straight from its front-matter."""
    kinds = {}
    for path in sorted((ROOT / "answers").glob("*/*.md")):
        if not path.name.endswith(".en.md"):
            front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
            kinds[front["id"]] = front["author"].get("kind", "named")
    return kinds


def test_the_collection_holds_every_signed_answer_of_the_source_and_the_other_views(collection):
    kinds = _kinds_as_written()
    signed = [a for a in collection.answers if a.author.kind != "unsigned"]
    unsigned = [a for a in collection.answers if a.author.kind == "unsigned"]
    assert len(signed) == len(read_source().answers) == sum(k != "unsigned" for k in kinds.values())
    assert len(unsigned) == sum(k == "unsigned" for k in kinds.values()) >= 1
    assert sorted(a.id for a in collection.answers) == sorted(kinds)  # every file loaded, none invented
    assert [a.order for a in collection.answers] == list(range(1, len(kinds) + 1))
    assert all(a.title.zh == "其他观点" for a in unsigned)


def test_every_id_is_a_lowercase_ascii_slug(collection):
    ids = [a.id for a in collection.answers] + [a.author.id for a in collection.answers]
    ids += [t.id for t in collection.themes] + [s.id for s in collection.stances] + [t.id for t in collection.terms]
    assert all(re.fullmatch(SLUG, i) for i in ids), [i for i in ids if not re.fullmatch(SLUG, i)]


def test_authors_are_credited_exactly_as_signed(collection):
    by_id = {a.id: a.author for a in collection.answers}
    naiyan = by_id["naiyan-wang"]
    assert (naiyan.name, naiyan.credential) == ("Naiyan Wang", "CS PhD, 机器学习与计算机视觉")
    assert (by_id["wuhou"].name, by_id["wuhou"].credential) == ("武侯", "ZJU/UMD/Google/CS PhD@Deep Learning")
    assert (by_id["markovs-demon"].name, by_id["markovs-demon"].name_en) == ("马尔可夫妖", "Markov's Demon")
    assert (by_id["zhang-xiang"].name_en, by_id["shen-shangkun"].name_en) == ("Zhang Xiang", "Shen Shangkun")
    assert by_id["anonymous"].kind == "anonymous" and by_id["anonymous"].name == "匿名用户"


def test_unsigned_entries_get_no_invented_name(collection):
    for answer in collection.answers:
        if answer.author.kind == "unsigned":
            assert answer.author.name is None and answer.author.name_en is None


def test_vocabularies_have_the_promised_sizes_and_use(collection):
    assert 6 <= len(collection.themes) <= 12
    assert 4 <= len(collection.stances) <= 8
    assert len(collection.terms) >= 10
    for answer in collection.answers:
        assert 2 <= len(answer.themes) <= 5
    for theme in collection.themes:
        assert sum(theme.id in a.themes for a in collection.answers) >= 2, theme.id


def test_every_position_is_an_entrys_own_and_quotes_its_evidence_verbatim(collection):
    subquestions = {q.id: [s.id for s in q.subquestions] for q in collection.questions}
    positions = [(a, p) for a in collection.answers for p in a.positions]
    for answer, position in positions:
        assert position.subquestion in subquestions[answer.question], (answer.id, position.subquestion)
        paragraph = "".join(answer.paragraphs[position.paragraph - 1].split())
        assert "".join(position.quote.split()) in paragraph, (answer.id, position.subquestion)
    for answer in collection.answers:
        taken = [p.subquestion for p in answer.positions]
        assert len(taken) == len(set(taken)), answer.id
    # The map has something to show for every sub-question, and most entries take positions.
    assert {p.subquestion for _, p in positions} == {s for q in subquestions.values() for s in q}
    assert sum(bool(a.positions) for a in collection.answers) > len(collection.answers) / 2


def test_stances_group_entries_and_take_no_positions_themselves(collection):
    assert all(not hasattr(stance, "positions") for stance in collection.stances)
    for stance in collection.stances:
        assert any(a.stance == stance.id for a in collection.answers), stance.id


def test_the_question_has_the_sources_subquestions_in_both_languages(collection):
    (question,) = collection.questions
    assert question.id == "41168257"
    assert [squash(s.zh) for s in question.subquestions] == [squash(q) for q in read_source().subquestions]
    assert len(question.subquestions) >= 2 and all(s.zh and s.en for s in question.subquestions)


def test_every_entry_is_translated_paragraph_for_paragraph(collection):
    for answer in collection.answers:
        assert answer.translation is not None, answer.id
        assert len(answer.translation.paragraphs) == len(answer.paragraphs), answer.id


def test_translators_notes_explain_the_wordplay_the_issue_names(collection):
    notes = {a.id: " ".join(n.text for n in a.translation.notes) for a in collection.answers}
    assert "基本法" in notes["naiyan-wang"]
    assert "做啥啥" in notes["naiyan-wang"]
    assert "(tiao)" in notes["shen-shangkun"]


def test_english_translations_keep_the_authors_english_as_written(collection):
    english = {a.id: "\n".join(a.translation.paragraphs) for a in collection.answers}
    assert "He is the only man can make things work in computer vision." in english["naiyan-wang"]
    assert "Science is an act of love, not war." in english["anonymous"]
    assert "XD" in english["naiyan-wang"]
