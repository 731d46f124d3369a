"""The `kb` command line: check, generate, build and serve the knowledge base.

Content errors are the user's errors: they are printed as ``file:line: field: message`` and the
command exits 1, never with a traceback. Usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from kb.problems import ContentError, Problem, errors


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _summary(problems: Sequence[Problem]) -> str:
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    return f"{n_errors} error(s), {n_warnings} warning(s)"


def cmd_check(args: argparse.Namespace) -> int:
    from kb.load import load
    from kb.validate import check

    root = Path(args.path)
    if not root.is_dir():
        print(f"kb check: {root} is not a folder", file=sys.stderr)
        return 2
    problems = check(load(root))
    _print_problems(problems)
    if errors(problems):
        print(f"kb check: {_summary(problems)}", file=sys.stderr)
        return 1
    print(f"kb check: collection is valid ({_summary(problems)})")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from kb.pipeline import generate

    report, warnings = generate(Path(args.root))
    _print_problems(warnings)
    print(f"kb generate: {report}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kb import site
    from kb.pipeline import generate

    root = Path(args.root).resolve()
    started = time.perf_counter()
    report, warnings = generate(root)
    _print_problems(warnings)
    print(f"kb build: generated pages: {report}")
    site.configure_logging(args.verbose)
    site_dir = Path(args.site_dir).resolve() if args.site_dir else root / "site"
    site.build_site(root, site_dir, strict=not args.no_strict, our_search=args.search == "kb")
    print(f"kb build: site built in {site_dir} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kb import site
    from kb.pipeline import load_checked

    root = Path(args.root).resolve()
    load_checked(root)  # refuse to start on a broken collection; later errors are shown while serving
    site.configure_logging(args.verbose)
    site.serve(root, args.dev_addr)
    return 0


def cmd_terms(args: argparse.Namespace) -> int:
    from kb.pipeline import load_checked
    from kb.suggest import suggest_terms
    from kb.terms import TermMatcher

    if not args.suggest:
        print("kb terms: nothing to do; use --suggest", file=sys.stderr)
        return 2
    collection = load_checked(Path(args.root)).collection
    suggestions = suggest_terms(collection.answers, TermMatcher(collection.terms), limit=args.limit)
    print(f"{'word':<12} {'count':>5}  answers")
    for s in suggestions:
        print(f"{s.word:<12} {s.count:>5}  {', '.join(s.answers)}")
    print(f"kb terms: {len(suggestions)} candidate(s) the glossary ({len(collection.terms)} terms) lacks")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from kb import bench_search

    root = Path(args.root).resolve()
    return bench_search.main(root, root / args.queries, args.json)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kb", description="Build and check the bilingual knowledge base.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the collection and report every problem")
    check.add_argument("path", nargs="?", default=".", help="the collection's folder (default: .)")
    check.set_defaults(run=cmd_check)

    generate = sub.add_parser("generate", help="write the generated Markdown into docs/_generated")
    generate.add_argument("--root", default=".", help="the project folder (default: .)")
    generate.set_defaults(run=cmd_generate)

    build = sub.add_parser("build", help="generate pages, then build both languages with MkDocs (strict)")
    build.add_argument("--root", default=".", help="the project folder (default: .)")
    build.add_argument("--site-dir", help="output folder (default: <root>/site)")
    build.add_argument("--no-strict", action="store_true", help="do not stop on MkDocs warnings")
    build.add_argument("--search", choices=("kb", "stock"), default="kb",
                       help="search engine: ours (default) or Material's stock one, for comparison")
    build.add_argument("-v", "--verbose", action="store_true")
    build.set_defaults(run=cmd_build)

    bench = sub.add_parser("bench", help="measure: `kb bench search` runs the labelled queries in Chromium")
    bench.add_argument("what", nargs="?", default="search", choices=("search",), help="what to measure")
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
    except Exception as exc:  # MkDocs' own failures (strict-mode warnings, config errors)
        from mkdocs.exceptions import MkDocsException

        if isinstance(exc, MkDocsException):
            print(f"kb {args.command}: {exc}", file=sys.stderr)
            return 1
        raise
