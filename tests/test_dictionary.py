"""jieba's dictionary read bucket by bucket cuts exactly as jieba's own, whole dictionary."""

from __future__ import annotations

import importlib.util
import marshal
import subprocess
import sys

import jieba
import pytest

from kb import dictionary
from kb.dictionary import Words, buckets_file, fresh, whole
from kb.pipeline import load_checked
from kb.search_index import user_words

from support.forking import in_new_process, needs_fork
from support.site import ROOT

COLLECTION = load_checked(ROOT).collection
WORDS = user_words(COLLECTION)
# Every Chinese text of the collection: titles, summaries and paragraphs, with a few awkward ones
# (Latin inside Han, digits, full-width marks, a rare character, a word longer than any in the dictionary).
TEXTS = [text for answer in COLLECTION.answers
         for text in (answer.title.zh, answer.summary.zh, *answer.body("zh"))] + [
    "用GPU训练ResNet-152，top-5错误率3.57%。", "“调参”——炼丹？", "𠇹字与俓字", "深度学习" * 12]


def jiebas_own(words) -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in words:
        tk.add_word(word)
    return tk


def taught(tk: jieba.Tokenizer, words) -> jieba.Tokenizer:
    for word in words:
        tk.add_word(word)
    return tk


def cuts(tk: jieba.Tokenizer, texts) -> list[list]:
    return [list(tk.tokenize(text, HMM=True)) for text in texts] + [list(tk.cut(text, HMM=False)) for text in texts]


@pytest.fixture(scope="module")
def own() -> jieba.Tokenizer:
    whole()  # the buckets are written the first time the whole dictionary is read
    assert buckets_file().is_file()
    whole.cache_clear()  # as in a later process: the buckets are there, the whole table is not read
    return jiebas_own(WORDS)


def test_the_tokenizers_of_a_process_decode_each_bucket_once_and_cut_as_jieba(own, monkeypatch):
    # kb.terms' tokenizer and jieba's own are taught the same words in each build: the second
    # decodes none of the buckets the first has read.
    text = COLLECTION.answers[1].body("zh")[0]
    dictionary._read_buckets.cache_clear()  # none decoded yet (as in a new process)
    decoded: list[bytes] = []
    loads = marshal.loads
    monkeypatch.setattr(dictionary.marshal, "loads", lambda data: decoded.append(data) or loads(data))
    first = taught(fresh(jieba.Tokenizer()), WORDS)
    assert cuts(first, [text]) == cuts(own, [text])
    read = len(decoded)
    second = taught(fresh(jieba.Tokenizer()), WORDS)
    assert cuts(second, [text]) == cuts(own, [text])
    assert read >= first.FREQ.buckets_read == second.FREQ.buckets_read > 0 and len(decoded) == read
    assert isinstance(second.FREQ, Words) and second.FREQ._known is not first.FREQ._known


def test_a_paragraph_is_cut_as_jieba_cuts_it_after_reading_only_the_buckets_of_its_characters(own):
    text = COLLECTION.answers[0].body("zh")[0]
    tk = taught(fresh(jieba.Tokenizer()), WORDS)
    assert isinstance(tk.FREQ, Words)
    assert cuts(tk, [text]) == cuts(own, [text])
    assert isinstance(tk.FREQ, Words)  # never read whole
    assert 0 < tk.FREQ.buckets_read <= len({ord(c) % dictionary.BUCKETS for c in text + "".join(WORDS)})
    assert tk.total == own.total


def test_the_whole_collection_is_cut_as_jieba_cuts_it_and_the_table_becomes_jiebas_own(own):
    tk = taught(fresh(jieba.Tokenizer()), WORDS)
    assert cuts(tk, TEXTS) == cuts(own, TEXTS)
    assert type(tk.FREQ) is dict  # read whole once enough buckets were needed: full speed again
    assert tk.FREQ == own.FREQ and tk.total == own.total


