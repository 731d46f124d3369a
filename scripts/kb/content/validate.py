"""Checks across files: references resolve, ids are unique, translations line up.

Each check is a function from the loaded collection to problems; :func:`check` runs them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from kb.content.load import PLACEHOLDER, STANCES, TERMS, THEMES, UNLINKED, Loaded
from kb.content.model import LANGS, Answer, revision
from kb.content.problems import Problem, allowed_list, did_you_mean
from kb.content.safety import check_markdown, check_plain


def check(loaded: Loaded) -> list[Problem]:
    """Every problem in the collection: those found while loading, then the cross-file ones."""
    problems = list(loaded.problems)
    for rule in (answers_match_their_files, answers_reference_known_ids, authors_are_consistent,
                 translations_line_up, ids_are_unique, themes_are_used, positions_have_evidence,
                 terms_are_consistent, unlinked_words_name_terms, content_is_safe, names_hold_no_markup,
                 bodies_are_not_placeholders,
                 translations_are_current):
        problems.extend(rule(loaded))
    return sorted(set(problems))


def _at(loaded: Loaded, path: str, *keys: str | int) -> int:
    doc = loaded.docs.get(path)
    return doc.line(*keys) if doc else 1


def answers_match_their_files(loaded: Loaded) -> Iterator[Problem]:
    for answer in loaded.collection.answers:
        path = PurePosixPath(answer.path)
        if path.stem != answer.id:
            yield Problem(answer.path, _at(loaded, answer.path, "id"), "id",
                          f"'{answer.id}' does not match the file name; rename the file to {answer.id}.md "
                          f"or set id: {path.stem}")
        if path.parent.name != answer.question:
            yield Problem(answer.path, _at(loaded, answer.path, "question"), "question",
                          f"'{answer.question}' does not match the folder answers/{path.parent.name}/")


def answers_reference_known_ids(loaded: Loaded) -> Iterator[Problem]:
    c = loaded.collection
    questions = {q.id for q in c.questions}
    themes = {t.id for t in c.themes}
    stances = {s.id for s in c.stances}
    for answer in c.answers:
        if answer.question not in questions:
            yield Problem(answer.path, _at(loaded, answer.path, "question"), "question",
                          f"unknown question '{answer.question}'; known: {allowed_list(questions)}")
        if answer.stance not in stances:
            yield Problem(answer.path, _at(loaded, answer.path, "stance"), "stance",
                          f"unknown stance '{answer.stance}'{did_you_mean(answer.stance, stances)}; "
                          f"allowed: {allowed_list(stances)} (defined in {STANCES})")
        for index, theme in enumerate(answer.themes):
            if theme not in themes:
                yield Problem(answer.path, _at(loaded, answer.path, "themes", index), "themes",
                              f"unknown theme '{theme}'{did_you_mean(theme, themes)}; "
                              f"allowed: {allowed_list(themes)} (defined in {THEMES})")


def authors_are_consistent(loaded: Loaded) -> Iterator[Problem]:
    """Each author kind has its required fields, and one author id means one signature everywhere."""
    first_seen: dict[str, Answer] = {}
    for answer in loaded.collection.answers:
        author = answer.author
        line = _at(loaded, answer.path, "author")
        if author.kind == "unsigned":
            for name in ("name", "name_en", "credential", "credential_en"):
                if getattr(author, name):
                    yield Problem(answer.path, _at(loaded, answer.path, "author", name), f"author.{name}",
                                  "an unsigned entry gets no name or credential; remove it")
        else:
            for name in ("name", "name_en"):
                if not getattr(author, name):
                    yield Problem(answer.path, line, f"author.{name}",
                                  f"missing; required for kind '{author.kind}'")
        if bool(author.credential) != bool(author.credential_en):
            yield Problem(answer.path, line, "author.credential_en",
                          "credential and credential_en go together; give both or neither")
        earlier = first_seen.setdefault(author.id, answer)
        if author.kind != "named" and author.id != author.kind:
            yield Problem(answer.path, _at(loaded, answer.path, "author", "id"), "author.id",
                          f"an author of kind '{author.kind}' must have id '{author.kind}'")
        if earlier is not answer and (earlier.author.kind, earlier.author.name, earlier.author.name_en) != (
                author.kind, author.name, author.name_en):
            yield Problem(answer.path, line, "author",
                          f"author id '{author.id}' is signed differently in {earlier.path}; "
                          "one id must have the same kind, name and name_en everywhere")


def translations_line_up(loaded: Loaded) -> Iterator[Problem]:
    for answer in loaded.collection.answers:
        translation = answer.translation
        if translation is None:
            continue
        if len(translation.paragraphs) != len(answer.paragraphs):
            yield Problem(translation.path, translation.first_line, "paragraphs",
                          f"has {len(translation.paragraphs)} paragraphs but {PurePosixPath(answer.path).name} "
                          f"has {len(answer.paragraphs)}; translate paragraph for paragraph")


def ids_are_unique(loaded: Loaded) -> Iterator[Problem]:
    c = loaded.collection
    seen: dict[str, str] = {}
    for answer in c.answers:
        if answer.id in seen:
            yield Problem(answer.path, _at(loaded, answer.path, "id"), "id",
                          f"'{answer.id}' is already the id of {seen[answer.id]}")
        seen.setdefault(answer.id, answer.path)
    orders = Counter((a.question, a.order) for a in c.answers)
    for answer in c.answers:
        if orders[(answer.question, answer.order)] > 1:
            yield Problem(answer.path, _at(loaded, answer.path, "order"), "order",
                          f"{answer.order} is used by more than one answer to question {answer.question}")
    for path, items in ((THEMES, c.themes), (STANCES, c.stances), (TERMS, c.terms)):
        counts = Counter(item.id for item in items)
        for index, item in enumerate(items):
            if counts[item.id] > 1:
                yield Problem(path, _at(loaded, path, index, "id"), "id", f"'{item.id}' is defined twice")
    for question in c.questions:
        counts = Counter(s.id for s in question.subquestions)
        for index, sub in enumerate(question.subquestions):
            if counts[sub.id] > 1:
                yield Problem(question.path, _at(loaded, question.path, "subquestions", index, "id"),
                              "subquestions.id", f"'{sub.id}' is used twice")
        folder = PurePosixPath(question.path).parent.name
        if question.id != folder:
            yield Problem(question.path, _at(loaded, question.path, "id"), "id",
                          f"'{question.id}' does not match the folder answers/{folder}/")


def themes_are_used(loaded: Loaded) -> Iterator[Problem]:
    uses = Counter(theme for answer in loaded.collection.answers for theme in answer.themes)
    for index, theme in enumerate(loaded.collection.themes):
        if uses[theme.id] < 2:
            yield Problem(THEMES, _at(loaded, THEMES, index, "id"), "id",
                          f"theme '{theme.id}' is used by {uses[theme.id]} answer(s); a theme should group "
                          "at least two", severity="warning")


def positions_have_evidence(loaded: Loaded) -> Iterator[Problem]:
    """Each position names a sub-question of the entry's question, once, and quotes the paragraph it
    cites: the quote must be that paragraph's own words (whitespace aside)."""
    subquestions = {q.id: {s.id for s in q.subquestions} for q in loaded.collection.questions}
    for answer in loaded.collection.answers:
        known = subquestions.get(answer.question, set())
        seen: set[str] = set()
        for index, position in enumerate(answer.positions):
            def at(key: str, path: str = answer.path, index: int = index) -> int:
                return _at(loaded, path, "positions", index, key)

            if position.subquestion not in known:
                yield Problem(answer.path, at("subquestion"), "positions.subquestion",
                              f"unknown sub-question '{position.subquestion}'"
                              f"{did_you_mean(position.subquestion, known)}; allowed: {allowed_list(known)}")
            elif position.subquestion in seen:
                yield Problem(answer.path, at("subquestion"), "positions.subquestion",
                              f"'{position.subquestion}' has two positions; give one per sub-question")
            seen.add(position.subquestion)
            if position.paragraph > len(answer.paragraphs):
                yield Problem(answer.path, at("paragraph"), "positions.paragraph",
                              f"{position.paragraph} is past the last paragraph; the entry has "
                              f"{len(answer.paragraphs)}")
            elif "".join(position.quote.split()) not in "".join(answer.paragraphs[position.paragraph - 1].split()):
                yield Problem(answer.path, at("quote"), "positions.quote",
                              f"is not in paragraph {position.paragraph}; quote the author's words verbatim "
                              "as evidence for the position")


