"""A full build runs the two languages at once, English in a forked child (kb.site._build_languages):
the site and what is carried to the next build are those of one language after the other, the
child's messages come after the Chinese build's, and whatever the child does, the site is whole.

The builds run in a new interpreter (support.forking): the suite's servers are threads."""

from __future__ import annotations

import os
import pickle
import textwrap

from kb.site import _cleaning_all_but

from support.forking import in_new_process, needs_fork
from support.site import real_project

# The script's first lines: the real collection, a build of both languages into a site folder, and
# each language's builder noted in pid-<lang> (the child's pid for English when built at once).
SETUP = """
import gc, logging, pickle, sys
from kb import memo, site
from kb.pipeline import generate, one_pass

root, tmp = Path(sys.argv[1]), Path(sys.argv[2])
parent = os.getpid()
site.configure_logging()
build_language = site.build_language

def noted(root, lang, site_dir, **options):
    (tmp / f"pid-{lang}").write_text(str(os.getpid()))
    return build_language(root, lang, site_dir, **options)

site.build_language = noted

def build(site_dir, incremental=False):
    with one_pass(root):
        generate(root)
        return site.build_site(root, site_dir, incremental=incremental)

def builders():
    return {lang: int((tmp / f"pid-{lang}").read_text()) for lang in ("zh", "en")}

def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

def note_writers(name):
    # Each process that writes generated pages noted in <name>.writers, as pid:languages.
    from kb import pipeline
    write_pages = pipeline.write_pages

    def noted_write(out_dir, pages, keep=()):
        with (tmp / f"{name}.writers").open("a") as notes:
            notes.write(f"{os.getpid()}:{'+'.join(sorted({page.split('/')[0] for page in pages}))} ")
        return write_pages(out_dir, pages, keep)

    pipeline.write_pages = noted_write
"""


def with_setup(body: str, tmp_path) -> str:
    return in_new_process(SETUP + textwrap.dedent(body), tmp_path)


@needs_fork
def test_both_languages_at_once_give_the_site_and_the_carried_state_of_one_after_the_other(tmp_path):
    logs = {}
    for way in ("at once", "one after the other"):
        logs[way] = with_setup(f"""
            way = {way!r}
            if way != "at once":
                forked.can_fork = lambda: False
            with memo.carried(root, fresh=True):
                build(tmp / "site")
            alone = set(builders().values()) == {{parent}}
            assert alone == (way != "at once"), builders()
            assert (gc.get_freeze_count() > 0) == (way == "at once")  # what both processes share, frozen
            (tmp / f"{{way}}.site").write_bytes(pickle.dumps(files(tmp / "site")))
            (tmp / f"{{way}}.carried").write_bytes(memo.cache_file(root).read_bytes())
        """, tmp_path)
    _assert_same_site_and_state(tmp_path, *logs)
    for log in logs.values():  # the English build's messages after the Chinese build's
        zh, en = (log.index(f"Building documentation to directory: {tmp_path / 'site'}{sub}\n") for sub in ("", "/en"))
        assert zh < log.index("Documentation built in") < en, log
        assert log.count("Documentation built in") == 2


def _assert_same_site_and_state(tmp_path, one: str, other: str) -> None:
    """Both ways built the same site and left the same carried state."""
    assert (tmp_path / f"{one}.site").read_bytes() == (tmp_path / f"{other}.site").read_bytes()
    states = []
    for way in (one, other):
        _, _, _, _, saved = pickle.loads((tmp_path / f"{way}.carried").read_bytes())
        saved["search_index.written"] = sorted(saved["search_index.written"][0])  # not the index's file times
        saved["write.known"] = {path: text for path, (text, *_) in saved["write.known"][0].items()}  # nor the pages'
        states.append(saved)
    assert states[0] == states[1]


@needs_fork
def test_a_full_build_generates_each_language_in_the_process_that_builds_it(tmp_path):
    for way in ("by language", "one after the other"):
        with_setup(f"""
            from kb import pipeline
            way = {way!r}
            note_writers(way)
            (tmp / "pid-zh").unlink(missing_ok=True)  # from the other way's build
            told = []

            def generated(report, warnings):  # before the Chinese build starts
                told.append((str(report), (tmp / "pid-zh").exists()))

            with memo.carried(root, fresh=True), one_pass(root):
                if way == "by language":
                    site.generate_and_build(root, tmp / "site", generated, incremental=False)
                else:
                    forked.can_fork = lambda: False
                    generated(generate(root)[0], ())
                    site.build_site(root, tmp / "site", incremental=False)
            pages = len(pipeline.outputs(root / pipeline.GENERATED_DIR))
            assert told == [(f"0 written, {{pages}} unchanged, 0 removed", False)], told
            writers = (tmp / f"{{way}}.writers").read_text().split()
            if way == "by language":  # English first, then the child builds it while this process goes on
                assert writers == [f"{{parent}}:en", f"{{parent}}:zh"] and builders()["en"] != parent, writers
            else:
                assert writers == [f"{{parent}}:en+zh"] and set(builders().values()) == {{parent}}, writers
            (tmp / f"{{way}}.site").write_bytes(pickle.dumps(files(tmp / "site")))
            (tmp / f"{{way}}.carried").write_bytes(memo.cache_file(root).read_bytes())
        """, tmp_path)
    _assert_same_site_and_state(tmp_path, "by language", "one after the other")


