"""Issue 33: a stranger's pull request cannot run script, redirect readers or publish files from the
build machine. The attack corpus (tests/fixtures/attacks/cases.yml) applied, one case at a time, to a
copy of the real collection; and the sanitiser, the Markdown escaping and the CSP on their own."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kb.content.load import load
from kb.content.problems import ContentError, errors
from kb.content.safety import check_markdown, check_plain
from kb.content.validate import check
from kb.render.pages import markdown_text
from kb.site import sanitize
from kb.site.postbuild import finish_pages
from kb.site.stage import hand_written, symlinks

from support.attacks import CASES, apply, collection


def reported(root: Path) -> list[str]:
    return [str(p) for p in errors(check(load(root)))]


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory) -> Path:
    return collection(tmp_path_factory.mktemp("collection"))


def test_the_unattacked_copy_is_valid(clean_copy):
    assert reported(clean_copy) == []


def test_the_corpus_covers_the_issue():
    assert len(CASES) >= 15
    assert {"error", "inert", "build_error"} <= {k for case in CASES for k in case}


@pytest.mark.parametrize("case", [c for c in CASES if "error" in c], ids=lambda c: c["name"])
def test_each_attack_is_rejected_by_kb_check_with_file_and_line(tmp_path, case):
    root = collection(tmp_path)
    apply(root, case)
    problems = reported(root)
    assert any(case["error"] in p for p in problems), "\n".join(problems)


@pytest.mark.parametrize("case", [c for c in CASES if "build_error" in c], ids=lambda c: c["name"])
def test_each_attack_on_hand_written_pages_stops_the_build(tmp_path, case):
    root = collection(tmp_path)
    apply(root, case)
    with pytest.raises(ContentError) as caught:
        hand_written(root, "zh")
    assert case["build_error"] in [str(p) for p in caught.value.problems]
    assert case["build_error"] in [str(p) for p in symlinks(root)]  # what kb check reports besides the content's


def test_kb_check_reports_a_symlink_under_docs_and_fails(tmp_path, capsys):
    from kb.cli import main

    root = collection(tmp_path)
    os.symlink("/etc/passwd", root / "docs" / "overrides" / "leak.txt")
    assert main(["check", str(root)]) == 1
    assert "docs/overrides/leak.txt:1: file: is a symbolic link" in capsys.readouterr().err


@pytest.mark.parametrize("case", [c for c in CASES if c.get("inert")], ids=lambda c: c["name"])
def test_an_inert_case_passes_the_check(tmp_path, case):
    root = collection(tmp_path)
    apply(root, case)
    assert reported(root) == []


# -- the sanitiser ---------------------------------------------------------------------------------

@pytest.mark.parametrize("html, gone", [
    ('<a href="javascript:alert(1)">x</a>', ("attribute", "a", "href", "javascript:alert(1)")),
    ('<a href="JaVa&#x09;ScRiPt&colon;alert(1)">x</a>', ("attribute", "a", "href", "JaVa\tScRiPt:alert(1)")),
    ('<a href="//evil.example/">x</a>', ("attribute", "a", "href", "//evil.example/")),
    ('<a href="/\\evil.example/">x</a>', ("attribute", "a", "href", "/\\evil.example/")),
    ('<a href="data:text/html,x">x</a>', ("attribute", "a", "href", "data:text/html,x")),
    ('<h1 onclick="alert(1)">x</h1>', ("attribute", "h1", "onclick", "alert(1)")),
    ('<p>x<script>alert(1)</script></p>', ("tag", "script")),
    ('<svg onload="alert(1)"></svg>', ("attribute", "svg", "onload", "alert(1)")),
    ('<div style="position:fixed">x</div>', ("attribute", "div", "style", "position:fixed")),
    ('<iframe src="https://x.example"></iframe>', ("tag", "iframe")),
    ('<form action="https://evil.example"><input name=q></form>', ("attribute", "form", "action",
                                                                     "https://evil.example")),
])
def test_the_page_sanitiser_removes_what_runs_or_leads_away(html, gone):
    assert gone in sanitize.removed(html, sanitize.clean(html, sanitize.PAGE))


def test_our_own_markup_passes_the_page_sanitiser_unchanged():
    ours = ('<div class="kb-body" lang="zh" data-kb-cite="{&quot;a&quot;: 1}"><nav aria-label="x" class="kb-crumbs">'
            '<span aria-current="page">x</span></nav><svg class="kb-map" viewBox="0 0 10 10" role="group" '
            'style="--kb-map-width: 744px"><title id="t">m</title><a href="../answers/a.html"><rect x="1" y="1" '
            'width="2" height="2"></rect><text x="1" y="2">a</text></a></svg><form class="kb-filters" '
            'data-kb-filters hidden><select name="theme"><option value="" data-label="x">x</option></select>'
            '<button type="reset">r</button></form><table><tr><td style="text-align: left">1</td></tr></table>'
            '<a class="kb-source" href="https://www.zhihu.com/question/1">s</a><sup id="fnref:1">'
            '<a class="footnote-ref" href="#fn:1">1</a></sup></div>')
    assert sanitize.removed(ours, sanitize.clean(ours, sanitize.PAGE)) == []


def test_a_page_is_rewritten_only_in_its_article(tmp_path):
    shell = ('<html><head><script>__md_scope=1</script></head><body><header><script>var x=1</script></header>'
             '<article class="md-content__inner md-typeset">{}</article><script src="a.js"></script></body></html>')
    legit = tmp_path / "legit.html"
    legit.write_text(shell.format("<p>fine</p>"), encoding="utf-8")
    attacked = tmp_path / "attacked.html"
    attacked.write_text(shell.format('<p onclick="alert(1)">x</p></article><script>alert(2)</script>'),
                        encoding="utf-8")
    before = legit.read_text(encoding="utf-8")
    changed = finish_pages(tmp_path)
    assert [c.path for c in changed] == ["attacked.html"]
    # The legitimate page gains its policy, and nothing else.
    assert re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', "",
                  legit.read_text(encoding="utf-8")) == before
    html = attacked.read_text(encoding="utf-8")
    assert "onclick" not in html and "alert(2)" not in html
    assert "<script>__md_scope=1</script>" in html and "<script>var x=1</script>" in html


# -- check: the sanitiser judges, the regular expressions only word ---------------------------------

def test_text_that_only_looks_like_html_is_not_reported():
    assert list(check_markdown("if a < b and c > d, then x")) == []
    assert check_plain("a < b > c") == ()


def test_html_inside_code_is_text():
    assert list(check_markdown("use `<script>` here\n\n```\n<script>x</script>\n```")) == []


def test_a_finding_names_its_line():
    found = list(check_markdown("first line\nsecond [x](javascript:alert(1))"))
    assert found and all(u.line == 2 for u in found)


# -- escaping front-matter text in Markdown ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[x](javascript:alert(1))", "Title { onclick=alert(1) }", "<b>bold</b> & co", "*em* _u_ `code` # h | t",
    "https://evil.example www.evil.example a@evil.example", "1. not a list", "\\[escaped\\]", "深度学习,难在何处?",
])
def test_the_md_filter_renders_any_text_as_that_text(text):
    from kb.content.safety import render

    html, _ = render(markdown_text(text))
    assert sanitize.items(html) == [("tag", "p"), ("text", "".join(text.split()))]


# -- Content-Security-Policy ------------------------------------------------------------------------

def test_the_csp_hashes_executed_inline_scripts_only():
    page = ('<script>var a=1</script><script id="__config" type="application/json">{"x": 1}</script>'
            '<script src="b.js"></script>')
    policy = sanitize.content_security_policy([page])
    assert "'sha256-" in policy and policy.count("'sha256-") == 1
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "object-src 'none'" in policy and "base-uri 'self'" in policy


def test_each_page_gets_its_own_policy_first_in_its_head_and_only_once():
    page = '<html><head><meta charset="utf-8"><title>t</title><script>var a=1</script></head></html>'
    once = sanitize.with_policy(page)
    assert once.startswith('<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="')
    assert sanitize.content_security_policy([page]) in once
    assert sanitize.with_policy(once) == once  # a second pass replaces it, the same


def test_the_templates_escape_front_matter_text(tmp_path):
    """The inert cases, generated: their text reaches the Markdown pages escaped, not as markup."""
    from kb.pipeline import generate

    root = collection(tmp_path)
    for case in CASES:
        if case.get("inert"):
            apply(root, case)
    generate(root)
    page = (root / "build/docs/en/answers/naiyan-wang.md").read_text(encoding="utf-8")
    assert r"# \*Deep\* learning \# is\_at\_heart \| an \! engineering discipline https&#58;//evil\.example" in page
    assert r"\[a link\]\(https&#58;//evil\.example\)" in page
    # The front matter holds the text YAML-quoted and attributes hold it HTML-escaped, as they should.
    body = re.sub(r'="[^"]*"', '=""', page.split("\n---\n", 1)[1])
    assert "*Deep* learning" not in body and "](https://evil.example)" not in body


@pytest.mark.parametrize("fragment", [
    '<p><a href="javascript:alert(1)">x</a></p>',
    '<p><a href="JaVaScRiPt:alert(1)">x</a></p>',
    '<p><a href="javascript&colon;alert(1)">x</a></p>',
    '<p><a href="java&#x09;script:alert(1)">x</a></p>',
    '<p><a href="&#106;avascript:alert(1)">x</a></p>',
    '<p><a href=" java\nscript:alert(1)">x</a></p>',
    '<p><a href="vbscript:msgbox(1)">x</a></p>',
    '<p><a href="//evil.example/">x</a></p>',
    '<p><iframe src="https://evil.example/"></iframe></p>',
    '<p><img src="x" onerror="alert(1)"></p>',
    '<p><x-widget onclick="alert(1)">x</x-widget></p>',
    '<svg onload="alert(1)"><circle r="1"></circle></svg>',
    '<table><tr><td style="background: url(https://evil.example/)">x</td></tr></table>',
    '<form action="https://evil.example/"><button formaction="javascript:alert(1)">x</button></form>',
    '<p>a</p><style>body{display:none}</style>',
    '<p data-x="1" hidden>fine</p><meta http-equiv="refresh" content="0;url=https://evil.example/">',
])
def test_the_post_build_pass_rewrites_any_article_that_holds_what_its_allow_list_does_not(fragment):
    """The quick test (nh3 with everything the fragment holds allowed, against nh3 with the page's
    allow-list) must see each of these, or the page would be left as it is."""
    page = f'<html><body><article class="md-content__inner md-typeset">{fragment}</article></body></html>'
    new, gone = sanitize.sanitize_page(page)
    assert gone and new != page