def terms_are_consistent(loaded: Loaded) -> Iterator[Problem]:
    """Names and aliases are claimed once (English case-insensitively); related terms exist."""
    terms = loaded.collection.terms
    ids = {t.id for t in terms}
    claimed: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for index, term in enumerate(terms):
        forms = [("zh", term.zh), ("en", term.en)]
        forms += [("aliases", a) for a in term.aliases.zh] + [("aliases", a) for a in term.aliases.en]
        for field, form in forms:
            claimed[form.casefold()].append((index, field, term.id))
        for position, related in enumerate(term.related):
            if related not in ids:
                yield Problem(TERMS, _at(loaded, TERMS, index, "related", position), "related",
                              f"unknown term '{related}'{did_you_mean(related, ids)}")
            elif related == term.id:
                yield Problem(TERMS, _at(loaded, TERMS, index, "related", position), "related",
                              "a term cannot be related to itself")
    for form, owners in claimed.items():
        if len({owner for _, _, owner in owners}) > 1:
            first = owners[0][2]
            for index, field, owner in owners[1:]:
                if owner != first:
                    yield Problem(TERMS, _at(loaded, TERMS, index, field), field,
                                  f"'{form}' is already claimed by term '{first}'; a name or alias "
                                  "may belong to one term only")



def unlinked_words_name_terms(loaded: Loaded) -> Iterator[Problem]:
    """Each word of the stop list is a name or alias of a term linked in the texts it names, given
    once per language (its reason is required by the model); a word that names no term would stop
    nothing."""
    linked = {lang: {form.casefold() for term in loaded.collection.terms if lang in term.match_in
                     for form in term.forms(lang)} for lang in LANGS}
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(loaded.collection.unlinked):
        if not entry.texts:
            yield Problem(UNLINKED, _at(loaded, UNLINKED, index, "texts"), "texts",
                          "is empty; list the languages of the texts not to link it in: [zh], [en] or [zh, en]")
        for position, lang in enumerate(entry.texts):
            word = entry.word.casefold()
            if word not in linked[lang]:
                yield Problem(UNLINKED, _at(loaded, UNLINKED, index, "word"), "word",
                              f"'{entry.word}' is no name or alias of a term linked in {lang} texts, so there is "
                              "nothing to stop; give one as glossary/terms.yml writes it")
            elif (word, lang) in seen:
                yield Problem(UNLINKED, _at(loaded, UNLINKED, index, "texts", position), "texts",
                              f"'{entry.word}' is listed for {lang} texts already; list each word once per language")
            seen.add((word, lang))


