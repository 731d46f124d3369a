"""What the generator carries from one pass to the next (kb.memo, for `kb serve`) gives the pages a
fresh process would, after every kind of edit, and an edit to one entry recomputes little."""

from __future__ import annotations

import dataclasses
from collections import Counter

import jieba
import jinja2
import pytest

from kb import derive as derive_module
from kb import memo, related
from kb.derive import Indexes, derive
from kb.load import load
from kb.memo import Carry
from kb.model import LANGS, Author, Collection, Text
from kb.related import related_answers
from kb.render import render_site
from kb.search_text import answer_pages
from kb.terms import TermMatcher

from support.site import ROOT


def test_a_carry_reuses_equal_keys_of_the_previous_pass_only():
    carry: Carry[str, int] = Carry("test.reuse")
    calls: list[str] = []

    def compute(key: str) -> int:
        calls.append(key)
        return len(calls)

    carry.start("ctx")
    assert carry.get("a", lambda: compute("a")) == 1
    assert carry.get("a", lambda: compute("a")) == 1  # asked twice in a pass: computed once
    carry.get("b", lambda: compute("b"))
    carry.start("ctx")
    assert carry.get("a", lambda: compute("a")) == 1  # reused
    carry.start("ctx")  # "b" was not asked for in the last pass, so it is gone
    carry.get("b", lambda: compute("b"))
    carry.start("other")  # another context: nothing is reused
    carry.get("a", lambda: compute("a"))
    assert calls == ["a", "b", "b", "a"]
    memo.forget()
    carry.start("other")
    carry.get("a", lambda: compute("a"))
    assert calls[-1] == "a" and len(calls) == 5
    del memo._ALL["test.reuse"]


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    from kb.synthetic import make_collection

    # More entries than related.CANDIDATE_CAP, so neighbours are found through the strongest keywords.
    project = make_collection(ROOT, tmp_path_factory.mktemp("carry") / "project", related.CANDIDATE_CAP + 40)
    return load(project).collection


def _with_answer(collection: Collection, index: int, **changes) -> Collection:
    answers = list(collection.answers)
    answers[index] = dataclasses.replace(answers[index], **changes)
    return dataclasses.replace(collection, answers=tuple(answers))


def _new_text(collection: Collection, index: int) -> Collection:
    """Entry ``index`` says what another entry says (its keywords change, so its neighbours do)."""
    mine, other = collection.answers[index], collection.answers[-1 - index]
    n = len(mine.paragraphs)
    return _with_answer(collection, index, paragraphs=(other.paragraphs * n)[:n])


def _plain_text(collection: Collection) -> Collection:
    """The entry that is most often a neighbour now says nothing in particular: it must leave the
    neighbours of entries that found it through its old keywords."""
    memo.forget()
    cited = Counter(r.answer_id for found in derive(collection).related.values() for r in found)
    index = next(i for i, a in enumerate(collection.answers) if a.id == cited.most_common(1)[0][0])
    n = len(collection.answers[index].paragraphs)
    return _with_answer(collection, index, paragraphs=("今天天气不错。",) * n)


