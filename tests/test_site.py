"""The site and the slides, built and opened in a real browser (headless Chromium).

The module builds the site (`make site`) and the slides (`make slides`) into
build/, serves build/ on 127.0.0.1 and opens every page with Playwright driving
the system's Chromium (Debian's ``chromium`` package; Playwright's own browser
download is never used). Every request that would leave 127.0.0.1 is recorded
and blocked, and fails the test of its page. Screenshots for review go to
build/screenshots/.

Without Chromium (or Playwright) the tests are skipped with a hint, except where
``COURSE_REQUIRE_BROWSER`` is set (CI sets it in .ci/run): there they fail.
``COURSE_CHROMIUM`` names another Chromium executable.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from coursetools import site, slides
from helpers.runs import build_dir

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_GET_CHROMIUM = (
    "the browser tests need Chromium and Playwright: on Debian or Ubuntu "
    "`sudo apt-get install -y chromium` (or set COURSE_CHROMIUM to a Chromium "
    "executable), and `pip install -e '.[site]'` (never `playwright install`: "
    "the tests use the system's Chromium)"
)
# Text that still looks like TeX after MathJax ran: $...$, $$, \( or \[.
RAW_MATH_JS = r"""() => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "MJX-CONTAINER", "TEXTAREA"]);
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName) || el.classList.contains("highlight")
            || el.classList.contains("output")) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    }
  });
  const pattern = /\$\$|\$[^$\s][^$]*\$|\\\(|\\\[/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const m = n.textContent.match(pattern);
    if (m) found.push(n.textContent.trim().slice(0, 120));
  }
  return found;
}"""
MATH_JS = """() => {
  const math = [...document.querySelectorAll("span.math, div.math")];
  return {math: math.length,
          rendered: math.filter(el => el.querySelector("mjx-container")).length,
          containers: document.querySelectorAll("mjx-container").length};
}"""
IMAGES_JS = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
               .map(img => img.currentSrc || img.src);
}"""
# Every slide of a deck shown in turn: what runs off the slide or scrolls inside
# it, its figures (each loaded, whole and large), and slides that are a heading
# over empty space or carry a paragraph of prose.
OVERFLOW_JS = """async () => {
  Reveal.configure({transition: "none", backgroundTransition: "none"});
  const slides = Reveal.getSlides();
  const problems = [], figures = [];
  const frame = () => document.querySelector(".reveal .slides").getBoundingClientRect();
  const off = (r, f) => Math.max(r.bottom - f.bottom, r.right - f.right,
                                 f.left - r.left, f.top - r.top);
  for (const [n, slide] of slides.entries()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const f = frame();
    const heading = slide.querySelector("h1, h2, h3");
    const where = `slide ${n + 1} (${heading ? heading.textContent.trim() : ""})`;
    const shown = [...slide.querySelectorAll("*")].filter(el => !el.closest("aside.notes"));
    let worst = null;
    for (const el of shown) {
      const r = el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const out = off(r, f);
      if (out > 1 && (!worst || out > worst.out))
        worst = {out, what: el.tagName + "." + (el.getAttribute("class") || "")};
      const style = getComputedStyle(el);
      if (["auto", "scroll", "hidden"].includes(style.overflowX)
          && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${where}: ${el.tagName}.${el.getAttribute("class")} is cut or scrolls sideways`);
      if (["auto", "scroll", "hidden"].includes(style.overflowY)
          && el.scrollHeight > el.clientHeight + 1 && el.tagName !== "MJX-CONTAINER")
        problems.push(`${where}: ${el.tagName}.${el.getAttribute("class")} is cut or scrolls`);
    }
    if (worst)
      problems.push(`${where}: ${worst.what.slice(0, 60)} runs ${Math.round(worst.out)} px off`);
    for (const img of slide.querySelectorAll("img")) {
      if (img.closest("aside.notes")) continue;
      await img.decode().catch(() => null);
      const r = img.getBoundingClientRect();
      const large = r.height >= 0.6 * f.height || r.width >= 0.8 * f.width;
      figures.push({slide: n, width: Math.round(r.width), height: Math.round(r.height)});
      if (!(img.complete && img.naturalWidth > 0)) problems.push(`${where}: a figure did not load`);
      else if (off(r, f) > 1) problems.push(`${where}: a figure is not whole`);
      else if (!large) problems.push(`${where}: a figure is small (${Math.round(r.width)}x${Math.round(r.height)})`);
    }
    if (n > 0) {
      const content = shown.filter(el => el.matches(
        ".jp-CodeCell, li, table, img, .jp-OutputArea-output"));
      if (!content.length) problems.push(`${where}: a heading over empty space`);
      for (const p of slide.querySelectorAll(".jp-MarkdownOutput p"))
        if (!p.closest("li, aside.notes")) problems.push(`${where}: a paragraph of prose`);
    }
  }
  return {slides: slides.length, problems, figures,
          frame: [Math.round(frame().width), Math.round(frame().height)]};
}"""
MATHJAX_READY_JS = """async () => {
  if (!window.MathJax) return false;
  if (MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return true;
}"""


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("COURSE_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _missing(reason: str):
    message = f"{reason}: {HOW_TO_GET_CHROMIUM}"
    if os.environ.get("COURSE_REQUIRE_BROWSER"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def built():
    """build/site and build/slides, built once for this module."""
    site.build_site()
    site.build_slides()
    return build_dir()


@pytest.fixture(scope="module")
def server(browser, built):
    """The base URL of build/, served on 127.0.0.1 on a free port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        _missing("no Chromium found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A fresh browser page that records console errors and outside requests."""

    def __init__(self, browser, color_scheme="light", height=900):
        self.context = browser.new_context(
            viewport={"width": 1280, "height": height}, color_scheme=color_scheme
        )
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.errors.append(m.text),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "requestfailed",
            lambda r: (
                r.url not in self.outside
                and self.failed.append(f"{r.url} ({r.failure})")
            ),
        )
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})"),
        )

    def _route(self, route):
        url = route.request.url
        scheme = urlparse(url).scheme
        if scheme in ("data", "blob", "about") or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, url: str):
        self.page.goto(url, wait_until="load")
        self.page.evaluate(MATHJAX_READY_JS)
        return self.page

    def check(self, what: str):
        assert not self.outside, f"{what}: requests outside 127.0.0.1: {self.outside}"
        assert not self.failed, f"{what}: failed requests: {self.failed}"
        assert not self.errors, f"{what}: console errors: {self.errors}"

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    visits = []

    def make(**kwargs) -> Visit:
        v = Visit(browser, **kwargs)
        visits.append(v)
        return v

    yield make
    for v in visits:
        v.close()