def _strings(data: object, keys: tuple = (), found: list | None = None) -> list[tuple[tuple, str]]:
    """Every string in ``data`` (plain data from YAML), with the keys that lead to it."""
    found = [] if found is None else found
    if isinstance(data, str):
        found.append((keys, data))
    elif isinstance(data, dict):
        for key, value in data.items():
            _strings(value, (*keys, key), found)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _strings(value, (*keys, index), found)
    return found


def _bodies(answer: Answer, notes: bool = False) -> list[tuple[str, tuple[str, ...], tuple[int, ...]]]:
    """(file, paragraphs, the line each starts on) for an entry's text and its translation."""
    texts = [(answer.path, answer.paragraphs, answer.paragraph_lines)]
    translation = answer.translation
    if translation:
        texts.append((translation.path, translation.paragraphs, translation.paragraph_lines))
        if notes:
            texts.append((translation.path, tuple(n.text for n in translation.notes),
                          (translation.first_line,) * len(translation.notes)))
    return texts


def content_is_safe(loaded: Loaded) -> Iterator[Problem]:
    """No script, no unsafe HTML or URL, in any body or any front-matter text (see kb.content.safety)."""
    for path, doc in loaded.docs.items():
        for keys, text in _strings(doc.data):
            for unsafe in check_plain(text):
                name = ".".join(str(k) for k in keys if not isinstance(k, int)) or "(document)"
                yield Problem(path, doc.line(*keys), name, unsafe.message)
    for answer in loaded.collection.answers:
        for path, paragraphs, lines in _bodies(answer, notes=True):
            for paragraph, first in zip(paragraphs, lines, strict=False):
                for unsafe in check_markdown(paragraph):
                    yield Problem(path, first + unsafe.line - 1, "body", unsafe.message)


