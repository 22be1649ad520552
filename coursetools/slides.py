"""A lesson as slides to teach from: what the class looks at, the prose in the notes.

`deck` turns a committed notebook (never executed) into a copy with reveal.js
slide metadata that nbconvert's slides exporter renders (coursetools.site
``build_slides``), on a 1280×720 slide:

- every ``#``, ``##`` and ``###`` heading starts a slide; the notebook's prose
  goes into the speaker notes of the slide it belongs to (``s`` in reveal.js),
  except the lists of the "Wrapping up" and "Exercises" sections, which the
  class reads (the summary and the tasks); a section of prose alone has no
  slide: its heading and prose open the notes of the next one;
- a code cell shows its code and its outputs; a cell tagged ``boilerplate``
  (coursetools.tags) shows its outputs only; code too long for one slide goes
  on the next, cut at a blank line;
- a figure gets a slide of its own, under its section's heading, as large as
  the slide allows;
- long outputs are cut to their first and last lines (`OUTPUT_LINES`), long
  tables to their first and last rows; the notebook has them whole;
- a slide that would overflow continues on the next one, under the same
  heading.

The heights below are estimates of the slide's layout (the CSS of
site/slides-template/course_reveal/index.html.j2); the browser test
(tests/test_site.py) checks in Chromium that no slide of any deck overflows.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field

from coursetools.tags import BOILERPLATE

#: The slide, in CSS pixels (reveal.js scales it to the screen).
WIDTH, HEIGHT = 1280, 720
#: Room for content under a slide's heading (the slide's padding and the
#: heading taken off), and the estimated heights of what goes in it.
BODY = HEIGHT - 16 - 64 - 6  # the top padding, the heading, a margin
CODE_LINE, CODE_CHARS = 25, 96  # 20 px monospace, wrapped
OUTPUT_LINE, OUTPUT_CHARS = 22, 108  # 17 px monospace, wrapped
TEXT_LINE, TEXT_CHARS = 31, 88  # the lists on a slide, 23 px
TABLE_ROW = 31
BLOCK = 16  # the margins of a block of code or output
#: A longer text output keeps its first and last lines on the slide.
OUTPUT_HEAD, OUTPUT_TAIL = 4, 7
OUTPUT_LINES = OUTPUT_HEAD + OUTPUT_TAIL + 1
#: A longer table keeps its first and last rows.
TABLE_HEAD, TABLE_TAIL = 6, 3
#: Sections whose lists stay on the slide.
LIST_SECTIONS = ("Wrapping up", "Exercises")
#: The cell tag of a figure on its own slide (the template sizes it).
FIGURE_TAG = "slide-figure"
#: About how long a slide takes to present, in minutes (the index's estimate).
MINUTES_PER_SLIDE = 1.5

_HEADING = re.compile(r"^(#{1,3}) +(.*)$")
_LIST_ITEM = re.compile(r"^(\s*)([-*]|\d+\.) ")


def presenting_minutes(slides: int) -> int:
    """`MINUTES_PER_SLIDE` a slide, rounded up to 5 minutes."""
    return 5 * math.ceil(slides * MINUTES_PER_SLIDE / 5)


def _wrapped(text: str, width: int) -> int:
    return sum(1 + max(len(line) - 1, 0) // width for line in text.splitlines())


def _cut_lines(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    if len(lines) <= OUTPUT_LINES:
        return text
    hidden = len(lines) - OUTPUT_HEAD - OUTPUT_TAIL
    return "\n".join(
        lines[:OUTPUT_HEAD]
        + [f"… {hidden} lines not shown (the notebook has them all) …"]
        + lines[-OUTPUT_TAIL:]
    )


def _cut_table(html: str) -> str:
    """A DataFrame's HTML with its first and last rows (pandas' own markup)."""
    m = re.search(r"(<tbody>)(.*?)(</tbody>)", html, re.S)
    if not m:
        return html
    rows = re.findall(r"<tr>.*?</tr>", m.group(2), re.S)
    if len(rows) <= TABLE_HEAD + TABLE_TAIL + 1:
        return html
    columns = rows[0].count("<td") + rows[0].count("<th")
    gap = (
        f'<tr><td colspan="{columns}" style="text-align:center">… '
        f"{len(rows) - TABLE_HEAD - TABLE_TAIL} rows not shown …</td></tr>"
    )
    body = "\n".join(rows[:TABLE_HEAD] + [gap] + rows[-TABLE_TAIL:])
    return html[: m.start(2)] + "\n" + body + "\n" + html[m.end(2) :]


def _text(output) -> str:
    text = output.get("text") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def _merged(outputs) -> list:
    """Consecutive outputs to the same stream as one (a training log)."""
    merged = []
    for output in outputs:
        if (
            output.output_type == "stream"
            and merged
            and merged[-1].output_type == "stream"
            and merged[-1].name == output.name
        ):
            merged[-1].text = _text(merged[-1]) + _text(output)
        else:
            merged.append(copy.deepcopy(output))
    return merged


def _is_figure(output) -> bool:
    return any(key.startswith("image/") for key in output.get("data", {}))


def _shortened(output):
    """The output as it goes on a slide, and its estimated height."""
    if output.output_type == "stream":
        output.text = _cut_lines(_text(output))
        return output, _wrapped(output.text, OUTPUT_CHARS) * OUTPUT_LINE
    if output.output_type == "error":
        return output, 10 * OUTPUT_LINE
    data = output.get("data", {})
    html = data.get("text/html")
    if isinstance(html, list):
        html = data["text/html"] = "".join(html)
    if html and "<table" in html:
        data["text/html"] = html = _cut_table(html)
        return output, (html.count("<tr") + 1) * TABLE_ROW
    text = _text(output)
    if "text/markdown" in data or "text/latex" in data:
        return output, _wrapped(text, TEXT_CHARS) * TEXT_LINE
    if not html and text:
        data["text/plain"] = text = _cut_lines(text)
    return output, max(_wrapped(text, OUTPUT_CHARS), 1) * OUTPUT_LINE


def _code_chunks(source: str, lines: int) -> list[str]:
    """The source in pieces of at most ``lines`` (wrapped) lines, cut at a blank
    line before an unindented line where there is one."""
    chunks, current = [], []
    for line in source.rstrip().split("\n"):
        current.append(line)
        if _wrapped("\n".join(current), CODE_CHARS) > lines:
            cut = max(
                (
                    i
                    for i in range(1, len(current) - 1)
                    if not current[i].strip()
                    and current[i + 1][:1] not in ("", " ", ")", "]", "}")
                ),
                default=None,
            )
            if cut is None or cut < len(current) // 3:
                cut = len(current) - 1
            chunks.append("\n".join(current[:cut]).rstrip())
            current = [x for x in current[cut:]]
            while current and not current[0].strip():
                current.pop(0)
    if current:
        chunks.append("\n".join(current))
    return chunks


@dataclass
class Piece:
    cell: object
    height: int
    figure: bool = False


@dataclass
class Slide:
    heading: str
    pieces: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    used: int = 0

    @property
    def full(self) -> bool:
        return any(p.figure for p in self.pieces)


def _code_pieces(cell) -> list[Piece]:
    """A code cell as pieces of slides: its code (unless boilerplate) with its
    text outputs, then each figure on its own."""
    import nbformat

    def part(source, outputs, height, figure=False):
        new = nbformat.v4.new_code_cell(source, execution_count=cell.execution_count)
        new.metadata = copy.deepcopy(cell.metadata)
        new.outputs = outputs
        if not source:
            new.metadata["transient"] = {"remove_source": True}
        if figure:
            new.metadata.setdefault("tags", []).append(FIGURE_TAG)
        return Piece(new, height, figure)

    boilerplate = BOILERPLATE in cell.metadata.get("tags", [])
    source = "" if boilerplate else cell.source.strip()
    texts, figures = [], []
    for output in _merged(cell.get("outputs", [])):
        if _is_figure(output):
            figures.append(output)
        else:
            texts.append(_shortened(output))
    text_height = sum(h for _, h in texts) + (BLOCK if texts else 0)
    code_lines = (BODY - BLOCK) // CODE_LINE
    chunks = _code_chunks(source, code_lines) if source else []
    pieces = []
    for chunk in chunks[:-1]:
        pieces.append(part(chunk, [], _wrapped(chunk, CODE_CHARS) * CODE_LINE + BLOCK))
    last = chunks[-1] if chunks else ""
    last_height = _wrapped(last, CODE_CHARS) * CODE_LINE + BLOCK if last else 0
    if texts and last and last_height + text_height <= BODY:
        pieces.append(part(last, [o for o, _ in texts], last_height + text_height))
    else:
        if last:
            pieces.append(part(last, [], last_height))
        group, height = [], BLOCK
        for output, h in texts:  # outputs that do not fit together are split
            if group and height + h > BODY:
                pieces.append(part("", group, height))
                group, height = [], BLOCK
            group.append(output)
            height += h
        if group:
            pieces.append(part("", group, height))
    for output in figures:
        pieces.append(part("", [output], BODY, figure=True))
    return pieces


def _segments(source: str):
    """A markdown cell as (heading level, heading, body) segments; level 0 and
    heading "" for text before the first heading."""
    segments, level, heading, body = [], 0, "", []
    fenced = False
    for line in source.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            if heading or "\n".join(body).strip():
                segments.append((level, heading, "\n".join(body).strip()))
            level, heading, body = len(m.group(1)), line.strip(), []
        else:
            body.append(line)
    if heading or "\n".join(body).strip():
        segments.append((level, heading, "\n".join(body).strip()))
    return segments


def _lists_and_prose(body: str) -> tuple[list[str], str]:
    """The list items of a markdown body (each with its continuation lines),
    and the rest of it."""
    items, prose, in_item = [], [], False
    for line in body.split("\n"):
        if _LIST_ITEM.match(line):
            items.append(line)
            in_item = True
        elif in_item and line.startswith((" ", "\t")) and line.strip():
            items[-1] += "\n" + line
        else:
            in_item = False
            prose.append(line)
    return items, "\n".join(prose).strip()


def _subtitle(body: str) -> str | None:
    """The title cell's reference to the book, up to its first " · "."""
    for paragraph in body.split("\n\n"):
        flat = " ".join(paragraph.split())
        if flat.startswith("*Deep Learning with Python*"):
            return flat.split(" · ")[0]
    return None