def _screenshot(page, name: str, **kwargs) -> Path:
    path = build_dir() / "screenshots" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), **kwargs)
    return path


def _site_pages() -> list[str]:
    root = build_dir() / "site"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.html"))


def test_every_site_page_loads_cleanly(built, server, visit):
    pages = _site_pages()
    lessons = [p for p in pages if p.startswith("notebooks/")]
    assert len(lessons) == len(site.notebooks()), pages
    docs = {f"docs/{p.stem}.html" for p in site.doc_pages()}
    assert {"docs/reproduction.html", "docs/tests.html"} <= docs
    assert {"index.html", "search.html", *docs} <= set(pages)
    problems = []
    math_total = 0
    for name in pages:
        v = visit()
        page = v.open(f"{server}/site/{name}")
        try:
            v.check(name)
            broken = page.evaluate(IMAGES_JS)
            assert not broken, f"{name}: images not loaded: {broken}"
            raw = page.evaluate(RAW_MATH_JS)
            assert not raw, f"{name}: raw TeX outside code: {raw}"
            math = page.evaluate(MATH_JS)
            assert math["rendered"] == math["math"], f"{name}: math not rendered {math}"
            math_total += math["containers"]
            if name.startswith("notebooks/"):
                source = Path(name).with_suffix(".ipynb").name
                assert page.locator(f'a[href="{source}"]').count(), (
                    f"{name}: no link to {source}"
                )
        except AssertionError as err:
            problems.append(str(err))
        v.close()
    assert not problems, "\n".join(problems)
    assert math_total > 0, "no rendered math on any page"


def test_screenshots_of_index_and_a_lesson(built, server, visit):
    v = visit()
    page = v.open(f"{server}/site/index.html")
    assert page.locator("table").count() >= 1  # the lessons
    _screenshot(page, "site-index.png")
    page = v.open(f"{server}/site/notebooks/03_learned_embeddings.html")
    figure = page.locator("div.cell_output img").first
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("img => img.naturalWidth") > 0
    _screenshot(page, "site-lesson-figure.png")
    v.check("screenshots")


def test_search_finds_glove(built, server, visit):
    v = visit()
    page = v.open(f"{server}/site/search.html?q=GloVe")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=20_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("04_pretrained_glove" in h for h in hrefs), hrefs
    v.check("search")


