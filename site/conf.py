"""Sphinx configuration of the course site (`make site`, see coursetools/site.py).

The sources are staged by coursetools/site.py into build/site-src/: the README as
the index page, the committed notebooks (rendered with their outputs, never
executed), the pages of docs/ and datasets/README.md. Nothing is loaded from
a CDN: MathJax is vendored from npm (site/package.json) into _static/mathjax/.
"""

import json

project = "Deep learning for text and sequences, with Keras 3"
author = "the course authors"
copyright = "the course authors (code: MIT)"

extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# Render the committed full-run outputs; never execute anything.
nb_execution_mode = "off"
nb_merge_streams = True
# Keras' model summaries are text with ANSI colours: render them as colours.
nb_render_text_lexer = "myst-ansi"

root_doc = "index"
exclude_patterns = ["_build", "_extra", "_static", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_extra_path = ["_extra"]  # the repository files the pages link to
html_css_files = ["course.css"]

html_theme = "furo"
html_title = "Text and sequences with Keras 3"
html_theme_options = {"top_of_page_buttons": ["view"]}
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

# Vendored MathJax 3, relative to _static (copied there by coursetools/site.py).
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    "tex": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
    },
    "options": {"menuOptions": {"settings": {"assistiveMml": False}}},
}


# Which repository file each page comes from (written by coursetools/site.py).
def _page_source(app, pagename, templatename, context, doctree):
    sources = json.loads((app.srcdir / "_course_sources.json").read_text())
    context["course_source_file"] = sources.get(pagename)


def setup(app):
    app.connect("html-page-context", _page_source)