@pytest.mark.parametrize("promote_at", [0, 1, 40])
def test_reading_the_rest_at_any_moment_changes_no_cut_and_keeps_the_words_added(own, monkeypatch, promote_at):
    monkeypatch.setattr(dictionary, "PROMOTE_AT", promote_at)
    tk = taught(fresh(jieba.Tokenizer()), WORDS)
    assert cuts(tk, TEXTS[:5]) == cuts(own, TEXTS[:5])
    tk.add_word("深度学习专家急缺", 7)  # a word set after the table was read whole
    if isinstance(tk.FREQ, Words):
        tk.FREQ.promote()
    reference = taught(jiebas_own(WORDS), [])
    reference.add_word("深度学习专家急缺", 7)
    assert tk.FREQ == reference.FREQ and tk.total == reference.total


def test_tokenizers_that_read_the_rest_merge_the_buckets_once_and_keep_their_own_words(own, monkeypatch):
    monkeypatch.setattr(dictionary, "PROMOTE_AT", 0)
    dictionary._merged.cache_clear()
    merges = []
    merge = dictionary._merged.__wrapped__
    monkeypatch.setattr(dictionary, "_merged", dictionary.cache(lambda parts: merges.append(1) or merge(parts)))
    one, two = fresh(jieba.Tokenizer()), fresh(jieba.Tokenizer())
    assert isinstance(one.FREQ, Words) and isinstance(two.FREQ, Words)
    one.add_word("深度学习专家急缺", 7)  # its first lookup reads the rest; the word is this tokenizer's only
    assert "深度" in two.FREQ  # the other reads the rest too
    two.add_word("炼丹师", 3)  # not seen by the first, nor by the merged table
    assert type(one.FREQ) is dict and type(two.FREQ) is dict
    assert len(merges) == 1
    reference_one, reference_two = jiebas_own([]), jiebas_own([])
    reference_one.add_word("深度学习专家急缺", 7)
    reference_two.add_word("炼丹师", 3)
    assert one.FREQ == reference_one.FREQ and two.FREQ == reference_two.FREQ