def test_dark_theme_switch(built, server, visit):
    v = visit(color_scheme="light")
    page = v.open(f"{server}/site/notebooks/05_simple_rnn.html")
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle = page.locator(".content-icon-container .theme-toggle").first
    for _ in range(3):  # Furo cycles auto -> dark -> light -> auto
        if page.evaluate("document.body.dataset.theme") == "dark":
            break
        toggle.click()
    assert page.evaluate("document.body.dataset.theme") == "dark"
    dark = page.evaluate(background)
    assert dark != light, (light, dark)
    _screenshot(page, "site-dark.png")
    page.reload()  # the choice is kept
    assert page.evaluate("document.body.dataset.theme") == "dark"
    v.check("dark theme")


def test_every_slide_deck_loads_and_advances(built, server, visit):
    decks = sorted(p.name for p in (build_dir() / "slides").glob("*.slides.html"))
    assert len(decks) == len(site.notebooks()), decks
    problems = []
    for name in ["index.html", *decks]:
        v = visit()
        page = v.open(f"{server}/slides/{name}")
        try:
            v.check(name)
            if name == "index.html":
                assert page.locator("a[href$='.slides.html']").count() == len(decks)
                continue
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            total = page.evaluate("Reveal.getTotalSlides()")
            assert total > 3, f"{name}: only {total} slides"
            broken = page.evaluate(IMAGES_JS)
            assert not broken, f"{name}: images not loaded: {broken}"
        except AssertionError as err:
            problems.append(str(err))
        v.close()
    assert not problems, "\n".join(problems)


def test_a_slide_deck_advances(built, server, visit):
    v = visit(height=720)
    page = v.open(f"{server}/slides/05_simple_rnn.slides.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    first = page.evaluate("Reveal.getIndices()")
    assert first["h"] == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 2")
    page.wait_for_timeout(800)  # the slide transition
    assert page.evaluate("Reveal.getCurrentSlide().textContent").strip()
    _screenshot(page, "slide.png")
    # math on a slide is rendered, not left as $...$
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 0
    v.check("slides")


def test_links_of_the_index_and_the_docs_resolve(built, server, visit):
    """The README's links (lessons, docs/, datasets/README.md...), and those of
    the pages of docs/ (helpers/profiles.toml...)."""
    v = visit()

    def links(name: str) -> list[str]:
        page = v.open(f"{server}/site/{name}")
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('article a[href]')].map(a => a.href)"
        )
        return sorted({h.split("#")[0] for h in hrefs if h.startswith(server)})

    index = links("index.html")
    assert any(h.endswith("datasets/README.html") for h in index), index
    assert any(h.endswith("01_one_hot_encoding.html") for h in index), index
    # every page of docs/ is reachable from the front page
    for doc in site.doc_pages():
        assert any(h.endswith(f"docs/{doc.stem}.html") for h in index), (doc, index)
    local = set(index)
    for doc in site.doc_pages():
        local.update(links(f"docs/{doc.stem}.html"))
    assert any(h.endswith("profiles.toml") for h in local), sorted(local)
    broken = [h for h in sorted(local) if v.page.request.get(h).status != 200]
    assert not broken, f"links that do not resolve: {broken}"
    v.check("index and docs links")


def _open_deck(v, server, name: str):
    page = v.open(f"{server}/slides/{name}")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page


def test_the_decks_index_gives_slides_and_time(built, server, visit):
    v = visit()
    page = v.open(f"{server}/slides/index.html")
    rows = page.locator("tr:has(a)")
    assert rows.count() == len(site.notebooks())
    assert "minutes a slide" in page.locator("body").inner_text()
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        href = cells.nth(0).locator("a").get_attribute("href")
        count = int(cells.nth(1).inner_text())
        minutes = int(cells.nth(2).inner_text().split()[0])
        assert minutes == slides.presenting_minutes(count)
        deck = visit(height=720)
        total = _open_deck(deck, server, href).evaluate("Reveal.getTotalSlides()")
        assert total == count, (href, total, count)
        deck.close()
    v.check("slides index")


