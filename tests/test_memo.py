"""What one `kb` process carries to the next (kb.memo.save and restore): a build after an edit to one
entry, in a new process, recomputes that entry only, and a saved file is used only when it is sound."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from kb import derive as derive_module
from kb import memo
from kb.derive import derive
from kb.dictionary import buckets_file
from kb.load import load
from kb.memo import Carry, Latest, Table
from kb.model import LANGS
from kb.pipeline import outputs
from kb.render import render_site
from kb.search_text import answer_pages

from support.forking import in_new_process, needs_fork
from support.site import MINI, ROOT


@pytest.fixture
def carries():
    """Two carries of this test alone, unregistered afterwards."""
    made = [Carry("test.a"), Latest("test.b")]
    yield made
    for name in ("test.a", "test.b"):
        memo._ALL.pop(name, None)
    memo._RESTORED.clear()


def _pass(carry: Carry, context: object, keys: list[str], calls: list[str]) -> None:
    carry.start(context)
    for key in keys:
        carry.get(key, lambda k=key: calls.append(k) or k.upper())


def test_a_saved_carry_gives_a_new_process_its_results_for_the_same_code_only(carries, tmp_path):
    carry, latest = carries
    calls: list[str] = []
    _pass(carry, ("glossary", 1), ["a", "b"], calls)
    latest.value = {"last": [1, 2]}
    path = tmp_path / "carried.pickle"
    memo.save(path, "code-1")
    memo.forget()  # as a new process starts
    assert memo.restore(path, "code-2") is False and latest.value is None  # other code: nothing
    assert memo.restore(path, "code-1") is True
    assert latest.value == {"last": [1, 2]}
    _pass(carry, ("glossary", 1), ["a", "b", "c"], calls)  # an equal context, made anew
    assert calls == ["a", "b", "c"]
    _pass(carry, ("glossary", 2), ["a"], calls)  # another glossary: computed again
    assert calls[-1] == "a" and len(calls) == 4


def test_a_carry_made_after_the_restore_gets_its_saved_results(tmp_path):
    carry = Carry("test.late")
    calls: list[str] = []
    _pass(carry, None, ["x"], calls)
    path = tmp_path / "carried.pickle"
    memo.save(path, "k")
    del memo._ALL["test.late"]
    memo.forget()
    assert memo.restore(path, "k")
    late = Carry("test.late")  # as search_tokens makes its carries, on first use
    _pass(late, None, ["x"], calls)
    assert calls == ["x"]
    del memo._ALL["test.late"]


def test_a_broken_or_foreign_file_is_no_head_start_and_no_error(carries, tmp_path):
    path = tmp_path / "carried.pickle"
    assert memo.restore(path, "k") is False  # none yet
    path.write_bytes(b"\x80\x05truncated")
    assert memo.restore(path, "k") is False
    path.write_bytes(pickle.dumps(["not", "ours"]))
    assert memo.restore(path, "k") is False
    path.write_bytes(pickle.dumps((memo.FORMAT + 1, "k", {})))
    assert memo.restore(path, "k") is False
    assert gc.isenabled()  # paused while reading, whatever the file held


def test_restored_results_are_left_to_reference_counting(carries, tmp_path):
    carry, _ = carries
    _pass(carry, None, ["a"], [])
    path = tmp_path / "carried.pickle"
    memo.save(path, "k")
    memo.forget()
    frozen = gc.get_freeze_count()
    try:
        assert memo.restore(path, "k") and gc.isenabled()
        assert gc.get_freeze_count() > frozen  # the collector of cycles leaves them alone
    finally:
        gc.unfreeze()


def test_a_context_only_this_process_knows_is_left_out_and_the_others_saved(carries, tmp_path):
    carry, latest = carries
    calls: list[str] = []
    _pass(carry, lambda text: text, ["a"], calls)  # a function made on the fly cannot be saved
    latest.value = 7
    path = tmp_path / "carried.pickle"
    memo.save(path, "k")
    memo.forget()
    assert memo.restore(path, "k") and latest.value == 7
    _pass(carry, None, ["a"], calls)
    assert calls == ["a", "a"]


def test_among_the_changes_too_a_context_only_this_process_knows_is_left_out(three, tmp_path):
    carry, latest, _ = three
    calls: list[str] = []
    path = tmp_path / "carried.pickle"
    _saved_and_restored(path, carry, None, calls)
    _pass(carry, lambda text: text, ["a"], calls)
    latest.value = 7
    memo.save(path, "k")
    assert memo.changes_file(path).exists()
    memo.forget()
    assert memo.restore(path, "k") and latest.value == 7
    calls.clear()
    _pass(carry, None, _keys(40), calls)  # the saved context, with its results
    assert calls == []


def test_nothing_is_written_when_nothing_was_computed(carries, tmp_path):
    carry, _ = carries
    calls: list[str] = []
    _pass(carry, None, ["a"], calls)
    path = tmp_path / "carried.pickle"
    memo.save(path, "k")
    stamp = path.stat().st_mtime_ns
    assert memo.restore(path, "k")
    _pass(carry, None, ["a"], calls)  # all carried
    memo.save(path, "k")
    assert path.stat().st_mtime_ns == stamp
    _pass(carry, None, ["a", "new"], calls)
    memo.save(path, "k")
    memo.forget()
    assert memo.restore(path, "k")
    _pass(carry, None, ["new"], calls)
    assert calls == ["a", "new"]


@pytest.fixture
def three(carries):
    """The two carries of this test and a table, unregistered afterwards; every other carry empty (the
    share of the file that changes is weighed against all of them)."""
    memo.forget()
    table = Table("test.c")
    yield (*carries, table)
    memo._ALL.pop("test.c", None)


def _keys(n: int, prefix: str = "k") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def _saved_and_restored(path: Path, carry: Carry, context: object, calls: list[str]) -> None:
    """A file saved with 40 results of ``carry``, and a new process started from it."""
    _pass(carry, context, _keys(40), calls)
    memo.save(path, "k")
    memo.forget()
    assert memo.restore(path, "k")


def test_changes_are_saved_beside_the_file_until_they_outgrow_it(three, tmp_path):
    carry, latest, table = three
    calls: list[str] = []
    path = tmp_path / "carried.pickle"
    _pass(carry, "ctx", _keys(40), calls)
    latest.value = 1
    for key in _keys(40, "t"):
        table[key] = key
    memo.save(path, "k")
    whole = path.read_bytes()
    memo.forget()
    assert memo.restore(path, "k")
    _pass(carry, "ctx", [*_keys(39), "new"], calls)  # one entry edited: one result computed
    latest.value = 2
    table["t0"] = "changed"
    table.pop("t1")
    memo.save(path, "k")
    assert path.read_bytes() == whole and memo.changes_file(path).exists()
    memo.forget()  # a new process
    assert memo.restore(path, "k")
    assert (latest.value, table.get("t0"), "t1" in table, "t2" in table) == (2, "changed", False, True)
    calls.clear()
    _pass(carry, "ctx", [*_keys(39), "new"], calls)
    assert calls == []
    _pass(carry, "ctx", [*_keys(39), "new", "newer"], calls)  # changes saved again: both edits in them
    memo.save(path, "k")
    assert path.read_bytes() == whole
    memo.forget()
    assert memo.restore(path, "k")
    _pass(carry, "ctx", ["new", "newer"], calls)
    assert calls == ["newer"]
    _pass(carry, "ctx", ["new", *_keys(40, "more")], calls)  # more than a quarter of the file: written whole
    memo.save(path, "k")
    assert path.read_bytes() != whole and not memo.changes_file(path).exists()
    memo.forget()
    assert memo.restore(path, "k") and latest.value == 2 and table.get("t0") == "changed"
    calls.clear()
    _pass(carry, "ctx", ["new", "k3"], calls)  # the file keeps what the last pass asked for, no more
    assert calls == ["k3"]


def test_a_carry_given_another_context_is_saved_whole_among_the_changes(three, tmp_path):
    carry, _, _ = three
    calls: list[str] = []
    path = tmp_path / "carried.pickle"
    _saved_and_restored(path, carry, "glossary 1", calls)
    _pass(Carry("test.new"), None, ["x"], calls)  # a carry the file does not have yet
    _pass(carry, "glossary 2", ["a"], calls)
    memo.save(path, "k")
    del memo._ALL["test.new"]
    assert memo.changes_file(path).exists()
    memo.forget()
    assert memo.restore(path, "k")
    calls.clear()
    _pass(carry, "glossary 2", ["a"], calls)
    late = Carry("test.new")
    _pass(late, None, ["x"], calls)
    del memo._ALL["test.new"]
    assert calls == []


def test_changes_made_to_another_version_of_the_file_or_broken_are_left_alone(three, tmp_path):
    carry, _, _ = three
    calls: list[str] = []
    path = tmp_path / "carried.pickle"
    _saved_and_restored(path, carry, None, calls)
    _pass(carry, None, [*_keys(40), "edited"], calls)
    memo.save(path, "k")
    changes = memo.changes_file(path).read_bytes()
    memo.forget()  # meanwhile another process writes the file whole (and removes its changes)
    _pass(carry, None, _keys(40), calls)
    memo.save(path, "k")
    memo.changes_file(path).write_bytes(changes)  # the first process's changes, made to the old file
    memo.forget()
    assert memo.restore(path, "k")
    calls.clear()
    _pass(carry, None, [*_keys(40), "edited"], calls)
    assert calls == ["edited"]  # not from changes to another file
    memo.changes_file(path).write_bytes(changes[:20])
    memo.forget()
    assert memo.restore(path, "k")  # the file alone
    calls.clear()
    _pass(carry, None, _keys(40), calls)
    assert calls == []


def test_a_new_process_after_an_edit_links_only_that_entry_and_gives_the_same_pages(tmp_path, monkeypatch):
    collection = load(MINI).collection

    def one_pass(c) -> tuple:
        ix = derive(c)
        return ix.linked, ix.related, render_site(ix), [answer_pages(ix, lang, jieba.cut) for lang in LANGS]

    memo.forget()
    one_pass(collection)
    path = tmp_path / "carried.pickle"
    memo.save(path, memo.code_digest())
    memo.forget()  # a new process: nothing but the file
    assert memo.restore(path, memo.code_digest())
    one_pass(collection)
    assert memo._computed is False  # every context compared equal to the saved one: nothing computed
    linked: list[str] = []
    link = derive_module.link_paragraphs
    monkeypatch.setattr(derive_module, "link_paragraphs", lambda *a, **k: linked.append(a[1]) or link(*a, **k))
    first = collection.answers[0]
    edited = dataclasses.replace(first, paragraphs=(first.paragraphs[0] + "（改）", *first.paragraphs[1:]))
    changed = dataclasses.replace(collection, answers=(edited, *collection.answers[1:]))
    carried = one_pass(changed)
    assert linked == ["zh"]  # only the edit
    memo.forget()
    assert carried == one_pass(changed)  # what a process with nothing carried computes


def test_a_load_parses_again_only_the_files_that_changed(mini, monkeypatch):
    # Entries (with their translations), questions and the glossary are carried by their contents.
    from kb import load as load_module

    memo.forget()
    load(mini)
    parsed: list[str] = []
    for name in ("parse_yaml", "split_front_matter"):  # a YAML file; an entry's or translation's front-matter
        parse = getattr(load_module, name)
        monkeypatch.setattr(load_module, name, lambda text, rel, *rest, parse=parse, **options:
                            parsed.append(rel) or parse(text, rel, *rest, **options))
    assert load(mini).collection == load_module.load(mini).collection and parsed == []
    for rel, again in (("glossary/terms.yml", ["glossary/terms.yml"]),
                       ("answers/100/question.yml", ["answers/100/question.yml"]),
                       ("answers/100/beta.en.md", ["answers/100/beta.md", "answers/100/beta.en.md"])):
        path = mini / rel
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        found = load(mini)
        assert parsed == again
        memo.forget()
        assert found == load(mini)  # what a process with nothing carried loads
        parsed.clear()


def test_kb_generate_in_a_new_process_starts_from_the_last_and_writes_the_same_pages(mini, tmp_path):
    def generate(cache: Path) -> dict[str, bytes]:
        env = {**os.environ, memo.CACHE_ENV: str(cache)}
        subprocess.run([sys.executable, "-m", "kb", "generate", "--root", str(mini)], check=True, env=env,
                       capture_output=True, cwd=ROOT)
        out = mini / "docs" / "_generated"
        return {name: (out / name).read_bytes() for name in outputs(out)}

    generate(tmp_path / "warm")
    saved = next((tmp_path / "warm").glob("carried-*.pickle"))
    path = mini / "answers/100/alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二段，", "第二段落，"), encoding="utf-8")
    before = saved.stat().st_mtime_ns
    warm = generate(tmp_path / "warm")
    # The edit was computed, and saved for the next beside the file, which is not written again.
    assert saved.stat().st_mtime_ns == before and memo.changes_file(saved).exists()
    cold = generate(tmp_path / "cold")
    assert warm == cold
    assert any("第二段落" in text.decode() for text in warm.values())


def test_kb_check_in_a_new_process_reports_a_carried_entrys_problems_until_it_is_fixed(mini):
    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kb", "check", str(mini)], capture_output=True, text=True,
                              cwd=ROOT)

    alpha, beta = mini / "answers/100/alpha.md", mini / "answers/100/beta.md"
    good = {path: path.read_text(encoding="utf-8") for path in (alpha, beta)}
    alpha.write_text(good[alpha].replace("stance: not-maths", "stance: nope"), encoding="utf-8")  # the checks
    beta.write_text(good[beta].replace("order: 2", "order: two"), encoding="utf-8")  # the parse
    first = check()
    assert first.returncode == 1
    assert "answers/100/alpha.md:13: stance: unknown stance 'nope'" in first.stderr
    assert "answers/100/beta.md:4: order: expected a whole number" in first.stderr
    assert memo.cache_file(mini).exists()
    again = check()  # the entries' parse and its problems come from the file now
    assert (again.returncode, again.stderr) == (first.returncode, first.stderr)
    for path, text in good.items():
        path.write_text(text, encoding="utf-8")
    assert check().returncode == 0


def test_a_new_process_after_an_edit_to_one_entrys_text_reads_nothing_it_has_carried(mini, tmp_path):
    # jieba.analyse loads jieba's part-of-speech tagger (a second reading of its dictionary), pypinyin
    # takes a quarter of a second to import and jieba's IDF table as long to read; the pages not
    # rendered again are known to be on disk as written; jieba's whole dictionary takes half a second to
    # read, and a paragraph needs the words of its own characters only. A rebuild that recomputes one
    # entry's text, with words the collection already has, needs none of them.
    heavy = ("jieba.analyse", "jieba.posseg", "pypinyin")
    script = f"""
