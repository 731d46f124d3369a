"""kb.search.pages: a built page's entries, as Material's search plugin made them from its content."""

from __future__ import annotations

from kb.derive.segment import Segmenter
from kb.search.pages import page_entries, sections, without_excluded
from kb.search.text import ZWSP

SEGMENTER = Segmenter()


def built(content: str, title: str = "页面") -> str:
    """A page as the theme lays it out around ``content``."""
    return (f"<html><head><title>{title} - 站点名</title></head><body><nav><p>Menu</p></nav>"
            f'<article class="md-content__inner md-typeset">\n    \n{content}\n\n  </article>'
            "<footer>F</footer></body></html>")


PAGE = built("""<h1 id="深度学习">深度学习<a class="headerlink" href="#深度学习" title="Permanent link">&para;</a></h1>
<p>知乎上有人问：<strong>难</strong>在 <a href="x.html">何处</a>？ A &amp; B &lt;c&gt; &quot;q&quot;</p>
<ul>
<li>One</li>
<li></li>
</ul>
<div class="kb-list" data-search-exclude=""><div><p>Nested, left out.</p></div><p>Also left out.</p></div>
<p>Kept two.<img src="x.png" data-search-exclude></p>
<table><tr><td>cell</td></tr></table>
<h2 id="answers" data-search-exclude>Answers<a class="headerlink" href="#answers">&para;</a></h2>
<ul><li>A whole section, left out.</li></ul>
<h3>No id: still the excluded section</h3>
<h2 id="next">Next <code>x</code><a class="headerlink" href="#next" title="Permanent link">&para;</a></h2>
<p>Kept three.</p>
<script>var left = "out"</script>
<pre><code>a  b
c</code></pre>""")


def plain(text: str) -> str:
    return text.replace(ZWSP, "")


def test_a_page_opening_with_its_h1_is_its_own_first_entry_then_a_section_per_heading_with_an_id():
    entries = page_entries(PAGE, "answers/x.html", SEGMENTER)
    assert [entry["location"] for entry in entries] == ["answers/x.html", "answers/x.html#next"]
    first, second = entries
    assert first["title"] == f"深度{ZWSP}学习"  # the permalink's ¶ left out
    assert plain(first["text"]) == ('<p>知乎上有人问：难在 何处？ A &amp; B &lt;c&gt; "q"</p> <ul> <li>One</li> </ul> '
                                    "<p>Kept two.</p> cell")
    assert first["text"].startswith(f"<p>{ZWSP}知乎{ZWSP}上{ZWSP}有人{ZWSP}问{ZWSP}：")  # Han cut into words
    assert second["title"] == "Next <code>x</code>"
    assert second["text"] == "<p>Kept three.</p> <pre><code>a  b\nc</code></pre>"  # <pre> keeps its spaces
    for gone in ("Nested", "Also left out", "img", "A whole section", "No id", "left", "Menu", "F<"):
        assert all(gone not in entry["text"] for entry in entries)


def test_anything_before_the_first_heading_makes_the_page_its_own_entry_titled_with_the_page_title():
    page = built('<!-- generated -->\n\n<h1 id="t">T<a class="headerlink" href="#t">&para;</a></h1>\n<p>x</p>',
                 title="All answers")
    assert page_entries(page, "a.html", SEGMENTER, boost=0.5) == [
        {"location": "a.html", "title": "All answers", "text": "", "boost": 0.5},
        {"location": "a.html#t", "title": "T", "text": "<p>x</p>", "boost": 0.5}]
    # So does a first heading that is not an h1, and a page without headings is one entry.
    assert [e["location"] for e in sections('<h2 id="a">A</h2><p>x</p>', "b.html", "B")] == ["b.html", "b.html#a"]
    assert sections("<p>x</p>", "c.html", "C") == [{"location": "c.html", "title": "C", "text": "<p>x</p>"}]


def test_the_themes_own_heading_and_pages_without_an_article_are_left_out():
    assert page_entries(built("<h1>404 - Not found</h1>"), "x.html", SEGMENTER) == [
        {"location": "x.html", "title": "页面", "text": ""}]
    assert page_entries("<html><body>redirect</body></html>", "r.html", SEGMENTER) == []


def test_excluded_elements_end_at_their_own_end_tag_nested_ones_counted():
    reduced = without_excluded('<div data-search-exclude><div>in</div>still in</div>after')
    assert reduced == "after"
