"""The `kb` command line: check, generate, build and serve the knowledge base.

Content errors are the user's errors: they are printed as ``file:line: field: message`` and the
command exits 1, never with a traceback. Usage errors exit 2.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from kb.content.problems import ContentError, Problem, errors
from kb.site.mkdocs import RENDERERS


def _print_problems(problems: Sequence[Problem], github: bool = False) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
        if github:  # a workflow command: GitHub shows it as an annotation on the changed line
            level = "error" if problem.severity == "error" else "warning"
            message = problem.message.replace("%", "%25").replace("\n", "%0A")
            print(f"::{level} file={problem.path},line={problem.line},title={problem.field}::{message}")


def _summary(problems: Sequence[Problem]) -> str:
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    return f"{n_errors} error(s), {n_warnings} warning(s)"


def cmd_check(args: argparse.Namespace) -> int:
    from kb.content.load import load
    from kb.content.validate import check
    from kb.site.stage import symlinks

    root = Path(args.path)
    if not root.is_dir():
        print(f"kb check: {root} is not a folder", file=sys.stderr)
        return 2
    problems = check(load(root)) + symlinks(root)
    _print_problems(problems, github=args.format == "github")
    if errors(problems):
        print(f"kb check: {_summary(problems)}", file=sys.stderr)
        return 1
    print(f"kb check: collection is valid ({_summary(problems)})")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from kb.pipeline import generate

    generated = generate(Path(args.root).resolve())
    _print_problems(generated.warnings)
    print(f"kb generate: {generated.report}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kb.pipeline import build
    from kb.site.mkdocs import configure_logging

    root = Path(args.root).resolve()
    site_dir = Path(args.site_dir).resolve() if args.site_dir else root / "site"
    started = time.perf_counter()
    configure_logging(args.verbose)
    generated, entries = build(root, site_dir, strict=not args.no_strict, renderer=args.renderer)
    _print_problems(generated.warnings)
    print(f"kb build: generated pages: {generated.report}")
    indexed = ", ".join(f"{lang} {n}" for lang, n in entries.items())
    print(f"kb build: site built in {site_dir} in {time.perf_counter() - started:.1f} s "
          f"(search entries: {indexed})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kb.site.mkdocs import configure_logging
    from kb.site.serve import serve

    configure_logging(args.verbose)
    try:
        serve(Path(args.root).resolve(), args.dev_addr)
    except OSError as exc:
        print(f"kb serve: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_terms(args: argparse.Namespace) -> int:
    from kb.content.load import load
    from kb.derive.terms import TermMatcher
    from kb.tools.suggest import suggest_terms

    if not args.suggest:
        print("kb terms: nothing to do; use --suggest", file=sys.stderr)
        return 2
    collection = load(Path(args.root)).collection
    suggestions = suggest_terms(collection.answers, TermMatcher(collection.terms), limit=args.limit)
    print(f"{'word':<12} {'count':>5}  answers")
    for s in suggestions:
        print(f"{s.word:<12} {s.count:>5}  {', '.join(s.answers)}")
    print(f"kb terms: {len(suggestions)} candidate(s) the glossary ({len(collection.terms)} terms) lacks")
    return 0


NEW_FIELDS = [
    # option, prompt, required
    ("question", "Zhihu question id (a folder under answers/)", True),
    ("author_name", "Author's name exactly as signed (empty for an unsigned entry)", False),
    ("author_name_en", "English form of the name (pinyin, or a translated handle)", False),
    ("credential", "Credential as signed (may be empty)", False),
    ("credential_en", "English rendering of the credential", False),
    ("title_zh", "The compiler's heading, in Chinese as written", True),
    ("title_en", "The heading in English", True),
    ("summary_zh", "Editors' summary in Chinese (one or two sentences)", True),
    ("summary_en", "Editors' summary in English", True),
    ("stance", "Stance id (glossary/stances.yml)", True),
    ("themes", "Two to five theme ids, comma-separated (glossary/themes.yml)", True),
]


def cmd_new(args: argparse.Namespace) -> int:
    from kb.content.load import load
    from kb.content.problems import did_you_mean
    from kb.tools.contribute import ContributeError, NewEntry, slugify, write_new

    root = Path(args.root)
    collection = load(root).collection
    values = {name: getattr(args, name) for name, _, _ in NEW_FIELDS}
    interactive = sys.stdin.isatty() and not args.no_input
    for name, prompt, required in NEW_FIELDS:
        if values[name] is None and interactive:
            values[name] = input(f"{prompt}: ").strip()
        if required and not values[name]:
            print(f"kb new: --{name.replace('_', '-')} is required ({prompt})", file=sys.stderr)
            return 2
    questions = {q.id: q for q in collection.questions}
    stances = {s.id for s in collection.stances}
    themes = {t.id for t in collection.themes}
    chosen = tuple(t.strip() for t in values["themes"].split(",") if t.strip())
    mistakes = []
    if values["question"] not in questions:
        mistakes.append(f"unknown question '{values['question']}'; known: {', '.join(sorted(questions))}")
    if values["stance"] not in stances:
        mistakes.append(f"unknown stance '{values['stance']}'{did_you_mean(values['stance'], stances)}")
    mistakes += [f"unknown theme '{t}'{did_you_mean(t, themes)}" for t in chosen if t not in themes]
    if not 2 <= len(chosen) <= 5:
        mistakes.append(f"{len(chosen)} themes given; two to five are allowed")
    kind = "named" if values["author_name"] else "unsigned"
    if kind == "named" and not values["author_name_en"]:
        mistakes.append("--author-name-en is required with --author-name")
    if bool(values["credential"]) != bool(values["credential_en"]):
        mistakes.append("--credential and --credential-en go together")
    author_id = "unsigned" if kind == "unsigned" else slugify(values["author_name_en"] or "")
    entry_id = args.id or (author_id if kind == "named" else "")
    if not entry_id or slugify(entry_id) != entry_id:
        mistakes.append(f"--id '{entry_id}' must be a lowercase ASCII slug such as 'zhang-xiang'")
    elif any(a.id == entry_id for a in collection.answers):
        mistakes.append(f"--id '{entry_id}' is already used; choose another")
    if mistakes:
        for mistake in mistakes:
            print(f"kb new: {mistake}", file=sys.stderr)
        return 2
    question = questions[values["question"]]
    order = args.order or 1 + max((a.order for a in collection.answers if a.question == question.id), default=0)
    entry = NewEntry(question.id, entry_id, order, author_id, kind, values["author_name"] or None,
                     values["author_name_en"] or None, values["credential"] or None,
                     values["credential_en"] or None, values["title_zh"], values["title_en"],
                     values["summary_zh"], values["summary_en"], values["stance"], chosen, question.url)
    try:
        original, translation = write_new(root, entry)
    except ContributeError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return 1
    print(f"kb new: wrote {original.relative_to(root)} and {translation.relative_to(root)}")
    print("Next: paste the author's text and its translation over the KB-PLACEHOLDER lines, "
          "then run `make check` and `make serve` to preview.")
    return 0


def cmd_stamp(args: argparse.Namespace) -> int:
    from kb.tools.contribute import ContributeError, stamp

    try:
        stamped = stamp(Path(args.root), args.paths)
    except ContributeError as exc:
        print(f"kb stamp: {exc}", file=sys.stderr)
        return 1
    for rel in stamped:
        print(f"kb stamp: {rel}")
    print(f"kb stamp: {len(stamped)} translation(s) stamped")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from kb.content.jsonschema import schemas

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"kb schema: wrote {path}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if args.what == "search":
        from kb.tools import bench_search

        return bench_search.main(root, root / args.queries, args.json)
    from kb.tools import bench as bench_scale

    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        print(f"kb bench: --sizes must be numbers separated by commas, not '{args.sizes}'", file=sys.stderr)
        return 2
    return bench_scale.main(root, sizes, args.json, args.write)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kb", description="Build and check the bilingual knowledge base.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the collection and report every problem")
    check.add_argument("path", nargs="?", default=".", help="the collection's folder (default: .)")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="github: also print GitHub Actions annotations")
    check.set_defaults(run=cmd_check)

    new = sub.add_parser("new", help="start a new answer and its translation (asks for what is missing)")
    for name, prompt, _ in NEW_FIELDS:
        new.add_argument(f"--{name.replace('_', '-')}", dest=name, help=prompt)
    new.add_argument("--id", help="the entry's id (default: from the author's English name)")
    new.add_argument("--order", type=int, help="position within the question (default: last)")
    new.add_argument("--no-input", action="store_true", help="never prompt; fail on missing options")
    new.add_argument("--root", default=".", help="the project folder (default: .)")
    new.set_defaults(run=cmd_new)

    stamp = sub.add_parser("stamp", help="record which revision of its original a translation translates")
    stamp.add_argument("paths", nargs="*", help="translation files (default: all)")
    stamp.add_argument("--root", default=".", help="the project folder (default: .)")
    stamp.set_defaults(run=cmd_stamp)

    schema = sub.add_parser("schema", help="write the JSON Schemas of the content files")
    schema.add_argument("--out", default="schema", help="output folder (default: schema)")
    schema.set_defaults(run=cmd_schema)

    generate = sub.add_parser("generate",
                              help="write the staging docs folders build/docs/<lang>/ (what MkDocs renders)")
    generate.add_argument("--root", default=".", help="the project folder (default: .)")
    generate.set_defaults(run=cmd_generate)

    build = sub.add_parser("build", help="generate pages, then build both languages with MkDocs (strict)")
    build.add_argument("--root", default=".", help="the project folder (default: .)")
    build.add_argument("--site-dir", help="output folder (default: <root>/site)")
    build.add_argument("--no-strict", action="store_true", help="do not stop on MkDocs warnings")
    build.add_argument("--renderer", choices=RENDERERS, default="mkdocs",
                       help="render with MkDocs (default) or ProperDocs, its maintained fork")
    build.add_argument("-v", "--verbose", action="store_true")
    build.set_defaults(run=cmd_build)

    bench = sub.add_parser("bench", help="measure the build at scale (default) or search quality (`kb bench search`)")
    bench.add_argument("what", nargs="?", default="scale", choices=("scale", "search"), help="what to measure")
    bench.add_argument("--sizes", default="100,1000,10000", help="collection sizes for `scale` (default: %(default)s)")
    bench.add_argument("--write", action="store_true", help="write the results table to docs/dev/benchmarks.md")
    bench.add_argument("--root", default=".", help="the project folder (default: .)")
    bench.add_argument("--queries", default="tests/data/search_queries.yml", help="labelled queries (YAML)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(run=cmd_bench)

    terms = sub.add_parser("terms", help="glossary tools for editors")
    terms.add_argument("--suggest", action="store_true",
                       help="list frequent words of the collection that the glossary lacks")
    terms.add_argument("--limit", type=int, default=30, help="how many to list (default: %(default)s)")
    terms.add_argument("--root", default=".", help="the project folder (default: .)")
    terms.set_defaults(run=cmd_terms)

    serve = sub.add_parser("serve", help="preview both languages with live reload")
    serve.add_argument("--root", default=".", help="the project folder (default: .)")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: %(default)s)")
    serve.add_argument("-v", "--verbose", action="store_true")
    serve.set_defaults(run=cmd_serve)
    return top


def run() -> NoReturn:
    """The `kb` command and `python -m kb`."""
    raise SystemExit(main(sys.argv[1:]))


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits 2 on a usage error
    try:
        return args.run(args)
    except ContentError as exc:
        _print_problems(exc.problems)
        print(f"kb {args.command}: {_summary(exc.problems)}; nothing was built", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as exc:  # a renderer run in its own process (ProperDocs)
        print(f"kb {args.command}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # MkDocs' own failures (strict-mode warnings, config errors)
        from mkdocs.exceptions import MkDocsException

        if isinstance(exc, MkDocsException):
            print(f"kb {args.command}: {exc}", file=sys.stderr)
            return 1
        raise
