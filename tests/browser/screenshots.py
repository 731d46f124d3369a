"""Screenshots of each page type, for looking at: 390 px (a phone) and 1440 px (a desktop), both
languages, light and dark. The site is served on 127.0.0.1 and shown in Debian's headless Chromium.

    .venv/bin/python tests/browser/screenshots.py SITE_DIR OUT_DIR [--full]

writes OUT_DIR/<lang>-<page>-<width>-<scheme>.png (the first two screens of each page; --full for
the whole page) and prints each page whose document is wider than the viewport.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.tools.browser import CHROMIUM_ARGS, chromium_path, serve_directory

PAGES = {
    "home": "index.html",
    "question": "questions/41168257.html",
    "answer": "answers/naiyan-wang.html",
    "answer-parallel": "answers/naiyan-wang.html",
    "theme": "themes/engineering.html",
    "author": "authors/naiyan-wang.html",
    "stances": "stances/index.html",
    "glossary": "glossary/index.html",
    "answers": "answers/index.html",
    "404": "404.html",
}
WIDTHS = (390, 1440)
SCHEMES = ("light", "dark")
LANGS = {"zh": "", "en": "en/"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--full", action="store_true", help="the whole page, not its first two screens")
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    args = parser.parse_args(argv)
    path = chromium_path()
    if path is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    only = {name for name in args.only.split(",") if name}
    args.out.mkdir(parents=True, exist_ok=True)
    overflowing = []
    with serve_directory(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            height = 844 if width < 600 else 900
            for scheme in SCHEMES:
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                              device_scale_factor=1)
                page = context.new_page()
                for lang, prefix in LANGS.items():
                    for name, page_path in PAGES.items():
                        if only and name not in only:
                            continue
                        page.goto(f"{base}/{prefix}{page_path}")
                        switch = page.locator(".kb-reading__parallel")
                        if switch.count() and (switch.get_attribute("aria-pressed") == "true") != (
                                name == "answer-parallel"):
                            switch.click()
                            page.mouse.move(0, 0)
                            page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
                            page.wait_for_timeout(300)  # the tabs come back
                        page.evaluate("document.fonts.ready")
                        scroll = page.evaluate("document.documentElement.scrollWidth")
                        if scroll > width:
                            overflowing.append(f"{lang} {name} at {width}px: {scroll}px wide")
                        target = args.out / f"{lang}-{name}-{width}-{scheme}.png"
                        if args.full:
                            page.screenshot(path=str(target), full_page=True)
                        else:
                            total = page.evaluate("document.documentElement.scrollHeight")
                            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width,
                                                                    "height": min(total, 2 * height)},
                                            full_page=True)
                context.close()
        browser.close()
    for line in overflowing:
        print("overflow:", line)
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
