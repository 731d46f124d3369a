"""The real collection: what the content promises, checked on the loaded model."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import subprocess
import sys

import pytest

from kb.load import load
from kb.model import SLUG
from kb.validate import check

from support.site import ROOT


@pytest.fixture(scope="module")
def loaded():
    return load(ROOT)


@pytest.fixture(scope="module")
def collection(loaded):
    return loaded.collection


def test_the_real_collection_has_no_problems(loaded):
    assert check(loaded) == []


def test_the_collection_holds_seven_signed_answers_and_the_other_views(collection):
    signed = [a for a in collection.answers if a.author.kind != "unsigned"]
    unsigned = [a for a in collection.answers if a.author.kind == "unsigned"]
    assert len(signed) == 7
    assert len(unsigned) == 4
    assert [a.order for a in collection.answers] == list(range(1, 12))
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


def test_every_stance_takes_a_position_on_a_subquestion(collection):
    subquestions = {s.id for q in collection.questions for s in q.subquestions}
    for stance in collection.stances:
        assert stance.positions and set(stance.positions) <= subquestions


def test_the_question_has_five_subquestions_in_both_languages(collection):
    (question,) = collection.questions
    assert question.id == "41168257"
    assert len(question.subquestions) == 5
    assert all(s.zh and s.en for s in question.subquestions)


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


def test_an_entrys_hash_is_kept_on_it_but_never_carried_to_another_process(collection):
    """kb.model.hashed_once: the hash is computed once per object; a pickled entry (kb.memo carries them)
    hashes again in a process whose strings hash otherwise, and is found by an equal entry made there."""
    answer = collection.answers[0]
    assert hash(answer) == hash(dataclasses.replace(answer)) and "_hash" in answer.__dict__
    assert hash(dataclasses.replace(answer, order=answer.order + 1)) != hash(answer)
    assert "_hash" not in pickle.loads(pickle.dumps(answer)).__dict__
    script = ("import dataclasses, pickle, sys; answer = pickle.loads(sys.stdin.buffer.read()); "
              "same = dataclasses.replace(answer); assert {answer: 1}[same] == 1 and hash(answer) == hash(same)")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script], input=pickle.dumps(answer), check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
