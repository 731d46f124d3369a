"""Contributors: `kb new` starts an entry, `kb stamp` records revisions, schemas follow the model,
and a rejected collection never touches the site that was built before."""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb.cli import main
from kb.content.jsonschema import FILES, schemas
from kb.content.load import load
from kb.content.validate import check

from support.site import ROOT, project_with

NEW = ["new", "--no-input", "--question", "100", "--author-name", "韩梅梅", "--author-name-en", "Han Meimei",
       "--title-zh", "新的回答", "--title-en", "A new answer", "--summary-zh", "摘要。", "--summary-en",
       "Summary.", "--stance", "code-is-hard", "--themes", "maths,practice"]


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_kb_new_writes_an_entry_that_check_rejects_only_for_its_placeholders(mini, capsys):
    assert main([*NEW, "--root", str(mini)]) == 0
    assert (mini / "answers/100/han-meimei.md").is_file() and (mini / "answers/100/han-meimei.en.md").is_file()
    errors = [str(p) for p in check(load(mini)) if p.severity == "error"]
    assert errors == [
        "answers/100/han-meimei.en.md:1: body: still holds the placeholder written by `kb new`; replace it with "
        "the text, one blank line between paragraphs",
        "answers/100/han-meimei.md:19: body: still holds the placeholder written by `kb new`; replace it with "
        "the text, one blank line between paragraphs",
    ]
    entry = load(mini).collection.answers[-1]
    assert (entry.id, entry.order, entry.author.name) == ("han-meimei", 4, "韩梅梅")
    assert entry.themes == ("maths", "practice")


def test_kb_new_never_overwrites_a_file(mini, capsys):
    (mini / "answers/100/han-meimei.en.md").write_text("my work", encoding="utf-8")
    before = _tree(mini)
    assert main([*NEW, "--root", str(mini)]) == 1
    assert "answers/100/han-meimei.en.md already exists" in capsys.readouterr().err
    assert _tree(mini) == before


def test_kb_new_explains_wrong_or_missing_options(mini, capsys):
    assert main(["new", "--no-input", "--root", str(mini)]) == 2
    assert "--question is required" in capsys.readouterr().err
    wrong = [x if x != "code-is-hard" else "code-is-hrad" for x in NEW]
    assert main([*wrong, "--root", str(mini)]) == 2
    assert "unknown stance 'code-is-hrad'; did you mean 'code-is-hard'?" in capsys.readouterr().err


def test_a_changed_original_makes_check_name_the_stale_paragraph_until_stamped(mini, capsys):
    original = mini / "answers/100/alpha.md"
    original.write_text(original.read_text(encoding="utf-8").replace("第二段", "第二段（修订）"), encoding="utf-8")
    warnings = [str(p) for p in check(load(mini)) if p.severity == "warning"]
    assert warnings == ["answers/100/alpha.en.md:2: translates: warning: the original has changed since this "
                        "translation: paragraph(s) 2 of alpha.md; update them, then run "
                        "`kb stamp answers/100/alpha.en.md`"]
    translation = mini / "answers/100/alpha.en.md"
    body = translation.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert main(["stamp", str(translation), "--root", str(mini)]) == 0
    assert check(load(mini)) == []
    assert translation.read_text(encoding="utf-8").split("---\n", 2)[2] == body  # the text is kept byte for byte


def test_the_committed_schemas_are_what_the_model_produces():
    for name, text in schemas().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, f"run `kb schema` ({name})"
    assert sorted(p.name for p in (ROOT / "schema").glob("*.json")) == sorted(FILES)


def _front_matter(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    # PyYAML reads an unquoted date as a date; editors' YAML 1.2 (and JSON) see text.
    return {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in data.items()}


def test_the_schemas_accept_the_real_collection_and_reject_a_bad_entry():
    answer = json.loads((ROOT / "schema/answer.schema.json").read_text(encoding="utf-8"))
    translation = json.loads((ROOT / "schema/translation.schema.json").read_text(encoding="utf-8"))
    for path in sorted((ROOT / "answers").glob("*/*.md")):
        schema = translation if path.name.endswith(".en.md") else answer
        jsonschema.validate(_front_matter(path), schema)
    for name, target in (("themes", "glossary/themes.yml"), ("stances", "glossary/stances.yml"),
                         ("terms", "glossary/terms.yml"), ("question", "answers/41168257/question.yml")):
        schema = json.loads((ROOT / f"schema/{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(yaml.safe_load((ROOT / target).read_text(encoding="utf-8")), schema)
    entry = _front_matter(ROOT / "answers/41168257/wuhou.md")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(entry | {"stance": "Not A Slug", "colour": "red"}, answer)
    assert entry["positions"], "the entry takes positions; the next check needs one"
    unquoted = {key: value for key, value in entry["positions"][0].items() if key != "quote"}
    with pytest.raises(jsonschema.ValidationError, match="'quote' is a required property"):
        jsonschema.validate(entry | {"positions": [unquoted]}, answer)  # a position needs its evidence
    stances = json.loads((ROOT / "schema/stances.schema.json").read_text(encoding="utf-8"))
    stance = yaml.safe_load((ROOT / "glossary/stances.yml").read_text(encoding="utf-8"))[0]
    with pytest.raises(jsonschema.ValidationError):  # positions belong to entries, not to stances
        jsonschema.validate([stance | {"positions": {"rigour": "no"}}], stances)


def test_a_rejected_collection_leaves_the_previously_built_site_untouched(mini, tmp_path):
    project = project_with(tmp_path, mini)
    build = [sys.executable, "-m", "kb", "build", "--root", str(project)]
    subprocess.run(build, check=True, capture_output=True)
    site_before, staged_before = _tree(project / "site"), _tree(project / "build/docs")
    assert "answers/alpha.html" in site_before and "en/answers/alpha.html" in site_before
    path = project / "answers/100/alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("stance: not-maths", "stance: nope"), encoding="utf-8")
    result = subprocess.run(build, capture_output=True, text=True)
    assert result.returncode == 1
    assert "answers/100/alpha.md:13: stance: unknown stance 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(project / "site") == site_before
    assert _tree(project / "build/docs") == staged_before
