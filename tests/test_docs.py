"""The README stays short and leads to the pages of docs/, which the site shows.

Every section moved out of the README lives in a page of docs/; the README
links every such page, every relative link of the README and of docs/ names a
file that exists, and the site's navigation lists every page of docs/ (the
browser tests, tests/test_site.py, open them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursetools import site
from helpers.data import project_root

ROOT = project_root()
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s#]+)(#[^)]*)?\)")

#: What the README used to hold, and the page of docs/ that holds it now.
MOVED = {
    "tests.md": "# Tests and CI",
    "backends.md": "# Backends",
    "data.md": "# The data and its checks",
    "pipeline.md": "# The input pipeline, measured",
    "site.md": "# The site and the slides",
    "troubleshooting.md": "# If something goes wrong",
    "reproduction.md": "# Reproduction table",
    "running.md": "# Running the notebooks",
    "reproduce.md": "# Checking the results on your machine",
}


def links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # not in code blocks
    return [m.group(1) for m in _LINK.finditer(text)]


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines"


@pytest.mark.parametrize("name", sorted(MOVED))
def test_each_moved_section_is_a_page_linked_from_the_readme(name):
    page = ROOT / "docs" / name
    assert page.read_text(encoding="utf-8").startswith(MOVED[name])
    assert f"docs/{name}" in links(README)


def test_the_readme_links_every_page_of_docs():
    linked = {link for link in links(README) if link.startswith("docs/")}
    assert {f"docs/{p.name}" for p in DOCS} <= linked


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_relative_links_name_files_that_exist(path):
    missing = [
        link for link in links(path) if not (path.parent / link).resolve().exists()
    ]
    assert not missing, f"{path.name} links to missing files: {missing}"


def test_the_site_shows_every_page_of_docs(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "vendor_mathjax", lambda target: None)  # no npm
    src = site.stage(tmp_path / "src")
    index = (src / "index.md").read_text(encoding="utf-8")
    about = index.split(":caption: About the course", 1)[1]
    for page in DOCS:
        assert (src / "docs" / page.name).exists()
        assert f"docs/{page.stem}\n" in about, page.name
    assert [p.stem for p in site.doc_pages()][:3] == [
        "running",
        "reproduce",
        "reproduction",
    ]
