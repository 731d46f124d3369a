"""Glossary terms are found as whole words in both languages, and linked without changing the text."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys

import markdown
import pytest
from bs4 import BeautifulSoup

from kb.content.load import load
from kb.content.model import Aliases, Collection, Term, Text
from kb.content.problems import errors
from kb.content.validate import check
from kb.derive.indexes import derive
from kb.derive.linking import Mention, link_paragraphs
from kb.derive.related import keywords, related_answers
from kb.derive.terms import TermMatcher
from kb.site.stage import STAGING
from kb.tools.suggest import suggest_terms

from support.site import ROOT


def load_checked(root) -> Collection:
    loaded = load(root)
    assert errors(check(loaded)) == []
    return loaded.collection


def term(id: str, zh: str, en: str, zh_aliases=(), en_aliases=(), match_in=("zh", "en")) -> Term:
    return Term(id=id, kind="technical", zh=zh, en=en, aliases=Aliases(tuple(zh_aliases), tuple(en_aliases)),
                definition=Text(zh=f"{zh}的定义。第二句。", en=f"Definition of {en}. Second sentence."),
                match_in=tuple(match_in))


TERMS = (
    term("kernel", "核", "kernel"),
    term("kernel-method", "核方法", "kernel method", ["核(Kernel)方法"], ["kernel methods"]),
    term("cnn", "卷积神经网络", "convolutional neural network", en_aliases=["CNN", "ConvNet"]),
    term("r-cnn", "区域卷积神经网络", "R-CNN", en_aliases=["RCNN"]),
    term("paper", "论文", "paper", match_in=["zh"]),
    term("concentration-inequality", "集中不等式", "concentration inequality"),
    term("laplaces-demon", "拉普拉斯幽灵", "Laplace's demon", en_aliases=["Laplace’s Demon"]),
)


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher(TERMS)


def found(matcher: TermMatcher, text: str, lang: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.term_id) for m in matcher.find(text, lang)]


def test_核_is_the_kernel_in_核方法_and_alone_but_not_in_核心(matcher):
    assert found(matcher, "核方法的核心是核", "zh") == [("核方法", "kernel-method"), ("核", "kernel")]


def test_a_form_with_brackets_matches_inside_chinese_text(matcher):
    assert found(matcher, "例如Boosting算法、核(Kernel)方法等", "zh") == [("核(Kernel)方法", "kernel-method")]


def test_an_english_acronym_touching_chinese_text_is_found(matcher):
    assert found(matcher, "第一个用CNN做detection的paper", "zh") == [("CNN", "cnn"), ("paper", "paper")]


def test_an_acronym_inside_a_longer_acronym_is_not_found(matcher):
    assert found(matcher, "RCNN不是第一个", "zh") == [("RCNN", "r-cnn")]
    assert found(matcher, "RCNN was not the first", "en") == [("RCNN", "r-cnn")]


def test_english_matching_is_case_insensitive_on_word_boundaries(matcher):
    assert found(matcher, "Kernel Methods and kernels; a kernel.", "en") == [
        ("Kernel Methods", "kernel-method"), ("kernel", "kernel")]
    assert found(matcher, "the ConvNets and ConvNet", "en") == [("ConvNet", "cnn")]


def test_a_term_limited_to_chinese_text_is_not_linked_in_english(matcher):
    assert found(matcher, "a paper about CNN", "en") == [("CNN", "cnn")]


def test_curly_apostrophes_and_phrases_match_as_written(matcher):
    assert found(matcher, "物理中的拉普拉斯幽灵(Laplace’s Demon)带来的问题", "zh") == [
        ("拉普拉斯幽灵", "laplaces-demon"), ("Laplace’s Demon", "laplaces-demon")]
    assert found(matcher, "以集中不等式为基础", "zh") == [("集中不等式", "concentration-inequality")]


def _definitions(lang: str) -> dict[str, str]:
    return {t.id: t.short_definition(lang) for t in TERMS}


def test_only_the_first_occurrence_of_a_term_is_linked(matcher):
    linked = link_paragraphs(["核方法很好。", "核方法也很难。"], "zh", matcher, _definitions("zh"))
    assert linked.paragraphs[0] == '[核方法](../glossary/index.md#kernel-method "核方法的定义。"){ .kb-term }很好。'
    assert linked.paragraphs[1] == "核方法也很难。"
    assert linked.terms == ("kernel-method",)


def test_code_links_footnote_marks_and_urls_are_not_linked_into(matcher):
    text = "`CNN` and [CNN](https://x.org) and https://cnn.com/CNN and note[^CNN] then CNN."
    linked = link_paragraphs([text], "en", matcher, _definitions("en"))
    assert linked.paragraphs[0] == text.replace(
        "then CNN.", 'then [CNN](../glossary/index.md#cnn "Definition of convolutional neural network."){ .kb-term }.')


def _rendered_text(markdown_text: str) -> str:
    html = markdown.markdown(markdown_text, extensions=["attr_list", "footnotes"])
    return BeautifulSoup(html, "html.parser").get_text()


def test_linking_leaves_the_rendered_text_unchanged(matcher):
    paragraphs = ["第一个用CNN做detection的paper,核方法的核心是核。", "RCNN和核(Kernel)方法,还有“引号”里的集中不等式。"]
    linked = link_paragraphs(paragraphs, "zh", matcher, _definitions("zh"))
    assert linked.paragraphs != tuple(paragraphs)
    for before, after in zip(paragraphs, linked.paragraphs, strict=True):
        assert _rendered_text(after) == _rendered_text(before)


def test_a_tooltip_never_breaks_out_of_the_link_title(matcher):
    quoted = (term("q", "引号", "quote"),)
    linked = link_paragraphs(["引号"], "zh", TermMatcher(quoted), {"q": 'says "hi"\nthere'})
    assert linked.paragraphs[0] == "[引号](../glossary/index.md#q \"says 'hi' there\"){ .kb-term }"


def test_an_at_mention_links_to_the_named_authors_answer(matcher):
    mention = Mention("Naiyan Wang", "../answers/naiyan-wang.md")
    linked = link_paragraphs(["比较赞同 @Naiyan Wang的说法"], "zh", matcher, {}, [mention])
    assert linked.paragraphs[0] == "比较赞同 [@Naiyan Wang](../answers/naiyan-wang.md){ .kb-mention }的说法"


def test_the_names_are_compiled_into_a_pattern_only_once_a_text_holds_an_at_sign(monkeypatch):
    import re

    from kb.derive import linking

    compiled, compile_ = [], re.compile
    monkeypatch.setattr(linking.re, "compile", lambda *args: compiled.append(args) or compile_(*args))
    mentions = linking.Mentions([Mention("Naiyan Wang", "../answers/naiyan-wang.md", "naiyan")])
    assert mentions.find("no one named here") == [] and compiled == []
    assert [m.author_id for _, _, m in mentions.find("see @Naiyan Wang and @Naiyan Wang")] == ["naiyan"] * 2
    assert len(compiled) == 1


def test_mentions_in_the_fixture_resolve_in_both_languages(mini):
    ix = derive(load_checked(mini))
    assert "[@李雷](../answers/alpha.md){ .kb-mention }" in ix.linked[("beta", "zh")].paragraphs[0]
    assert "[@Li Lei](../answers/alpha.md){ .kb-mention }" in ix.linked[("beta", "en")].paragraphs[0]


def test_backlinks_list_every_answer_a_term_appears_in(mini):
    ix = derive(load_checked(mini))
    assert [a.id for a in ix.backlinks["kernel-method"]] == ["alpha"]
    assert ix.backlinks["svm"] == ()


def _vectors(ix) -> dict[str, dict[str, float]]:
    """Each entry's keywords, from the words its Chinese text was cut into."""
    return {a.id: keywords(word for paragraph in ix.tokens[(a.id, "zh")] for word, _, _ in paragraph)
            for a in ix.answers}