def test_no_slide_overflows_a_1280x720_screen(built, server, visit):
    """Every slide of every deck at 1280x720: nothing runs off the slide or
    scrolls inside it, every figure is loaded, whole and large, no slide is a
    heading over empty space or carries a paragraph (the prose is in the notes).
    Screenshots for review: a figure slide and the speaker view."""
    decks = sorted(p.name for p in (build_dir() / "slides").glob("*.slides.html"))
    problems = []
    for name in decks:
        v = visit(height=720)
        page = _open_deck(v, server, name)
        result = page.evaluate(OVERFLOW_JS)
        problems += [f"{name}: {p}" for p in result["problems"]]
        assert result["figures"] or name[:2] in {"02", "05"}, f"{name}: no figure"
        notes = page.evaluate(
            "Reveal.getSlides().filter(s => s.querySelector('aside.notes')).length"
        )
        assert notes >= result["slides"] // 3, f"{name}: {notes} slides with notes"
        v.check(name)
        v.close()
    assert not problems, "\n".join(problems)


def test_screenshots_of_a_figure_slide_and_the_speaker_view(built, server, visit):
    v = visit(height=720)
    page = _open_deck(v, server, "10_recurrent_baseline.slides.html")
    page.evaluate("Reveal.configure({transition: 'none'})")
    # the forecasts on the test year: the deck's last figure
    index = page.evaluate(
        "Reveal.getSlides().findLastIndex(s => s.querySelector('img'))"
    )
    assert index > 0
    page.evaluate(
        "n => { const at = Reveal.getIndices(Reveal.getSlides()[n]);"
        " Reveal.slide(at.h, at.v); }",
        index,
    )
    page.wait_for_timeout(300)
    figure = page.locator("section.present img").first
    box = figure.bounding_box()
    assert box["height"] >= 0.6 * 720, box
    _screenshot(page, "slide-figure.png")
    with v.context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.set_viewport_size({"width": 1280, "height": 800})
    speaker.wait_for_selector(".speaker-controls-notes .value", timeout=20_000)
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes .value').textContent.trim()"
        ".length > 100",
        timeout=20_000,
    )
    speaker.wait_for_timeout(1500)  # the current and upcoming slides' frames
    notes = speaker.locator(".speaker-controls-notes .value").inner_text()
    assert "common-sense" in notes or "forecast" in notes, notes[:200]
    _screenshot(speaker, "slide-speaker-view.png")
    v.check("speaker view")


def test_boilerplate_code_is_collapsed_on_the_site(built, server, visit):
    """Cells tagged boilerplate: their code behind a toggle (myst-nb's
    hide-input), their outputs shown."""
    import nbformat

    from coursetools.tags import BOILERPLATE

    nb = nbformat.read(
        site.ROOT / "notebooks" / "10_recurrent_baseline.ipynb", as_version=4
    )
    tagged = [c for c in nb.cells if BOILERPLATE in c.metadata.get("tags", [])]
    v = visit()
    page = v.open(f"{server}/site/notebooks/10_recurrent_baseline.html")
    cells = page.locator("div.cell.tag_boilerplate")
    assert cells.count() == len(tagged)
    for i in range(cells.count()):
        cell = cells.nth(i)
        assert cell.locator("details.hide summary").count() == 1
        assert not cell.locator("div.cell_input").first.is_visible()
    figures = page.locator("div.cell.tag_boilerplate div.cell_output img")
    assert figures.count() >= 2
    figures.first.scroll_into_view_if_needed()
    assert figures.first.is_visible()
    v.check("boilerplate on the site")


def test_the_live_page_writes_text_offline(built, server, visit):
    """Notebook 17's models write text on the site's live page: a prompt typed,
    Write clicked, new text appears, and no request leaves 127.0.0.1 (TensorFlow.js
    and the models are served by the site). Screenshot for review."""
    v = visit()
    page = v.open(f"{server}/site/{site.LIVE_PAGE}.html")
    page.wait_for_selector("#live-status[data-ready]", timeout=60_000)
    for model, prompt, length in (
        ("next_word_gru", "my lord the king", 12),
        ("char_lstm", "the meaning of life is", 80),
    ):
        page.select_option("#live-model", model)
        page.fill("#live-prompt", prompt)
        page.fill("#live-temperature", "0.5")
        page.fill("#live-length", str(length))
        page.click("#live-write")
        page.wait_for_selector('#live-status[data-done="true"]', timeout=120_000)
        written = page.locator("#live-output").inner_text()
        assert written.startswith(prompt) and len(written) > len(prompt) + 5, written
        assert int(page.get_attribute("#live-status", "data-tokens")) == length
        assert "per second" in page.locator("#live-status").inner_text()
    requested = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(name.endswith("tf.fesm.min.js") for name in requested), requested
    assert any("live/models/char_lstm/" in name for name in requested), requested
    _screenshot(page, "site-live-generation.png", full_page=True)
    v.check("live page")
