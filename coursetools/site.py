"""The course site and the class slides, built from the committed notebooks.

    python -m coursetools.site site      # build/site/: Sphinx + myst-nb, Furo theme
    python -m coursetools.site slides    # build/slides/: one reveal.js deck a notebook

Nothing is executed: the pages and slides show the committed full-run outputs.
Nothing is loaded from a CDN either: MathJax and reveal.js come from the npm
registry, pinned by site/package-lock.json, and are installed with ``npm ci``
into site/node_modules/ when it is missing, then copied into the output.

The site's sources are staged in build/site-src/: the README as the index page,
the notebooks in lesson order, the pages of docs/ (`DOCS` gives their order in
the navigation), datasets/README.md, and every repository file these link
to (so that the README's links, such as ``helpers/profiles.toml``, resolve on
the site). Sphinx runs with warnings as errors (``-W``).

The slides are made from copies of the notebooks with slide metadata set at
build time (the committed notebooks carry none): coursetools.slides decides what
goes on each slide and what into its speaker notes.

A code cell tagged ``boilerplate`` (coursetools.tags) has its code collapsed on
the site (myst-nb's ``hide-input``: a "Show code cell source" toggle), its
outputs shown.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from coursetools import slides
from coursetools.tags import BOILERPLATE
from helpers.data import project_root
from helpers.runs import build_dir

ROOT = project_root()
SITE_DIR = ROOT / "site"  # conf.py, templates, package.json
MATHJAX_FILES = [  # under mathjax/es5/: the TeX-to-CHTML component and what it loads
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "a11y",
    "ui",
    "sre",
    "adaptors",
]
REVEAL_FILES = ["dist", "plugin/notes", "LICENSE"]
#: The pages of docs/ in the order of the site's navigation ("About the
#: course"); a page not listed follows them, in name order.
DOCS = [
    "running",
    "reproduce",
    "reproduction",
    "tests",
    "backends",
    "pipeline",
    "data",
    "site",
    "troubleshooting",
]
_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s#]+)(#[^)]*)?\)")


def npm_install() -> Path:
    """site/node_modules from site/package-lock.json (``npm ci``) if missing."""
    from helpers.tfjs import npm_install as install

    try:
        return install(SITE_DIR, what="MathJax and reveal.js")
    except RuntimeError as err:  # npm is missing: say what to do, no traceback
        raise SystemExit(str(err)) from None


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def vendor_mathjax(target: Path) -> None:
    es5 = npm_install() / "mathjax" / "es5"
    for name in MATHJAX_FILES:
        _copy(es5 / name, target / name)
    _copy(es5.parent / "LICENSE", target / "LICENSE")


def vendor_reveal(target: Path) -> None:
    reveal = npm_install() / "reveal.js"
    for name in REVEAL_FILES:
        _copy(reveal / name, target / name)


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def doc_pages() -> list[Path]:
    """The Markdown pages of docs/, in the order of `DOCS`."""
    pages = (ROOT / "docs").glob("*.md")
    rank = {name: i for i, name in enumerate(DOCS)}
    return sorted(pages, key=lambda p: (rank.get(p.stem, len(DOCS)), p.stem))


def _site_markdown(
    markdown: str, page: str, docs: dict[str, str], files: set[str]
) -> str:
    """A Markdown page (at repository path ``page``) with its links for the site.

    ``docs`` maps the repository path of every page of the site to its path in
    the site's sources (``README.md`` is ``index.md``). A link to a page of the
    site points at it there (Sphinx resolves it); a link to any other repository
    file becomes a ``path:`` link, which Sphinx copies into the site as a
    download. A link to a missing file is left for Sphinx to refuse.
    """
    base = Path(page).parent
    staged_base = posixpath.dirname(docs.get(page, page))

    def fix(match):
        target = (ROOT / base / match.group(1)).resolve()
        if not target.is_file() or not target.is_relative_to(ROOT):
            return match.group(0)
        rel = target.relative_to(ROOT).as_posix()
        if rel in docs:
            if docs[rel] == rel and docs.get(page, page) == page:
                return match.group(0)
            link = posixpath.relpath(docs[rel], staged_base or ".")
            return f"]({link}{match.group(2) or ''})"
        files.add(rel)
        return f"](path:{match.group(1)}{match.group(2) or ''})"

    return _LINK.sub(fix, markdown)


def _stage_notebook(source: Path, target: Path) -> None:
    """A notebook for the site: its ``boilerplate`` cells also tagged
    ``hide-input`` (myst-nb collapses their code and shows their outputs)."""
    nb = json.loads(source.read_text("utf-8"))
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if BOILERPLATE in tags and "hide-input" not in tags:
            tags.append("hide-input")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")


#: The live page (site/write.md with js/page.html), where notebook 17's exported
#: models write text in the browser; they come from its committed full run.
LIVE_PAGE = "write"
LIVE_MODELS = ROOT / "notebooks" / "results" / "17_models_in_javascript"


def _live_page(source: str, src: Path) -> str:
    """The live page's Markdown, with its form, and its files in ``src``/_extra/live/
    (TensorFlow.js, the page's code, the exported models: copied to the site's
    root by Sphinx)."""
    from helpers import tfjs

    models = {name: LIVE_MODELS / name for name in ("char_lstm", "next_word_gru")}
    fragment = tfjs.stage_live_page(src / "_extra", models)
    return f"{source}\n```{{raw}} html\n{fragment}```\n"


def stage(src: Path) -> Path:
    """Write the Sphinx sources of the site into ``src`` (emptied first)."""
    shutil.rmtree(src, ignore_errors=True)
    (src / "_extra").mkdir(parents=True)
    paths = notebooks()
    pages = {"index": "README.md"}  # docname -> repository file
    for path in paths:
        pages[f"notebooks/{path.stem}"] = f"notebooks/{path.name}"
    for path in doc_pages():
        pages[f"docs/{path.stem}"] = f"docs/{path.name}"
    pages["datasets/README"] = "datasets/README.md"
    pages[LIVE_PAGE] = f"site/{LIVE_PAGE}.md"

    for name in ("conf.py", "_templates", "_static"):
        _copy(SITE_DIR / name, src / name)
    docs = {repo: docname + Path(repo).suffix for docname, repo in pages.items()}
    files: set[str] = set()
    lessons = "\n".join(f"notebooks/{p.stem}" for p in paths)
    about = "\n".join([*(f"docs/{p.stem}" for p in doc_pages()), "datasets/README"])
    toctree = (
        f"\n\n```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{lessons}\n```\n"
        f"\n```{{toctree}}\n:hidden:\n:caption: Try the models\n\n{LIVE_PAGE}\n```\n"
        f"\n```{{toctree}}\n:hidden:\n:caption: About the course\n\n{about}\n```\n"
    )
    for docname, repo_path in pages.items():
        target = src / (docname + Path(repo_path).suffix)
        if repo_path.endswith(".md"):
            text = _site_markdown(
                (ROOT / repo_path).read_text("utf-8"), repo_path, docs, files
            )
            if docname == "index":
                text += toctree
            if docname == LIVE_PAGE:
                text = _live_page(text, src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        else:
            _stage_notebook(ROOT / repo_path, target)
        # Each page links to the file it comes from, copied under its own path.
        _copy(ROOT / repo_path, src / "_extra" / repo_path)
    for repo_path in files:
        _copy(ROOT / repo_path, src / repo_path)
    (src / "_course_sources.json").write_text(json.dumps(pages, indent=1), "utf-8")
    vendor_mathjax(src / "_static" / "mathjax")
    return src


def build_site(out: Path | None = None) -> Path:
    """Build the site into ``out`` (default build/site/); warnings are errors."""
    out = out or build_dir() / "site"
    src = stage(build_dir() / "site-src")
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-E",  # a fresh environment: every warning of every page, every time
            "-W",
            "--keep-going",
            "-q",
            "-d",
            str(build_dir() / "site-doctrees"),
            str(src),
            str(out),
        ],
        check=True,
    )
    print(f"site: {out} ({time.perf_counter() - start:.1f} s)")
    return out


def _title(nb, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return default


def build_slides(out: Path | None = None) -> Path:
    """One reveal.js deck a notebook in ``out`` (default build/slides/), and an index.

    The decks load reveal.js and MathJax from ``out`` (copied from site/node_modules),
    nothing from a CDN; they are made from copies of the committed notebooks
    (`coursetools.slides.deck`), never executed. The index gives each deck's
    number of slides and an estimate of the time to present it
    (`coursetools.slides.presenting_minutes`).
    """
    import html

    import nbformat
    from nbconvert import SlidesExporter

    out = out or build_dir() / "slides"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    vendor_reveal(out / "reveal.js")
    vendor_mathjax(out / "mathjax")
    exporter = SlidesExporter(
        template_name="course_reveal",
        extra_template_basedirs=[str(SITE_DIR / "slides-template")],
        reveal_url_prefix="reveal.js",
        reveal_theme="white",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    rows = []
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        shown, count = slides.deck(nb)
        body, _ = exporter.from_notebook_node(
            shown, resources={"metadata": {"name": path.stem}}
        )
        name = f"{path.stem}.slides.html"
        (out / name).write_text(body, "utf-8")
        rows.append(
            f'<tr><td><a href="{name}">{html.escape(_title(nb, path.stem).replace("`", ""))}</a></td>'
            f'<td class="n">{count}</td>'
            f'<td class="n">{slides.presenting_minutes(count)} min</td></tr>'
        )
    per_slide = f"{slides.MINUTES_PER_SLIDE:g}"
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Slides: text and sequences with Keras 3</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:56em;margin:2em auto;"
        "line-height:1.5}td,th{padding:0.2em 0.8em;text-align:left}"
        "td.n,th.n{text-align:right}</style></head><body>\n"
        "<h1>Slides: deep learning for text and sequences, with Keras 3</h1>\n"
        "<p>One reveal.js deck a lesson: the code, its outputs and its figures on "
        "the slides, the notebook's explanations in the speaker notes (press "
        "<kbd>s</kbd>). <kbd>Space</kbd> or the right arrow for the next slide, "
        "<kbd>Esc</kbd> for an overview.</p>\n"
        f"<p>Time to present: about {per_slide} minutes a slide, rounded up to "
        "5 minutes (exercises and questions not counted).</p>\n"
        '<table>\n<tr><th>Lesson</th><th class="n">Slides</th>'
        '<th class="n">About</th></tr>\n'
        f"{chr(10).join(rows)}\n</table>\n</body></html>\n",
        "utf-8",
    )
    print(f"slides: {out} ({time.perf_counter() - start:.1f} s)")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m coursetools.site")
    parser.add_argument("what", choices=["site", "slides"])
    args = parser.parse_args(argv)
    if args.what == "site":
        build_site()
    else:
        build_slides()


if __name__ == "__main__":
    main()