def test_related_answers_are_three_with_reasons(mini):
    ix = derive(load_checked(mini))
    assert [r.answer_id for r in ix.related["beta"]] == ["gamma", "alpha"]  # only two others exist
    assert ix.related["beta"][0].themes == ("maths", "practice")
    assert ix.related == related_answers(ix.answers, _vectors(ix))


def test_related_answers_of_the_real_collection_are_the_all_pairs_ranking():
    # Under related.CANDIDATE_CAP entries every shared keyword finds a candidate: the result is exact.
    from kb.derive import related

    ix = derive(load_checked(ROOT))
    answers = ix.answers
    assert len(answers) <= related.CANDIDATE_CAP
    vectors = _vectors(ix)
    # A keyword a third or more of the entries share says nothing about a pair (kb.derive.related).
    held = {word: sum(word in vector for vector in vectors.values()) for vector in vectors.values() for word in vector}
    vectors = {key: {w: x for w, x in vector.items() if held[w] < max(3, len(answers) / 3)}
               for key, vector in vectors.items()}
    for answer in answers:
        mine, scored = vectors[answer.id], []
        for position, other in enumerate(answers):
            theirs = vectors[other.id]
            themes = len(set(answer.themes) & set(other.themes)) / len(set(answer.themes) | set(other.themes))
            dot = sum(weight * theirs[word] for word, weight in mine.items() if word in theirs)
            cosine = dot / (related._norm(mine) * related._norm(theirs)) if dot else 0.0
            if other is not answer and round(themes + cosine, 6) > 0:
                scored.append((-round(themes + cosine, 6), position, other.id))
        assert [r.answer_id for r in ix.related[answer.id]] == [other for _, _, other in sorted(scored)[:3]]