def deck(nb):
    """The slides of a notebook: ``(notebook, number of slides)``.

    The notebook is a new one, with reveal.js metadata (``slideshow``) on every
    cell, ready for nbconvert's SlidesExporter; ``nb`` is left as it is.
    """
    import nbformat

    slides: list[Slide] = []
    pending: list[str] = []  # prose waiting for the slide of what it introduces
    after_code = False

    def new_slide(heading: str) -> Slide:
        carried = []
        if len(slides) > 1 and not slides[-1].pieces:
            # a section of prose only: its heading and prose go to the notes
            empty = slides.pop()
            carried = [f"**{empty.heading.lstrip('#').strip()}**", *empty.notes]
        elif slides and pending:
            slides[-1].notes.extend(pending)
            pending.clear()
        slides.append(Slide(heading, notes=carried))
        return slides[-1]

    def place(piece: Piece, heading: str) -> None:
        slide = slides[-1] if slides else new_slide(heading)
        if slide.full or (
            slide.pieces and (piece.figure or slide.used + piece.height > BODY)
        ):
            slide = new_slide(slide.heading)
        slide.pieces.append(piece)
        slide.used += piece.height
        slide.notes.extend(pending)
        pending.clear()

    section = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for level, heading, body in _segments(cell.source):
                if heading:
                    slide = new_slide(heading)
                    section = heading.lstrip("#").strip()
                    if level == 1 and (subtitle := _subtitle(body)):
                        subtitle_cell = nbformat.v4.new_markdown_cell(subtitle)
                        slide.pieces.append(Piece(subtitle_cell, TEXT_LINE))
                if section in LIST_SECTIONS:
                    items, prose = _lists_and_prose(body)
                    for item in items:
                        height = _wrapped(item, TEXT_CHARS) * TEXT_LINE + 8
                        piece = Piece(nbformat.v4.new_markdown_cell(item), height)
                        place(piece, heading)
                    body = prose
                if body:
                    if after_code or heading:
                        slides[-1].notes.append(body)
                    else:
                        pending.append(body)
                after_code = False
        elif cell.cell_type == "code":
            pieces = _code_pieces(cell)
            for piece in pieces:
                place(piece, slides[-1].heading if slides else "")
            after_code = after_code or bool(pieces)
    if pending and slides:
        slides[-1].notes.extend(pending)

    out = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    for slide in slides:
        cells = [nbformat.v4.new_markdown_cell(slide.heading)] if slide.heading else []
        cells += [p.cell for p in slide.pieces]
        for i, cell in enumerate(cells):
            cell.metadata["slideshow"] = {"slide_type": "slide" if i == 0 else "-"}
        if slide.notes:
            notes = nbformat.v4.new_markdown_cell("\n\n".join(slide.notes))
            notes.metadata["slideshow"] = {"slide_type": "notes"}
            cells.append(notes)
        out.cells.extend(cells)
    return out, len(slides)