import builtins, pathlib, sys
from kb.cli import main
from kb import dictionary, related
reads = []
read_bytes, opened = pathlib.Path.read_bytes, builtins.open
pathlib.Path.read_bytes = lambda path: reads.append(path) or read_bytes(path)
builtins.open = lambda file, mode="r", *rest, **options: (
    mode == "rb" and reads.append(pathlib.Path(file))) or opened(file, mode, *rest, **options)
main(['generate', '--root', sys.argv[1]])
generated = [path for path in reads if '_generated' in path.parts]
print(*[m for m in {heavy!r} if m in sys.modules], *['idf'] * related.idf.cache_info().currsize,
      *['idf-file'] * related._idf_file.cache_info().currsize, *['read'] * bool(generated),
      *['dictionary'] * bool(dictionary.whole.cache_info().currsize or dictionary._asked))
"""

    def loaded() -> list[str]:
        env = {**os.environ, memo.CACHE_ENV: str(tmp_path / "carried")}
        done = subprocess.run([sys.executable, "-c", script, str(mini)], check=True, env=env, capture_output=True,
                              text=True, cwd=ROOT)
        return done.stdout.splitlines()[-1].split()

    # From nothing: collation keys and keywords computed, jieba's dictionary read whole (by this process, or
    # by a child while it loaded the collection) and kept in buckets.
    assert loaded() == ["pypinyin", "idf", "idf-file", "dictionary"]
    assert (tmp_path / "carried" / buckets_file().name).is_file()
    path = mini / "answers/100/alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二段，", "第二段，核方法不难，"), encoding="utf-8")
    assert loaded() == []
    assert "第二段，核方法不难" in (mini / "docs/_generated/zh/answers/alpha.md").read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("第二段，", "第二段，梯度消失，"), encoding="utf-8")
    assert loaded() == ["idf-file"]  # a word new to the collection: looked up, the table not read
    (mini / "docs/_generated/zh/answers/beta.md").write_text("changed by hand", encoding="utf-8")
    assert loaded() == ["read"]  # a page changed behind kb's back is read, and written again
    assert "changed by hand" not in (mini / "docs/_generated/zh/answers/beta.md").read_text(encoding="utf-8")


@needs_fork
def test_what_a_forked_child_carried_comes_back_referring_to_what_both_held(tmp_path):
    """A child forked after memo.snapshot() hands its changes back (changes_since, take_changes): a
    result both processes held is the parent's very object again, what only the parent changed stays,
    a carry made in the child alone arrives as a saved one would, and all of it is saved and restored."""
    in_new_process("""
        import sys
        from kb import memo
        from kb.memo import Carry, Latest, Table

        path = Path(sys.argv[2]) / "carried.pickle"
        redone, mine, table, latest = Carry("t.redone"), Carry("t.mine"), Table("t.table"), Latest("t.latest")
        shared = ("an entry", ("its", "text"))
        for carry in (redone, mine):
            carry.start("context")
            carry.get("a", lambda: shared)
        # What results refer to: the collection as read (a source carry), and another carry's results.
        source, other = Carry("t.source", source=True), Carry("t.other")
        entry, label = ["the collection"], ["a label"]
        source.start()
        source.get("e", lambda: entry)
        other.start()
        other.get("l", lambda: label)
        for n in range(100):  # a file large enough for what follows to be saved as changes beside it
            table[f"old{n}"] = n
        table["zh"], table["en"], table["gone"] = "zh 0", "en 0", "to be removed"
        latest.value = "before"
        memo.save(path, "key")
        snap = memo.snapshot()

        def child():
            redone.start("context")  # a new pass: reuses a, computes b
            redone.get("a", lambda: "computed again")
            redone.get("b", lambda: ("new", shared))
            mine.start("the child's")
            mine.get("c", lambda: "the child's")
            table["en"], table["shared"] = "en 1", shared
            table["entry"], table["label"] = entry, label
            table.pop("gone")
            table["zh"] = "the child's"
            latest.value = "after"
            Table("t.late")["x"] = 1  # made after the fork, in the child alone
            return memo.changes_since(snap, extra=["a message"])

        def parent():
            mine.start("the parent's")
            mine.get("d", lambda: "the parent's")
            table["zh"] = "zh 1"

        _, sent = forked.aside(child, parent)
        assert sent is not None, "the child failed"
        assert memo.take_changes(snap, sent) == ["a message"]
        assert redone.state()[1] == {"a": shared, "b": ("new", shared)}
        assert redone.state()[1]["a"] is shared and redone.state()[1]["b"][1] is shared
        assert mine.state() == ("the parent's", {"d": "the parent's"})
        assert table["zh"] == "zh 1" and table["en"] == "en 1" and "gone" not in table
        assert table["shared"] is shared
        # The source's object comes back as itself; one held only by a carry the child left alone, as an
        # equal copy (numbering every carry's objects cost more than the few copies).
        assert table["entry"] is entry and table["label"] == label and table["label"] is not label
        table.pop("entry"), table.pop("label")
        assert latest.value == "after"
        assert Table("t.late")["x"] == 1

        memo.save(path, "key")
        assert memo.changes_file(path).exists(), "the changes were not saved beside the file"
        for name in ("t.late",):
            memo._ALL.pop(name)
        memo.forget()
        assert memo.restore(path, "key")
        assert redone.state()[1] == {"a": shared, "b": ("new", shared)}
        assert dict(table.items()) == {**{f"old{n}": n for n in range(100)}, "zh": "zh 1", "en": "en 1",
                                       "shared": shared}
        assert latest.value == "after" and Table("t.late")["x"] == 1
    """, tmp_path)