def test_keywords_weigh_words_with_jiebas_own_idf_table_and_stop_list():
    # kb.derive.related reads jieba's IDF file itself (jieba.analyse would load the part-of-speech tagger too).
    import jieba.analyse

    from kb.derive import related

    jiebas = jieba.analyse.default_tfidf
    assert related.idf().freq == jiebas.idf_freq and related.idf().median == jiebas.median_idf
    assert related.JIEBA_STOP_WORDS == jieba.analyse.TFIDF.STOP_WORDS
    weights = keywords(["神经网络", "神经网络", "调参", "the", "12", "我们", "Learning", "learning"])
    assert set(weights) == {"神经网络", "调参", "learning"}
    assert weights["神经网络"] == 2 / 5 * jiebas.idf_freq["神经网络"]
    assert weights["调参"] == 1 / 5 * jiebas.median_idf  # not in jieba's table


def _generated_digest(root) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / STAGING).rglob("*.md")):
        digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_related_answers_and_links_are_the_same_on_every_run(mini):
    digests = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "kb", "generate", "--root", str(mini)], check=True, env=env,
                       capture_output=True)
        digests.append(_generated_digest(mini))
        shutil.rmtree(mini / STAGING)
    assert digests[0] == digests[1]


def test_suggestions_are_words_the_glossary_lacks_with_counts_and_answers(mini):
    collection = load_checked(mini)
    suggestions = suggest_terms(collection.answers, TermMatcher(collection.terms))
    words = {s.word: s for s in suggestions}
    assert "代码" in words and words["代码"].count == 2 and words["代码"].answers == ("beta", "gamma")
    assert "核方法" not in words  # already a term


def test_a_stop_listed_word_is_never_linked_and_the_term_waits_for_another_form(matcher):
    paragraphs = ["这篇paper很好。", "另一篇Paper也是论文。"]
    linked = link_paragraphs(paragraphs, "zh", matcher, _definitions("zh"), never=frozenset({"paper"}))
    assert linked.paragraphs[0] == paragraphs[0]
    assert linked.paragraphs[1] == '另一篇Paper也是[论文](../glossary/index.md#paper "论文的定义。"){ .kb-term }。'
    assert link_paragraphs(paragraphs, "zh", matcher, _definitions("zh")).paragraphs[0] != paragraphs[0]


def test_no_word_of_the_real_stop_list_is_linked_in_the_texts_it_names():
    collection = load_checked(ROOT)
    assert collection.unlinked, "glossary/unlinked.yml lists no word"
    ix = derive(collection)
    linked_words = {lang: set() for lang in ("zh", "en")}
    for (_, lang), linked in ix.linked.items():
        for paragraph in linked.paragraphs:
            for word in re.findall(r"\[([^\]]+)\]\(\.\./glossary/index\.md#", paragraph):
                linked_words[lang].add(word.casefold())
    for lang, words in linked_words.items():
        assert words, lang  # the texts do link terms
        assert not words & collection.never_linked(lang), lang