EDITS = {
    "text": lambda c: _new_text(c, 3),
    "plain text": _plain_text,
    "title": lambda c: _with_answer(c, 5, title=Text(zh="改过的标题", en="A changed title")),
    "themes": lambda c: _with_answer(c, 7, themes=(*reversed(c.answers[7].themes[:2]), "engineering")
                                     if "engineering" not in c.answers[7].themes else c.answers[7].themes[:2]),
    "author": lambda c: _with_answer(c, 2, author=Author(id="new-person", kind="named", name="新作者",
                                                         name_en="New Person")),
    "summary and stance": lambda c: _with_answer(c, 6, summary=Text(zh="新的摘要。", en="A new summary."),
                                                 stance=next(s.id for s in c.stances if s.id != c.answers[6].stance)),
    "glossary": lambda c: dataclasses.replace(c, terms=(
        dataclasses.replace(c.terms[0], aliases=dataclasses.replace(c.terms[0].aliases, zh=("问题",)),
                            definition=Text(zh="改过的定义。", en="A changed definition.")), *c.terms[1:])),
    "removed": lambda c: dataclasses.replace(c, answers=c.answers[:10] + c.answers[11:]),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_pass_after_an_edit_gives_what_a_fresh_process_gives(collection, edit):
    changed = EDITS[edit](collection)

    def one_pass(c: Collection) -> tuple[Indexes, dict[str, str], list[dict]]:
        ix = derive(c)
        return ix, render_site(ix), [answer_pages(ix, lang, jieba.cut) for lang in LANGS]

    memo.forget()
    fresh, fresh_pages, fresh_search = one_pass(changed)
    memo.forget()
    one_pass(collection)  # the pass before the edit
    carried, pages, search = one_pass(changed)
    assert carried.related == fresh.related
    assert carried.linked == fresh.linked
    assert carried.backlinks == fresh.backlinks
    assert pages == fresh_pages
    assert search == fresh_search


def test_an_edit_to_one_entry_links_that_entry_and_scores_only_its_neighbours_again(collection, monkeypatch):
    memo.forget()
    render_site(derive(collection))
    linked, scored = [], []
    link = derive_module.link_paragraphs
    monkeypatch.setattr(derive_module, "link_paragraphs", lambda *a, **k: linked.append(a[1]) or link(*a, **k))
    top = related._Scorer.top
    monkeypatch.setattr(related._Scorer, "top",
                        lambda self, answer, *a: scored.append(answer.id) or top(self, answer, *a))
    before = derive(collection).related
    after = derive(_new_text(collection, 3)).related
    assert linked == ["zh"]  # the Chinese text changed; the English did not
    # Scored again: the edited entry, and the entries it leaves or enters the top three of. Synthetic
    # entries share most of their words, so nearly every entry had it among its candidates.
    edited = collection.answers[3].id
    moved = {key for key in before if any(r.answer_id == edited for r in (*before[key], *after[key]))}
    assert sorted(scored) == sorted({edited} | moved)
    assert len(scored) < 0.1 * len(collection.answers)


def test_an_edit_that_moves_a_keyword_across_the_candidate_cap_scores_its_holders_again(collection, monkeypatch):
    # The edited entry loses every keyword; the cap is set just under the entry count of the keyword
    # looked up by most entries, so after the edit that keyword finds candidates again.
    edited = _plain_text(collection)
    index = next(i for i, (a, b) in enumerate(zip(collection.answers, edited.answers, strict=True)) if a != b)
    memo.forget()
    related_answers(collection.answers, TermMatcher(collection.terms))
    vectors = related.last_vectors()
    holders = Counter(word for key in vectors for word in related._SCORED[key].strongest)
    word = max(vectors[collection.answers[index].id], key=lambda w: (holders[w], w))
    held_by = sum(word in vector for vector in vectors.values())
    monkeypatch.setattr(related, "CANDIDATE_CAP", held_by - 1)
    memo.forget()
    fresh = related_answers(edited.answers, TermMatcher(edited.terms))
    memo.forget()
    before = related_answers(collection.answers, TermMatcher(collection.terms))
    assert related_answers(edited.answers, TermMatcher(edited.terms)) == fresh != before


def test_an_edit_to_the_words_of_one_entry_renders_answer_pages_only(collection, monkeypatch):
    # The listing pages (themes, authors, questions, stances, glossary, every entry) show no entry's
    # words: an edit that adds no glossary term leaves them as they were.
    memo.forget()
    render_site(derive(collection))
    rendered: list[str] = []
    render = jinja2.Template.render
    monkeypatch.setattr(jinja2.Template, "render",
                        lambda self, *a, **k: rendered.append(self.name) or render(self, *a, **k))
    first, *rest = collection.answers[4].paragraphs
    render_site(derive(_with_answer(collection, 4, paragraphs=(first + "（编辑）", *rest))))
    assert set(rendered) == {"answer.md.j2"} and len(rendered) < 0.2 * len(collection.answers)


def test_dot_products_through_the_postings_or_candidate_by_candidate_are_the_same_floats(collection):
    memo.forget()
    related_answers(collection.answers, TermMatcher(collection.terms))
    vectors = related.last_vectors()  # as scored: the keywords too common to tell entries apart dropped
    postings: dict[str, list[str]] = {}
    for key, vector in vectors.items():
        for word in vector:
            postings.setdefault(word, []).append(key)
    scorer = related._Scorer(vectors, postings, {a.id: a for a in collection.answers},
                             {a.id: i for i, a in enumerate(collection.answers)})
    for key, mine in vectors.items():
        others = set(vectors) - {key}
        walked = scorer.dots(mine, others, through_postings=True)
        assert walked == scorer.dots(mine, others, through_postings=False)
        assert walked == {other: sum(weight * vectors[other][word] for word, weight in mine.items()
                                     if word in vectors[other])
                          for other in others if not vectors[other].keys().isdisjoint(mine)}