# Names and titles are shown as plain text in headings, links, lists and the feed: they hold no
# Markdown and no HTML, so that none of those places can be made into a link, a tag or an attribute.
NO_MARKUP = "[]{}<>`"


def _name_fields(loaded: Loaded) -> Iterator[tuple[str, tuple, str]]:
    """(file, keys, text) of every title, name, credential and label."""
    c = loaded.collection
    for answer in c.answers:
        for lang in ("zh", "en"):
            yield answer.path, ("title", lang), answer.title[lang]
        for name in ("name", "name_en", "credential", "credential_en"):
            if value := getattr(answer.author, name):
                yield answer.path, ("author", name), value
    for question in c.questions:
        for lang in ("zh", "en"):
            yield question.path, ("title", lang), question.title[lang]
            yield question.path, ("compilation", "title", lang), question.compilation.title[lang]
            yield question.path, ("compilation", "heading", lang), question.compilation.heading[lang]
            for index, sub in enumerate(question.subquestions):
                yield question.path, ("subquestions", index, "label", lang), sub.label[lang]
    for path, items in ((THEMES, c.themes), (STANCES, c.stances)):
        for index, item in enumerate(items):
            for lang in ("zh", "en"):
                yield path, (index, "label", lang), item.label[lang]
    for index, term in enumerate(c.terms):
        for lang in ("zh", "en"):
            yield TERMS, (index, lang), term.name(lang)


def names_hold_no_markup(loaded: Loaded) -> Iterator[Problem]:
    """Titles, names, credentials and labels may not hold ``[ ] { } < >`` or backticks."""
    for path, keys, text in _name_fields(loaded):
        found = [ch for ch in dict.fromkeys(text) if ch in NO_MARKUP]
        if found:
            name = ".".join(str(k) for k in keys if not isinstance(k, int))
            yield Problem(path, _at(loaded, path, *keys), name,
                          f"may not contain {' '.join(found)}: titles, names and credentials are plain text "
                          "(no Markdown, no HTML, no attribute lists)")


def bodies_are_not_placeholders(loaded: Loaded) -> Iterator[Problem]:
    for answer in loaded.collection.answers:
        for path, paragraphs, lines in _bodies(answer):
            for paragraph, line in zip(paragraphs, lines, strict=False):
                if PLACEHOLDER in paragraph:
                    yield Problem(path, line, "body", "still holds the placeholder written by `kb new`; "
                                  "replace it with the text, one blank line between paragraphs")


def translations_are_current(loaded: Loaded) -> Iterator[Problem]:
    """A translation records the revision it translates; warn, naming paragraphs, when the original moved on."""
    for answer in loaded.collection.answers:
        translation = answer.translation
        if translation is None or len(translation.paragraphs) != len(answer.paragraphs):
            continue
        current = [revision(p) for p in answer.paragraphs]
        if not translation.translates:
            yield Problem(translation.path, 1, "translates", "records no revision of the original; when the "
                          f"translation is complete run `kb stamp {translation.path}`", severity="warning")
            continue
        recorded = list(translation.translates)
        changed = [i + 1 for i, now in enumerate(current) if i >= len(recorded) or recorded[i] != now]
        if changed or len(recorded) != len(current):
            which = ", ".join(str(i) for i in changed) or "count"
            yield Problem(translation.path, _at(loaded, translation.path, "translates"), "translates",
                          f"the original has changed since this translation: paragraph(s) {which} of "
                          f"{PurePosixPath(answer.path).name}; update them, then run `kb stamp {translation.path}`",
                          severity="warning")
