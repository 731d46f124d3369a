"""The worker's English stemmer, translated from snowballstemmer's generated Python (Snowball's
English, "Porter2"), so that the index (built with snowballstemmer) and the worker's queries stem alike.

The generated code is regular: methods, ``try``/``except labN: pass`` blocks left by ``raise labN()``,
``if``/``elif``/``else``, ``while True`` and the ``Among`` tables. :func:`translate` turns it into a
JavaScript class line by line (a ``try`` becomes a labelled block, each label unique, since JavaScript
does not let a label shadow another). The worker holds the result between two marker lines; a test
checks that it is what this gives for the installed snowballstemmer, and the browser test of the cut
checks that both stem every word of the real index alike. Regenerate with
``python -m kb.search.stemmer_js`` after upgrading snowballstemmer.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

BEGIN = "/* BEGIN generated English stemmer (python -m kb.search.stemmer_js) */"
END = "/* END generated English stemmer */"
WORKER = Path(__file__).resolve().parents[3] / "docs/overrides/assets/javascripts/workers/kb-search.js"

_BASE = r"""
class SnowballBase {
  setCurrent(value) { this.current = value; this.cursor = 0; this.limit = value.length; this.limit_backward = 0; this.bra = 0; this.ket = this.limit }
  in_grouping(s) { if (this.cursor >= this.limit || !s.includes(this.current[this.cursor])) return false; this.cursor++; return true }
  go_in_grouping(s) { while (this.cursor < this.limit) { if (!s.includes(this.current[this.cursor])) return true; this.cursor++ } return false }
  in_grouping_b(s) { if (this.cursor <= this.limit_backward || !s.includes(this.current[this.cursor - 1])) return false; this.cursor--; return true }
  go_in_grouping_b(s) { while (this.cursor > this.limit_backward) { if (!s.includes(this.current[this.cursor - 1])) return true; this.cursor-- } return false }
  out_grouping(s) { if (this.cursor >= this.limit) return false; if (!s.includes(this.current[this.cursor])) { this.cursor++; return true } return false }
  go_out_grouping(s) { while (this.cursor < this.limit) { if (s.includes(this.current[this.cursor])) return true; this.cursor++ } return false }
  out_grouping_b(s) { if (this.cursor <= this.limit_backward) return false; if (!s.includes(this.current[this.cursor - 1])) { this.cursor--; return true } return false }
  go_out_grouping_b(s) { while (this.cursor > this.limit_backward) { if (s.includes(this.current[this.cursor - 1])) return true; this.cursor-- } return false }
  eq_s(s) { if (this.current.slice(this.cursor, this.limit).startsWith(s)) { this.cursor += s.length; return true } return false }
  eq_s_b(s) { if (this.current.slice(this.limit_backward, this.cursor).endsWith(s)) { this.cursor -= s.length; return true } return false }
  find_among(v) {
    let i = 0, j = v.length; const c = this.cursor, l = this.limit
    let common_i = 0, common_j = 0, first = false
    while (true) {
      const k = i + ((j - i) >> 1); let diff = 0, common = Math.min(common_i, common_j); const w = v[k]
      for (let i2 = common; i2 < w[0].length; i2++) {
        if (c + common === l) { diff = -1; break }
        diff = this.current.charCodeAt(c + common) - w[0].charCodeAt(i2)
        if (diff !== 0) break
        common++
      }
      if (diff < 0) { j = k; common_j = common } else { i = k; common_i = common }
      if (j - i <= 1) { if (i > 0 || j === i || first) break; first = true }
    }
    while (true) {
      const w = v[i]
      if (common_i >= w[0].length) { this.cursor = c + w[0].length; return w[2] }
      i = w[1]
      if (i < 0) return 0
    }
  }
  find_among_b(v) {
    let i = 0, j = v.length; const c = this.cursor, lb = this.limit_backward
    let common_i = 0, common_j = 0, first = false
    while (true) {
      const k = i + ((j - i) >> 1); let diff = 0, common = Math.min(common_i, common_j); const w = v[k]
      for (let i2 = w[0].length - 1 - common; i2 >= 0; i2--) {
        if (c - common === lb) { diff = -1; break }
        diff = this.current.charCodeAt(c - 1 - common) - w[0].charCodeAt(i2)
        if (diff !== 0) break
        common++
      }
      if (diff < 0) { j = k; common_j = common } else { i = k; common_i = common }
      if (j - i <= 1) { if (i > 0 || j === i || first) break; first = true }
    }
    while (true) {
      const w = v[i]
      if (common_i >= w[0].length) { this.cursor = c - w[0].length; return w[2] }
      i = w[1]
      if (i < 0) return 0
    }
  }
  replace_s(c_bra, c_ket, s) {
    const adjustment = s.length - (c_ket - c_bra)
    this.current = this.current.slice(0, c_bra) + s + this.current.slice(c_ket)
    this.limit += adjustment
    if (this.cursor >= c_ket) this.cursor += adjustment
    else if (this.cursor > c_bra) this.cursor = c_bra
    return adjustment
  }
  slice_from(s) { this.replace_s(this.bra, this.ket, s); this.ket = this.bra + s.length }
  slice_del() { this.slice_from("") }
  insert(c_bra, c_ket, s) { const a = this.replace_s(c_bra, c_ket, s); if (c_bra <= this.bra) this.bra += a; if (c_bra <= this.ket) this.ket += a }
  stemWord(word) { this.setCurrent(word); this._stem(); return this.current }
}
""".strip("\n")


def _expression(text: str) -> str:
    text = re.sub(r"\bself\.__r_", "this.r_", text)
    text = re.sub(r"\bself\.", "this.", text)
    text = re.sub(r"\bEnglishStemmer\.", "EnglishStemmer.", text)
    text = re.sub(r"\bnot\s+", "!", text)
    text = re.sub(r"\band\b", "&&", text)
    text = re.sub(r"\bor\b", "||", text)
    text = re.sub(r"\bTrue\b", "true", text)
    text = re.sub(r"\bFalse\b", "false", text)
    text = re.sub(r"\blen\(([^()]*)\)", r"\1.length", text)
    return text


def translate(source: str) -> str:
    """snowballstemmer's english_stemmer.py as a JavaScript class ``EnglishStemmer``."""
    lines = [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    body_start = next(i for i, line in enumerate(lines) if line.startswith("class EnglishStemmer"))
    lines = lines[body_start + 1:]
    lines = lines[:next(i for i, line in enumerate(lines) if line.startswith("class "))]
    out = ["class EnglishStemmer extends SnowballBase {"]
    statics: list[str] = []
    stack: list[tuple[int, str]] = []   # (indent, closing text)
    tries: list[tuple[int, str, str]] = []  # (indent, python label, js label)
    counter = 0
    i = 0
    in_doc = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped.startswith("'''"):
            in_doc = not (in_doc or stripped.count("'''") == 2)
            i += 1
            continue
        if in_doc:
            i += 1
            continue
        if stripped.startswith("except "):
            label = re.fullmatch(r"except (lab\d+): pass", stripped)[1]
            while stack and stack[-1][0] >= indent:
                out.append(stack.pop()[1])
            found = tries.pop()
            assert found[0] == indent and found[1] == label, (line, found)
            i += 1
            continue
        while stack and stack[-1][0] >= indent and not (stripped.startswith(("elif ", "else:")) and stack[-1][0] == indent):
            out.append(stack.pop()[1])
        if stripped.startswith(("elif ", "else:")):
            out.append(stack.pop()[1])
        if indent == 4 and not stripped.startswith("def "):  # class attributes
            name, _, value = stripped.partition(" = ")
            while value.count("[") > value.count("]"):
                i += 1
                value += lines[i].strip()
            value = re.sub(r'Among\(("[^"]*"), (-?\d+), (-?\d+)\)', r"[\1, \2, \3]", value)
            if value.startswith("{"):
                value = '"' + "".join(sorted(re.findall(r'"(.)"', value))) + '"'
            elif value.startswith("("):
                value = "[" + value[1:-1] + "]"
            if name not in ("B_Y_found", "I_p1", "I_p2"):
                statics.append(f"EnglishStemmer.{name} = {value}")
            i += 1
            continue
        if stripped.startswith("def "):
            name = re.match(r"def (\w+)\(self\):", stripped)[1]
            name = name.replace("__r_", "r_")
            out.append(f"  {name}() {{")
            stack.append((indent, "  }"))
        elif stripped == "try:":
            # the except at the same indent that closes it names the label
            j, depth_label = i + 1, None
            while j < len(lines):
                other = lines[j]
                other_indent = len(other) - len(other.lstrip())
                if other_indent == indent and other.strip().startswith("except "):
                    depth_label = re.fullmatch(r"except (lab\d+): pass", other.strip())[1]
                    break
                if other_indent < indent:
                    break
                j += 1
            counter += 1
            js = f"L{counter}"
            tries.append((indent, depth_label, js))
            out.append(" " * indent + f"{js}: {{")
            stack.append((indent, " " * indent + "}"))
        elif stripped == "while True:":
            out.append(" " * indent + "while (true) {")
            stack.append((indent, " " * indent + "}"))
        elif match := re.fullmatch(r"(if|elif) (.*):", stripped):
            keyword = "if" if match[1] == "if" else "else if"
            out.append(" " * indent + f"{keyword} ({_expression(match[2])}) {{")
            stack.append((indent, " " * indent + "}"))
        elif stripped == "else:":
            out.append(" " * indent + "else {")
            stack.append((indent, " " * indent + "}"))
        elif match := re.fullmatch(r"raise (lab\d+)\(\)", stripped):
            target = next(js for _, label, js in reversed(tries) if label == match[1])
            out.append(" " * indent + f"break {target}")
        elif match := re.fullmatch(r"(v_\d+|among_var) = (.*)", stripped):
            out.append(" " * indent + f"var {match[1]} = {_expression(match[2])}")
        else:
            out.append(" " * indent + _expression(stripped))
        i += 1
    while stack:
        out.append(stack.pop()[1])
    assert not tries
    out.append("}")
    return "\n".join([_BASE, *out, *statics])


def generated() -> str:
    import snowballstemmer.english_stemmer as english

    return f"{BEGIN}\n{translate(inspect.getsource(english))}\n{END}"


def current(worker: str) -> str:
    start, end = worker.index(BEGIN), worker.index(END) + len(END)
    return worker[start:end]


def main() -> int:
    worker = WORKER.read_text(encoding="utf-8")
    WORKER.write_text(worker.replace(current(worker), generated()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