@needs_fork
def test_a_build_after_an_edit_generates_each_language_in_the_process_that_builds_it_too(tmp_path):
    project = real_project(tmp_path)
    with_setup(f"""
        from kb import pipeline
        root, site_dir = Path({str(project)!r}), tmp / "site"
        with memo.carried(root, fresh=True), one_pass(root):
            site.generate_and_build(root, site_dir, lambda report, warnings: None)
        edited = root / "answers/41168257/naiyan-wang.md"
        front, body = edited.read_text(encoding="utf-8").split("\\n---\\n", 1)
        edited.write_text(front + "\\n---\\n" + body.replace("。", "。（编辑）", 1), encoding="utf-8")
        write_pages, writers, told = pipeline.write_pages, [], []

        def noted_write(out_dir, pages, keep=()):
            report = write_pages(out_dir, pages, keep)
            writers.append((os.getpid(), sorted({{page.split('/')[0] for page in pages}}), len(report.written)))
            return report

        def generated(report, warnings):  # before the Chinese build starts
            told.append((str(report), (tmp / "pid-zh").exists()))

        pipeline.write_pages = noted_write
        (tmp / "pid-zh").unlink()
        with memo.carried(root), one_pass(root):
            assert site.generate_and_build(root, site_dir, generated), "not a dirty build"
        assert writers == [(parent, ["en"], 1), (parent, ["zh"], 1)], writers  # the entry's page in each
        assert builders()["en"] != parent and builders()["zh"] == parent
        assert len(told) == 1 and told[0][0].startswith("2 written, ") and told[0][1] is False, told
        assert "（编辑）" in (site_dir / "answers/naiyan-wang.html").read_text(encoding="utf-8")
    """, tmp_path)


@needs_fork
def test_kb_generate_renders_english_in_a_child_meanwhile_and_leaves_what_one_process_would(tmp_path):
    for way in ("at once", "one after the other"):
        project = real_project(tmp_path / way)
        with_setup(f"""
            from kb import derive, pipeline, render
            way, root = {way!r}, Path({str(project)!r})
            if way != "at once":
                forked.can_fork = lambda: False
            note_writers(way)
            with memo.carried(root, fresh=True):
                report, _ = generate(root)
                # The English pages' keys hold the very links derive carried, not copies from the child.
                links = {{id(linked) for linked in derive._LINKED.state()[1].values()}}
                held = [part for key in render._PAGES["en"].state()[1] for part in key[1]
                        if type(part).__name__ == "Linked"]
                assert held and all(id(linked) in links for linked in held)
            pages = pipeline.outputs(root / pipeline.GENERATED_DIR)
            assert str(report) == f"{{len(pages)}} written, 0 unchanged, 0 removed", report
            writers = (tmp / f"{{way}}.writers").read_text().split()
            if way == "at once":
                (child,) = [writer for writer in writers if writer != f"{{parent}}:zh"]
                assert len(writers) == 2 and child.endswith(":en") and not child.startswith(f"{{parent}}:"), writers
            else:
                assert writers == [f"{{parent}}:en+zh"], writers
            (tmp / f"{{way}}.site").write_bytes(pickle.dumps(files(root / pipeline.GENERATED_DIR)))
            _, _, _, _, saved = pickle.loads(memo.cache_file(root).read_bytes())
            known = saved["write.known"][0]  # by path (its project's), with the file's times
            saved["write.known"] = {{path.removeprefix(str(root)): text for path, (text, *_) in known.items()}}
            (tmp / f"{{way}}.carried").write_bytes(pickle.dumps(saved))
        """, tmp_path)
    assert (tmp_path / "at once.site").read_bytes() == (tmp_path / "one after the other.site").read_bytes()
    assert (pickle.loads((tmp_path / "at once.carried").read_bytes())
            == pickle.loads((tmp_path / "one after the other.carried").read_bytes()))