def test_buckets_of_another_dictionary_are_ignored_and_written_again(own):
    path = buckets_file()
    saved = path.read_bytes()
    try:
        path.write_bytes(marshal.dumps(("another dictionary", 1, tuple(b"" for _ in range(dictionary.BUCKETS)))))
        dictionary._read_buckets.cache_clear()
        tk = fresh(jieba.Tokenizer())
        table = tk.FREQ
        assert type(table) is dict and table == whole()[0]  # the whole table, as read once per process
        whole.cache_clear()
        whole()
        assert dictionary._read_buckets() is not None  # written again for jieba's own dictionary
        written = path.read_bytes()
        for broken in (b"not buckets at all", b"", written[:len(written) // 2],  # truncated
                       written[:dictionary._HEADER - 16] + bytes(8) + written[dictionary._HEADER - 8:]):  # offsets
            path.write_bytes(broken)
            dictionary._read_buckets.cache_clear()
            assert dictionary._read_buckets() is None and type(fresh(jieba.Tokenizer()).FREQ) is dict
    finally:
        path.write_bytes(saved)
        dictionary._read_buckets.cache_clear()


def test_each_tokenizer_gets_its_own_table(own):
    first, second = fresh(jieba.Tokenizer()), fresh(jieba.Tokenizer())
    first.add_word("急缺专家")
    assert "急缺专家" not in second.FREQ and second.FREQ.get("急缺专家") is None
    assert "急缺专家" not in fresh(first).FREQ  # the table is new each time: what it was taught is forgotten


def test_a_process_that_has_read_the_whole_dictionary_copies_it(own):
    whole()
    try:
        table = fresh(jieba.Tokenizer()).FREQ
        assert type(table) is dict and table is not whole()[0] and table == jiebas_own([]).FREQ
    finally:
        whole.cache_clear()


def test_jieba_is_imported_without_pkg_resources_and_reads_the_same_dictionary():
    """kb imports jieba without ``pkg_resources`` (45 ms of imports; kb._jieba): jieba then opens its
    files beside its module, and reads the same dictionary as through ``pkg_resources``. What `kb check`
    imports does not import jieba at all."""
    read = ("tk = jieba.Tokenizer(); tk.initialize(); "
            "print(tk.total, len(tk.FREQ), '/'.join(tk.cut('深度学习的专家如此急缺，它难在何处？')))")
    ours = subprocess.run([sys.executable, "-c", "import sys, kb.cli, kb.load, kb.validate, kb.memo; "
                           "assert 'jieba' not in sys.modules, 'jieba imported to check'; "
                           "import kb.pipeline, jieba, jieba._compat; "
                           "assert 'pkg_resources' not in sys.modules, 'imported'; "
                           "assert not hasattr(jieba._compat, 'pkg_resources'), 'used'; " + read],
                          capture_output=True, text=True, check=True).stdout
    assert ours.split()[-1] == "深度/学习/的/专家/如此/急缺/，/它/难/在/何处/？"
    if importlib.util.find_spec("pkg_resources") is None:
        pytest.skip("no setuptools here: jieba reads its files directly either way")
    through = subprocess.run([sys.executable, "-c", "import pkg_resources, jieba; " + read],
                             capture_output=True, text=True, check=True).stdout
    assert ours == through


def test_words_taught_again_get_the_frequencies_jieba_suggested_without_suggesting_them(monkeypatch):
    from kb.dictionary import _SUGGESTED, taught

    words = tuple(WORDS)
    _SUGGESTED.clear()
    first = taught(jieba.Tokenizer(), words)
    assert _SUGGESTED[words] == tuple(first.FREQ[word] for word in words)

    def suggesting(*args, **kwargs):
        raise AssertionError("a frequency was suggested again")

    monkeypatch.setattr(jieba.Tokenizer, "suggest_freq", suggesting)
    again = taught(jieba.Tokenizer(), words)
    assert again.total == first.total
    assert all(again.FREQ[word] == first.FREQ[word] for word in words)
    assert cuts(again, TEXTS) == cuts(first, TEXTS)
    monkeypatch.undo()
    assert cuts(first, TEXTS) == cuts(jiebas_own(WORDS), TEXTS)  # and both are jieba's own


def test_only_the_last_few_lists_of_words_keep_their_frequencies():
    from kb.dictionary import _SUGGESTED, KEEP_SUGGESTED, taught

    _SUGGESTED.clear()
    lists = [("深度学习", f"词{n}") for n in range(KEEP_SUGGESTED + 2)]
    for words in lists:
        taught(jieba.Tokenizer(), words)
    assert list(_SUGGESTED) == lists[-KEEP_SUGGESTED:]


@needs_fork
def test_a_child_writes_the_buckets_while_this_process_loads_and_this_process_then_reads_them_whole(tmp_path):
    in_new_process("""
        import jieba
        from kb import dictionary

        parent, forks, fork = os.getpid(), [], os.fork
        os.fork = lambda: forks.append(1) or fork()
        assert not dictionary.buckets_file().exists()
        assert dictionary.meanwhile(lambda: os.getpid()) == parent  # the work is done here
        assert forks and dictionary.buckets_file().is_file()  # the buckets by a child
        assert not dictionary.whole.cache_info().currsize  # this process never read jieba's table
        tk = dictionary.taught(jieba.Tokenizer(), ("深度学习专家",))
        assert type(tk.FREQ) is dict  # all of it, at once: the whole collection will be cut
        own = jieba.Tokenizer()
        own.initialize()
        own.add_word("深度学习专家")
        assert tk.FREQ == own.FREQ and tk.total == own.total
        dictionary.meanwhile(lambda: None)
        assert len(forks) == 1  # once per process
        dictionary._read_buckets.cache_clear()  # as a later process finds them
        assert isinstance(dictionary.fresh(jieba.Tokenizer()).FREQ, dictionary.Words)  # read as needed
    """, tmp_path)


@needs_fork
def test_the_buckets_are_written_even_when_the_work_meanwhile_fails(tmp_path):
    in_new_process("""
        from kb import dictionary

        def broken():
            raise ValueError("broken entry")

        try:
            dictionary.meanwhile(broken)
        except ValueError:
            pass
        else:
            raise AssertionError("the error was not raised")
        assert dictionary.buckets_file().is_file()
        assert not list(dictionary.buckets_file().parent.glob("*.tmp"))  # no half-written file left
    """, tmp_path)
