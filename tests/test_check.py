"""Bad input is reported as `file:line: field: message`, all of it in one run, never as a traceback."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli import main
from kb.content.load import load
from kb.content.validate import check

from support.site import MINI, ROOT

A = "answers/100/alpha.md"
A_EN = "answers/100/alpha.en.md"
B = "answers/100/beta.md"
G = "answers/100/gamma.md"
TERMS = "glossary/terms.yml"
THEMES = "glossary/themes.yml"
STANCES = "glossary/stances.yml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in check(load(root)) if p.severity == "error"]


def test_the_fixture_collection_is_valid(mini):
    assert problems_of(mini) == []


# (file, old text, new text, the expected problem line)
FAULTS = {
    "unknown theme with a suggestion": (
        A, "themes: [maths, practice]", "themes: [maths, practise]",
        f"{A}:14: themes: unknown theme 'practise'; did you mean 'practice'?; allowed: maths, practice "
        "(defined in glossary/themes.yml)"),
    "unknown stance": (
        A, "stance: not-maths", "stance: not-math",
        f"{A}:13: stance: unknown stance 'not-math'; did you mean 'not-maths'?; allowed: code-is-hard, not-maths "
        "(defined in glossary/stances.yml)"),
    "missing required field": (
        A, "order: 1\n", "",
        f"{A}:2: order: missing; required (a whole number)"),
    "wrong type": (
        A, "order: 1", "order: first",
        f"{A}:4: order: expected a whole number, got text"),
    "unknown key with a suggestion": (
        A, "stance: not-maths", "stance: not-maths\nstanse: x",
        f"{A}:14: stanse: unknown key 'stanse'; allowed: added, author, id, order, positions, question, source, "
        "stance, summary, themes, title; did you mean 'stance'?"),
    "id that is not a slug": (
        A, "id: alpha", "id: Alpha_1",
        f"{A}:2: id: 'Alpha_1' does not match [a-z0-9]+(-[a-z0-9]+)* (lowercase letters, digits and single hyphens)"),
    "id that does not match the file name": (
        A, "id: alpha", "id: alpha-two",
        f"{A}:2: id: 'alpha-two' does not match the file name; rename the file to alpha-two.md or set id: alpha"),
    "too few themes": (
        A, "themes: [maths, practice]", "themes: [maths]",
        f"{A}:14: themes: has 1 items; 2 to 5 allowed"),
    "a theme listed twice": (
        A, "themes: [maths, practice]", "themes: [maths, maths]",
        f"{A}:14: themes: 'maths' is listed twice"),
    "YAML syntax error": (
        A, "order: 1", "order: [1",
        f"{A}:5: yaml: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"),
    "YAML aliases": (
        A, "order: 1", "order: &n 1\nx: *n",
        f"{A}:5: yaml: anchors and aliases (&name, *name) are not allowed in content files; write the value out"),
    "front-matter not closed": (
        A, "quote: 核方法不难\n---", "quote: 核方法不难\n",
        f"{A}:1: front-matter: not closed; add a line '---' after the YAML"),
    "a date that is not in the calendar": (
        A, "added: 2026-11-24", "added: 2026-02-30",
        f"{A}:16: added: '2026-02-30' is not a calendar date; write YYYY-MM-DD"),
    "a date in the future": (
        A, "added: 2026-11-24", "added: 2999-01-01",
        f"{A}:16: added: 2999-01-01 is in the future; write the day the entry was added"),
    "a date with a time of day": (
        A, "added: 2026-11-24", "added: 2026-11-24 10:00:00",
        f"{A}:16: added: '2026-11-24 10:00:00' has a time of day; write the date only, YYYY-MM-DD"),
    "empty body": (
        A, "核方法不难，核心是理解问题。\n\n第二段，**这是加粗**后。", "",
        f"{A}:23: body: is empty; paste the author's text below the front-matter"),
    "translation with a paragraph too many": (
        A_EN, "Second paragraph", "An extra paragraph.\n\nSecond paragraph",
        f"{A_EN}:4: paragraphs: has 3 paragraphs but alpha.md has 2; translate paragraph for paragraph"),
    "translator's note used but not defined": (
        A_EN, "[^tn1]: A note of ours.", "",
        f"{A_EN}:4: notes: [^tn1] is used but never defined; add a line '[^tn1]: ...' at the end"),
    "unsigned entry with a name": (
        "answers/100/beta.md", "  kind: unsigned", "  kind: unsigned\n  name: 某人",
        "answers/100/beta.md:8: author.name: an unsigned entry gets no name or credential; remove it"),
    "named author without an English name": (
        A, "  name_en: Li Lei\n", "",
        f"{A}:5: author.name_en: missing; required for kind 'named'"),
    "credential without its English rendering": (
        A, "  credential_en: PhD\n", "",
        f"{A}:5: author.credential_en: credential and credential_en go together; give both or neither"),
    "unknown author kind": (
        "answers/100/beta.md", "kind: unsigned", "kind: unsinged",
        "answers/100/beta.md:7: author.kind: 'unsinged' is not allowed; allowed: named, anonymous, unsigned; "
        "did you mean 'unsigned'?"),
    "unknown question": (
        A, 'question: "100"', 'question: "101"',
        f"{A}:3: question: '101' does not match the folder answers/100/"),
    "term defined twice": (
        TERMS, "- id: svm", "- id: kernel-method",
        f"{TERMS}:8: id: 'kernel-method' is defined twice"),
    "alias claimed by two terms": (
        TERMS, "aliases: {zh: [], en: [SVM]}", "aliases: {zh: [], en: [SVM, Kernel Methods]}",
        f"{TERMS}:12: aliases: 'kernel methods' is already claimed by term 'kernel-method'; "
        "a name or alias may belong to one term only"),
    "related term that does not exist": (
        TERMS, "related: [svm]", "related: [svn]",
        f"{TERMS}:7: related: unknown term 'svn'; did you mean 'svm'?"),
    "term with a missing language": (
        TERMS, "  en: kernel method\n", "",
        f"{TERMS}:1: en: missing; required (text)"),
    "a stance that still takes positions (they belong to entries now)": (
        STANCES, "maths.}\n", "maths.}\n  positions: {maths: \"no\"}\n",
        f"{STANCES}:4: positions: unknown key 'positions'; allowed: description, id, label; "
        "did you mean 'description'?"),
    "position on an unknown sub-question": (
        B, "  - subquestion: maths", "  - subquestion: math",
        f"{B}:15: positions.subquestion: unknown sub-question 'math'; did you mean 'maths'?; allowed: code, maths"),
    "two positions on one sub-question": (
        B, "  - subquestion: code", "  - subquestion: maths",
        f"{B}:19: positions.subquestion: 'maths' has two positions; give one per sub-question"),
    "position citing a paragraph past the last": (
        B, "    paragraph: 1\n    quote: 代码才难", "    paragraph: 2\n    quote: 代码才难",
        f"{B}:21: positions.paragraph: 2 is past the last paragraph; the entry has 1"),
    "position whose quote is not in its paragraph": (
        B, "quote: 代码才难", "quote: 数学才难",
        f"{B}:22: positions.quote: is not in paragraph 1; quote the author's words verbatim as evidence for the "
        "position"),
    "position quoting another paragraph than the one it cites": (
        A, "    paragraph: 1\n", "    paragraph: 2\n",
        f"{A}:21: positions.quote: is not in paragraph 2; quote the author's words verbatim as evidence for the "
        "position"),
    "position that is not yes, partly or no": (
        G, "position: partly", "position: maybe",
        f"{G}:16: positions.position: 'maybe' is not allowed; allowed: yes, partly, no"),
    "position without its evidence": (
        G, "    quote: 还是代码\n", "",
        f"{G}:15: positions.quote: missing; required (text)"),
    "theme defined twice": (
        THEMES, "- id: practice", "- id: maths",
        f"{THEMES}:5: id: 'maths' is defined twice"),
    "script tag in a body": (
        A, "第二段，**这是加粗**后。", "第二段<script>alert(1)</script>",
        f"{A}:26: body: HTML tag <script> is not allowed; allowed: a, abbr, b, br, cite, code, del, em, i, ins, "
        "kbd, mark, q, s, small, span, strong, sub, sup, u (or write Markdown)"),
    "iframe in a translation": (
        A_EN, "Second paragraph, bold", '<iframe src="https://x.org"></iframe> Second paragraph, bold',
        f"{A_EN}:7: body: HTML tag <iframe> is not allowed; allowed: a, abbr, b, br, cite, code, del, em, i, "
        "ins, kbd, mark, q, s, small, span, strong, sub, sup, u (or write Markdown)"),
    "style tag": (
        A, "第二段，", "<style>body{display:none}</style>第二段，",
        f"{A}:26: body: HTML tag <style> is not allowed; allowed: a, abbr, b, br, cite, code, del, em, i, ins, "
        "kbd, mark, q, s, small, span, strong, sub, sup, u (or write Markdown)"),
    "object tag": (
        A, "第二段，", '<object data="x.swf"></object>第二段，',
        f"{A}:26: body: HTML tag <object> is not allowed; allowed: a, abbr, b, br, cite, code, del, em, i, "
        "ins, kbd, mark, q, s, small, span, strong, sub, sup, u (or write Markdown)"),
    "event-handler attribute": (
        A, "第二段，", '<span onmouseover="alert(1)">第二段</span>，',
        f"{A}:26: body: event-handler attribute onmouseover= on <span> is not allowed"),
    "javascript: link": (
        A, "核方法不难，", "[核方法](javascript:alert(1))不难，",
        f"{A}:24: body: javascript: URL in a Markdown link or image is not allowed; use an https:// link"),
    "data: image": (
        A_EN, "Second paragraph", "![x](data:image/svg+xml;base64,PHN2Zz4=) Second paragraph",
        f"{A_EN}:7: body: data: URL in a Markdown link or image is not allowed; use an https:// link"),
    "attribute list": (
        A, "第二段，", '第二段 {: onclick="alert(1)" }，',
        f'{A}:26: body: attribute list {{: onclick="alert(1)" }} is not allowed in content; write plain Markdown'),
    "HTML in a title": (
        A, "title: {zh: 数学不难,", "title: {zh: \"数学<img src=x>不难\",",
        f"{A}:11: title.zh: HTML (<img src=x>) is not allowed in front-matter text; write plain text"),
    "placeholder left in a body": (
        A, "第二段，**这是加粗**后。", "KB-PLACEHOLDER：把作者的原文粘贴在这里。",
        f"{A}:26: body: still holds the placeholder written by `kb new`; replace it with the text, "
        "one blank line between paragraphs"),
    "unknown key in a translation's front-matter": (
        A_EN, "translates: [", "translate: [",
        f"{A_EN}:2: translate: unknown key 'translate'; allowed: translates; did you mean 'translates'?"),
    "question file with a missing field": (
        "answers/100/question.yml", 'lead: {zh: "难点在哪里?", en: "Where is the difficulty?"}\n', "",
        "answers/100/question.yml:1: lead: missing; required (a mapping with keys zh, en)"),
    "stop-listed word that names no term": (
        "glossary/unlinked.yml", "- word: SVM", "- word: SVN",
        "glossary/unlinked.yml:1: word: 'SVN' is no name or alias of a term linked in en texts, so there is "
        "nothing to stop; give one as glossary/terms.yml writes it"),
    "stop-listed word in an unknown language": (
        "glossary/unlinked.yml", "texts: [en]", "texts: [fr]",
        "glossary/unlinked.yml:2: texts: 'fr' is not allowed; allowed: zh, en"),
    "stop-listed word listed twice for a language": (
        "glossary/unlinked.yml", "why: The fixture's stop-listed word.",
        "why: The fixture's stop-listed word.\n- word: svm\n  texts: [en]\n  why: Again.",
        "glossary/unlinked.yml:5: texts: 'svm' is listed for en texts already; list each word once per language"),
    "stop-listed word without its reason": (
        "glossary/unlinked.yml", "why: The fixture's stop-listed word.", "why: ' '",
        "glossary/unlinked.yml:3: why: is empty; write the text"),
    "answer id used twice": (
        "answers/100/gamma.md", "id: gamma", "id: beta",
        "answers/100/gamma.md:2: id: 'beta' does not match the file name; rename the file to beta.md or set id: gamma"),
}


def test_the_corpus_has_at_least_thirty_faults():
    assert len(FAULTS) >= 30


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_each_fault_is_reported_with_file_line_and_field(mini, fault, capsys):
    rel, old, new, expected = FAULTS[fault]
    edit(mini, rel, old, new)
    before = _digest(mini)
    assert main(["check", str(mini)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines(), err
    assert "Traceback" not in err
    assert _digest(mini) == before  # every file byte-identical afterwards


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(mini, capsys):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(12))
    path = mini / THEMES
    path.write_text(bomb, encoding="utf-8")
    assert main(["check", str(mini)]) == 1
    assert f"{THEMES}:2: yaml: anchors and aliases (&name, *name) are not allowed in content files; " \
           "write the value out" in capsys.readouterr().err


def test_an_oversized_file_is_reported_not_read(mini, capsys):
    path = mini / A
    path.write_text(path.read_text(encoding="utf-8") + "长" * 400_000, encoding="utf-8")
    size = path.stat().st_size
    assert main(["check", str(mini)]) == 1
    assert f"{A}:1: file: is {size:,} bytes; at most 1,000,000 allowed" in capsys.readouterr().err


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_kb_check_reports_every_problem_in_one_run_and_exits_1(mini, capsys):
    edit(mini, A, "stance: not-maths", "stance: nope")
    edit(mini, "answers/100/beta.md", "order: 2", "order: two")
    before = _digest(mini)
    assert main(["check", str(mini)]) == 1
    err = capsys.readouterr().err
    assert f"{A}:13: stance: unknown stance 'nope'" in err
    assert "answers/100/beta.md:4: order: expected a whole number" in err
    assert "Traceback" not in err
    assert _digest(mini) == before  # checking never writes


def test_kb_check_exits_0_on_a_valid_collection_and_2_on_a_usage_error(mini, tmp_path):
    assert main(["check", str(mini)]) == 0
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--no-such-option"])
    assert exit_info.value.code == 2


def test_a_bom_and_crlf_line_ends_are_accepted(mini):
    path = mini / A
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems_of(mini) == []


def test_a_file_that_is_not_utf8_is_reported_not_crashed_on(mini):
    path = mini / A
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert any(p.startswith(f"{A}:") and "encoding: is not valid UTF-8" in p for p in problems_of(mini))


def test_kb_build_on_a_broken_collection_prints_errors_without_a_traceback(mini):
    edit(mini, A, "stance: not-maths", "stance: nope")
    result = subprocess.run([sys.executable, "-m", "kb", "generate", "--root", str(mini)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{A}:13: stance: unknown stance 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (mini / "build").exists()  # nothing generated from a broken collection


def test_the_fixture_is_untouched_by_the_tests():
    # The fault tests edit copies; the fixture itself must stay valid.
    assert problems_of(MINI) == []


@pytest.mark.parametrize("target, command", [("build", "kb build"), ("serve", "kb serve"), ("test", "pytest"),
                                             ("check", "kb check")])
def test_make_compiles_kbs_modules_before_a_kb_command(target, command):
    # Where PYTHONDONTWRITEBYTECODE is set, Python writes no bytecode on import, and every kb command
    # compiled kb's modules anew: the Makefile compiles them (again when one changes).
    plan = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m compileall -q scripts/kb" in plan and command in plan
    assert plan.index("-m compileall -q scripts/kb") < plan.index(command)