@needs_fork
def test_a_child_that_fails_leaves_english_to_this_process_and_the_site_is_whole(tmp_path):
    with_setup("""
        from kb import search_index

        def dying(root, lang, site_dir, **options):
            if os.getpid() != parent:
                os._exit(3)  # the English build dies half-way
            return noted(root, lang, site_dir, **options)

        site.build_language = dying
        site_dir = tmp / "site"
        build(site_dir)
        assert set(builders().values()) == {parent}
        for sub in ("", "en/"):
            assert (site_dir / sub / "index.html").is_file() and (site_dir / sub / "search/search_index.js").is_file()
        assert {str(site_dir / "search"), str(site_dir / "en" / "search")} == set(dict(search_index._WRITTEN.items()))
    """, tmp_path)


@needs_fork
def test_a_chinese_build_that_fails_stops_the_english_one_and_its_error_is_raised(tmp_path):
    with_setup("""
        from mkdocs.exceptions import Abort

        def failing(root, lang, site_dir, **options):
            if lang == "en":
                (tmp / "child").write_text(str(os.getpid()))
                time.sleep(60)
            for _ in range(1000):  # let the child start before this process fails
                if (tmp / "child").exists() and (tmp / "child").read_text():
                    break
                time.sleep(0.01)
            raise Abort("Aborted with 1 warnings in strict mode!")

        site.build_language = failing
        try:
            build(tmp / "site")
        except Abort as error:
            assert "strict mode" in str(error)
        else:
            raise AssertionError("the error was not raised")
        try:  # killed and reaped, not left running or a zombie
            os.kill(int((tmp / "child").read_text()), 0)
        except ProcessLookupError:
            pass
        else:
            raise AssertionError("the child is still there")
    """, tmp_path)


@needs_fork
def test_a_build_after_an_edit_is_at_once_too_and_gives_what_one_after_the_other_gives(tmp_path):
    project = real_project(tmp_path)
    edited = project / "answers/41168257/naiyan-wang.md"
    original = edited.read_text(encoding="utf-8")
    for way in ("at once", "one after the other"):
        edited.write_text(original, encoding="utf-8")
        with_setup(f"""
            import shutil
            root, way, site_dir = Path({str(project)!r}), {way!r}, tmp / "site"
            shutil.rmtree(site_dir, ignore_errors=True)
            with memo.carried(root, fresh=True):
                build(site_dir)
            edited = root / "answers/41168257/naiyan-wang.md"
            front, body = edited.read_text(encoding="utf-8").split("\\n---\\n", 1)
            edited.write_text(front + "\\n---\\n" + body.replace("。", "。（编辑）", 1), encoding="utf-8")
            (tmp / "pid-en").unlink()
            if way != "at once":
                forked.can_fork = lambda: False
            with memo.carried(root):
                assert build(site_dir, incremental=True), "the second build was not a dirty one"
            assert (builders()["en"] != parent) == (way == "at once"), builders()
            assert "（编辑）" in (site_dir / "answers/naiyan-wang.html").read_text(encoding="utf-8")
            (tmp / f"{{way}}.site").write_bytes(pickle.dumps(files(site_dir)))
            memo._base, memo._computed = None, True  # all that is carried in one file, not the changes only
            memo.save(memo.cache_file(root), memo.code_digest())
            (tmp / f"{{way}}.carried").write_bytes(memo.cache_file(root).read_bytes())
        """, tmp_path)
    _assert_same_site_and_state(tmp_path, "at once", "one after the other")


def test_the_chinese_build_cleans_the_site_folder_all_but_the_english_site(tmp_path):
    from mkdocs import utils

    site_dir, other = tmp_path / "site", tmp_path / "other"
    for folder in (site_dir / "en" / "search", site_dir / "assets", other / "en"):
        folder.mkdir(parents=True)
        (folder / "page.html").write_text("old", encoding="utf-8")
    (site_dir / "404.html").write_text("old", encoding="utf-8")
    (site_dir / ".nojekyll").write_text("", encoding="utf-8")
    with _cleaning_all_but(site_dir, "en"):
        utils.clean_directory(str(site_dir))
        utils.clean_directory(str(other))  # any other folder: as MkDocs cleans it
        utils.clean_directory(str(tmp_path / "missing"))
    assert sorted(os.listdir(site_dir)) == [".nojekyll", "en"]
    assert (site_dir / "en" / "search" / "page.html").read_text(encoding="utf-8") == "old"
    assert os.listdir(other) == []
    assert utils.clean_directory.__name__ == "clean_directory"  # put back
