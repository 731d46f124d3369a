"""Work shared with a forked child (kb.forked) gives exactly what this process alone would, whatever
the child does; and the generator's cuts, links, keywords and related answers, shared, are those
computed alone.

The tests that fork run in a new interpreter: the suite's own servers (the built site's, for the
browser tests) are threads, and kb.forked never forks a process with another thread running."""

from __future__ import annotations

import os
import threading

from kb import forked

from support.forking import in_new_process, needs_fork


@needs_fork
def test_every_second_item_is_computed_by_a_child_and_all_come_back_in_order(tmp_path):
    in_new_process("""
        parent = os.getpid()
        results = forked.shared_map(lambda n: (n * n, os.getpid()), list(range(7)))
        assert [square for square, _ in results] == [n * n for n in range(7)]
        pids = [pid for _, pid in results]
        assert pids[1::2] == [parent] * 3, pids
        assert len(set(pids[0::2])) == 1 and pids[0] != parent, pids
    """, tmp_path)


@needs_fork
def test_the_child_sends_results_packed_and_unpacked_with_their_item(tmp_path):
    in_new_process("""
        results = forked.shared_map(len, ["a", "bb", "ccc", "dddd"], pack=lambda item, n: item + str(n * 10),
                                    unpack=lambda item, sent: (item, sent))
        assert results == [("a", "a10"), 2, ("ccc", "ccc30"), 4], results
    """, tmp_path)


@needs_fork
def test_a_child_that_dies_leaves_its_share_to_this_process(tmp_path):
    in_new_process("""
        parent = os.getpid()

        def square(n):
            if os.getpid() != parent:
                os._exit(3)  # the child dies without sending anything
            return n * n

        assert forked.shared_map(square, list(range(6))) == [n * n for n in range(6)]
    """, tmp_path)


@needs_fork
def test_a_child_whose_results_do_not_pickle_leaves_its_share_to_this_process(tmp_path):
    in_new_process("""
        parent = os.getpid()

        def unpicklable(n):
            return (lambda: n) if os.getpid() != parent else n  # a lambda cannot be pickled

        assert forked.shared_map(unpicklable, [5, 6, 7]) == [5, 6, 7]
    """, tmp_path)


@needs_fork
def test_an_error_in_this_process_stops_the_child_and_is_raised(tmp_path):
    in_new_process("""
        import sys
        parent, mark = os.getpid(), Path(sys.argv[2]) / "child"

        def work(n):
            if os.getpid() != parent:
                mark.write_text(str(os.getpid()))
                time.sleep(60)
                return n
            for _ in range(1000):  # let the child start before this process fails
                if mark.exists() and mark.read_text():
                    break
                time.sleep(0.01)
            raise ValueError("broken entry")

        try:
            forked.shared_map(work, [1, 2])
        except ValueError as error:
            assert str(error) == "broken entry"
        else:
            raise AssertionError("the error was not raised")
        try:  # killed and reaped, not left running or a zombie
            os.kill(int(mark.read_text()), 0)
        except ProcessLookupError:
            pass
        else:
            raise AssertionError("the child is still there")
    """, tmp_path)


def test_without_worth_or_with_another_thread_running_this_process_works_alone():
    parent = os.getpid()
    assert {pid for pid in forked.shared_map(lambda n: os.getpid(), list(range(4)), worth=False)} == {parent}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.can_fork()
        assert {pid for pid in forked.shared_map(lambda n: os.getpid(), list(range(4)))} == {parent}
    finally:
        stop.set()
        other.join()


@needs_fork
def test_a_patient_aside_lets_the_child_finish_when_this_process_fails(tmp_path):
    in_new_process("""
        import sys
        folder = Path(sys.argv[2])
        for patient in (True, False):
            done = folder / f"done-{patient}"

            def theirs():
                time.sleep(0.5)  # still working when this process fails
                done.write_text("written")
                return b""

            def mine():
                raise ValueError("broken entry")

            try:
                forked.aside(theirs, mine, patient=patient)
            except ValueError as error:
                assert str(error) == "broken entry"
            else:
                raise AssertionError("the error was not raised")
            assert done.exists() == patient, patient  # finished, or killed
    """, tmp_path)


@needs_fork
def test_entries_cut_linked_and_weighed_by_a_child_are_those_made_alone(tmp_path):
    in_new_process("""
        import sys
        from kb import memo, related, terms
        from kb.derive import derive
        from kb.load import load
        from kb.model import LANGS
        from kb.synthetic import make_collection

        collection = load(make_collection(Path(sys.argv[1]), Path(sys.argv[2]) / "project", 40)).collection
        terms.SHARE_FROM = related.SHARE_FROM = 10 ** 9
        alone = derive(collection)
        expected = {key: alone.tokens[key] for key in alone.tokens}
        memo.forget()
        terms.cut_cache.cache_clear()  # not the cuts the first derivation made
        import kb.derive
        kb.derive.SHARE_FROM = 0
        weighed = []
        keywords = kb.derive.keywords
        kb.derive.keywords = lambda words: weighed.append(os.getpid()) or keywords(words)
        forks, fork = [], os.fork
        os.fork = lambda: forks.append(1) or fork()
        shared = derive(collection)
        assert forks, "the entries were not shared"
        assert weighed == [os.getpid()] * (len(collection.answers) // 2), weighed  # the child weighed the rest
        assert {key: shared.tokens[key] for key in shared.tokens} == expected
        assert shared.linked == alone.linked and shared.related == alone.related
        assert related.last_vectors() and all(shared.linked[key] is not alone.linked[key] for key in shared.linked)
    """, tmp_path)


@needs_fork
def test_related_answers_scored_on_two_cores_are_those_scored_on_one(tmp_path):
    in_new_process("""
        import sys
        from kb import memo, related, terms
        from kb.derive import derive
        from kb.load import load
        from kb.synthetic import make_collection

        collection = load(make_collection(Path(sys.argv[1]), Path(sys.argv[2]) / "project", 80)).collection
        terms.SHARE_FROM = related.SHARE_FROM = 10 ** 9  # only the scoring is shared, and not yet
        alone = derive(collection).related
        memo.forget()
        related.SHARE_FROM = 1
        forks, fork = [], os.fork
        os.fork = lambda: forks.append(1) or fork()
        assert derive(collection).related == alone
        assert forks, "the scoring was not shared"
    """, tmp_path)
