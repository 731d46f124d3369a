"""The viewpoint map as a figure: an SVG drawn at build time, one per question.

Columns are stances, rows are themes; each entry appears, as a link to its page, in the row of
every theme it carries and the column of its stance. A cell with more entries than fit shows the
first few and a "+N" link to the all-answers page filtered to that theme and stance. Colours come
from the page's stylesheet (classes, Material's CSS variables), so the figure follows the light
and dark palettes; no script is needed to see it. Pure: strings in, a string out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from kb.content.model import Answer, Stance, Theme

MAX_LABEL_WIDTH = 150  # the theme column, at most
MIN_CELL, MAX_CELL = 90, 170  # a stance column: as wide as its longest entry label, within these
LINE = 17  # height of one line of text
FONT = 12  # px; text widths below are estimates for this size
PAD = 6
SHOWN = 4  # entries listed per cell before "+N"


def text_width(text: str) -> float:
    """Estimated width in px: Han and full-width characters take a full em, Latin about half."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.55 for ch in text)


def wrap(text: str, width: float, max_lines: int = 3) -> list[str]:
    """Break ``text`` into lines of at most ``width`` px: at spaces for Latin text, anywhere for Han."""
    lines: list[str] = []
    current = ""
    tokens = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    for token in tokens:
        candidate = f"{current}{joiner}{token}" if current else token
        if text_width(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = token
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines


def fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit on one line of ``width`` px."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class MapText:
    """The words of the figure in the page's language."""

    title: str
    description: str
    more: str  # e.g. "+{n} more", a link to the filtered list
    theme_axis: str
    stance_axis: str


def _lines(x: float, y: float, lines: Sequence[str], css: str, anchor: str = "start") -> str:
    spans = "".join(f'<tspan x="{x:g}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="{css}" x="{x:g}" y="{y:g}" text-anchor="{anchor}">{spans}</text>'


def _hit_area(x: float, baseline: float, cell: int) -> str:
    """An invisible rectangle over a whole line of a cell, first inside its link: in SVG only painted
    shapes take the pointer, so without it the gap between an entry's dot and its label (and a
    label narrower than expected, in a fallback font) would let a click fall through to the row."""
    top = baseline - FONT - (LINE - FONT) / 2
    return (f'<rect class="kb-map__hit" x="{x:g}" y="{top:g}" width="{cell - 2 * PAD}" height="{LINE}" '
            'fill="transparent"/>')


def viewpoint_svg(question_id: str, answers: Sequence[Answer], themes: Sequence[Theme],
                  stances: Sequence[Stance], lang: str, words: MapText,
                  label: Callable[[Answer], str], full_title: Callable[[Answer], str]) -> str:
    """The SVG of one question's map; links are relative to a page one folder deep (stances/index.html)."""
    cells: dict[tuple[str, str], list[Answer]] = defaultdict(list)  # (theme, stance) -> entries, in order
    for answer in answers:
        for theme_id in answer.themes:
            cells[(theme_id, answer.stance)].append(answer)
    used_stances = [s for s in stances if any(stance == s.id for _, stance in cells)]
    used_themes = [t for t in themes if any(theme == t.id for theme, _ in cells)]
    longest = max((text_width(label(a)) for a in answers), default=0)
    cell = round(min(MAX_CELL, max(MIN_CELL, longest + 12 + 2 * PAD + 2)))
    widest_theme = max((text_width(t.label[lang]) for t in used_themes), default=0)
    label_width = round(min(MAX_LABEL_WIDTH, widest_theme + 2 * PAD))
    header_lines = [wrap(s.label[lang], cell - 2 * PAD) for s in used_stances]
    header = (max((len(lines) for lines in header_lines), default=1)) * LINE + 2 * PAD
    rows = []
    for theme in used_themes:
        most = max((min(len(cells[(theme.id, s.id)]), SHOWN + 1) for s in used_stances), default=0)
        label_lines = wrap(theme.label[lang], label_width - 2 * PAD, max_lines=2)
        rows.append((theme, max(most, len(label_lines), 1) * LINE + 2 * PAD, label_lines))
    width = label_width + cell * len(used_stances)
    height = header + sum(h for _, h, _ in rows)
    ids = f"kb-map-{question_id}"
    out = [f'<svg class="kb-map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="group" aria-labelledby="{ids}-title {ids}-desc" font-size="{FONT}" '
           f'style="--kb-map-width: {width}px">',
           f'<title id="{ids}-title">{escape(words.title)}</title>',
           f'<desc id="{ids}-desc">{escape(words.description)}</desc>']
    for column, (stance, lines) in enumerate(zip(used_stances, header_lines, strict=True)):
        x = label_width + column * cell
        out.append(f'<a href="#{stance.id}">{_lines(x + cell / 2, PAD + FONT, lines, "kb-map__stance", "middle")}'
                   f'<title>{escape(words.stance_axis)}: {escape(stance.label[lang])}</title></a>')
    y = header
    for index, (theme, row_height, label_lines) in enumerate(rows):
        if index % 2 == 0:
            out.append(f'<rect class="kb-map__band" x="0" y="{y}" width="{width}" height="{row_height}"/>')
        out.append(f'<a href="../themes/{theme.id}.html">{_lines(PAD, y + PAD + FONT, label_lines, "kb-map__theme")}'
                   f'<title>{escape(words.theme_axis)}: {escape(theme.label[lang])}</title></a>')
        for column, stance in enumerate(used_stances):
            x = label_width + column * cell + PAD
            entries = cells[(theme.id, stance.id)]
            for line, answer in enumerate(entries[:SHOWN] if len(entries) > SHOWN + 1 else entries):
                top = y + PAD + FONT + line * LINE
                out.append(f'<a href="../answers/{answer.id}.html" class="kb-map__entry">{_hit_area(x, top, cell)}'
                           f'<circle class="kb-map__dot" cx="{x + 4}" cy="{top - 4}" r="3.5"/>'
                           f'<text x="{x + 12}" y="{top}">{escape(fit(label(answer), cell - 2 * PAD - 12))}</text>'
                           f'<title>{escape(full_title(answer))}</title></a>')
            if len(entries) > SHOWN + 1:
                top = y + PAD + FONT + SHOWN * LINE
                href = f"../answers/index.html?theme={theme.id}&stance={stance.id}"
                more = words.more.format(n=len(entries) - SHOWN)
                out.append(f'<a href={quoteattr(href)} class="kb-map__more">{_hit_area(x, top, cell)}'
                           f'<text x="{x + 12}" y="{top}">{escape(more)}</text></a>')
        y += row_height
    for column in range(len(used_stances) + 1):
        x = label_width + column * cell
        out.append(f'<line class="kb-map__rule" x1="{x}" y1="0" x2="{x}" y2="{height}"/>')
    out.append(f'<line class="kb-map__rule" x1="0" y1="{header}" x2="{width}" y2="{header}"/>')
    out.append("</svg>")
    return "".join(out)
