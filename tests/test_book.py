"""Build the book and read it as a reader would, in headless Chromium.

The build runs once per session (``jupyter-book build . --all --warningiserror``,
the same command as ``make book``), into ``_build/html``. The browser tests
serve that folder on 127.0.0.1 and open every page listed in ``_toc.yml`` in
Debian's Chromium (``apt-get install chromium``), driven by Playwright. They
check that the math is typeset by the bundled MathJax, every image loads, the
Binder button opens the page's own notebook, the navigation links resolve,
nothing is fetched from another host, and the console shows no errors.
Screenshots of every page are left in ``_build/screenshots`` for a human look.
"""

from __future__ import annotations

import functools
import os
import http.server
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
# Debian's Chromium by default; RNNBOOK_CHROMIUM names another Chromium-based browser
CHROMIUM = os.environ.get("RNNBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


PAGES = toc_pages()
CHAPTERS = [page for page in PAGES if page.startswith("chapters/")]


@pytest.fixture(scope="session")
def built_book() -> Path:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    # --all: an incremental Sphinx build keeps stale prev/next links on pages
    # that did not change when the table of contents did
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--all",
                             "--warningiserror", "--keep-going"],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        log = result.stdout + result.stderr
        problems = [line for line in log.splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        pytest.fail("the book build failed (every Sphinx warning is an error):\n"
                    + "\n".join(problems[:40]) + "\n--- end of the log:\n" + log[-3000:])
    return HTML


def test_book_builds_every_page(built_book):
    for page in PAGES:
        assert (built_book / f"{page}.html").is_file(), f"{page}.html was not built"
    assert (built_book / "index.html").is_file()


def test_mathjax_is_bundled_not_fetched(built_book):
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (built_book / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    page = (built_book / "chapters" / "01_state_space.html").read_text(encoding="utf-8")
    assert '_static/mathjax/tex-chtml.js' in page
    assert not re.search(r"<script[^>]+src=\"https?://", page), "a script is loaded from the web"


@pytest.fixture(scope="session")
def server(built_book):
    handler = functools.partial(QuietHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield chromium
        chromium.close()


class Visit:
    """One page opened in a fresh browser context, with everything it logged."""

    def __init__(self, browser, server: str, page: str):
        # 1200 px: just wide enough for both sidebars, so the text column is at
        # its narrowest (wider or narrower windows give the text more room)
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.console, self.errors, self.foreign, self.failed = [], [], [], []
        self.missing = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: r.status >= 400 and self.missing.append(r.url))

        def check_host(request):
            url = urllib.parse.urlparse(request.url)
            if url.scheme not in ("data", "blob", "about") and url.hostname != "127.0.0.1":
                self.foreign.append(request.url)

        self.page.on("request", check_host)
        self.response = self.page.goto(f"{server}/{page}.html", wait_until="networkidle")
        # Sphinx loads MathJax only on pages with math; wait until it has typeset them
        self.has_mathjax = self.page.evaluate(
            "() => !!document.querySelector('script[src*=\"mathjax/tex-chtml.js\"]')")
        if self.has_mathjax:
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && "
                                        "MathJax.startup.promise", timeout=20000)
            self.page.evaluate("() => MathJax.startup.promise")

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def visits(browser, server):
    opened = {page: Visit(browser, server, page) for page in PAGES}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for page, visit in opened.items():
        visit.page.screenshot(path=str(SHOTS / (page.replace("/", "__") + ".png")))
    yield opened
    for visit in opened.values():
        visit.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_console_errors(visits, page):
    visit = visits[page]
    assert visit.response is not None and visit.response.ok
    assert not visit.errors, f"{page}: uncaught JavaScript errors {visit.errors}"
    assert not visit.missing, f"{page}: resources not found {visit.missing}"
    problems = [text for kind, text in visit.console if kind in ("error", "warning")]
    assert not problems, f"{page}: console errors or warnings {problems}"
    assert not visit.failed, f"{page}: requests that failed {visit.failed}"
    assert not visit.foreign, f"{page}: requests to other hosts {visit.foreign}"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset(visits, page):
    counts = visits[page].page.evaluate("""() => ({
        math: document.querySelectorAll('.math').length,
        untypeset: [...document.querySelectorAll('.math')]
                     .filter(e => !e.querySelector('mjx-container')).length,
        errors: document.querySelectorAll('mjx-merror').length})""")
    assert counts["untypeset"] == 0, f"{page}: {counts['untypeset']} formulas left as TeX"
    assert counts["errors"] == 0, f"{page}: {counts['errors']} MathJax errors"
    # an unbalanced $ (or one eaten by a shell) leaves raw TeX in the prose
    stray = visits[page].page.evaluate(r"""() => {
        const article = document.querySelector('article').cloneNode(true);
        article.querySelectorAll('pre, code, .math, mjx-container, script, style, .sig, '
                                 + '.cell_output, .output').forEach(e => e.remove());
        const text = article.textContent;
        return (text.match(/.{0,30}(\$|\\[a-zA-Z]{2,}|\^\{).{0,30}/g) || [])}""")
    assert not stray, f"{page}: TeX left outside math {stray[:5]}"
    too_wide = visits[page].page.evaluate("""() => {
        const column = document.querySelector('article').getBoundingClientRect();
        return [...document.querySelectorAll('mjx-container[display="true"]')]
            .filter(m => m.getBoundingClientRect().right > column.right + 2
                         || m.scrollWidth > m.clientWidth + 2)
            .map(m => m.textContent.slice(0, 40))}""")
    assert not too_wide, f"{page}: display formulas wider than the text column {too_wide}"
    if page in ("intro", "notation") or page in CHAPTERS:
        assert visits[page].has_mathjax, f"{page} does not load the bundled MathJax"
        assert counts["math"] > 0, f"{page} should show typeset math"


@pytest.mark.parametrize("page", CHAPTERS)
def test_code_cells_fit_the_column(visits, page):
    """At the narrowest column (1200 px) no notebook code cell scrolls sideways:
    the notebooks allow 80 characters a line and _static/rnnbook.css makes them fit."""
    wide = visits[page].page.evaluate("""() =>
        [...document.querySelectorAll('div.cell_input pre')]
            .filter(p => p.scrollWidth > p.clientWidth + 1)
            .map(p => p.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b))""")
    assert not wide, f"{page}: code cells scroll sideways; longest lines {wide[:3]}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(visits, page):
    broken = visits[page].page.evaluate("""() => [...document.images]
        .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))""")
    assert not broken, f"{page}: images that did not load {broken}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_figures_are_shown(visits, page):
    figures = visits[page].page.evaluate(
        "() => document.querySelectorAll('.cell_output img').length")
    assert figures >= 3, f"{page} shows only {figures} figures"


@pytest.mark.parametrize("page", CHAPTERS)
def test_binder_link_opens_this_notebook(visits, page):
    repo = urllib.parse.urlparse(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    hub = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    links = visits[page].page.evaluate(
        "() => [...document.querySelectorAll('a')].map(a => a.href).filter(h => h.includes('binder'))")
    assert links, f"{page} has no Binder launch button"
    expected = f"{hub}/v2/gh/{repo}/{branch}?urlpath=lab/tree/{page}.ipynb"
    assert expected in links, f"{page}: Binder links {links}, expected {expected}"
    assert (ROOT / f"{page}.ipynb").is_file()


def test_repository_link(visits):
    links = visits["intro"].page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert CONFIG["repository"]["url"] in links


def test_navigation_reaches_every_page(visits, server):
    hrefs = visits["intro"].page.evaluate(
        "() => [...document.querySelectorAll('nav.bd-links a')].map(a => a.href)")
    reached = {urllib.parse.urlparse(h).path.lstrip("/").removesuffix(".html") for h in hrefs}
    assert set(PAGES) - {"intro"} <= reached, f"sidebar is missing {set(PAGES) - reached}"
    # the "next" link of every page, from the first to the last (every page is open
    # already, so its link is read there; one is clicked, to see that it leads on)
    seen = ["intro"]
    for _ in range(len(PAGES) - 1):
        link = visits[seen[-1]].page.eval_on_selector("a.right-next", "a => a.href")
        seen.append(urllib.parse.urlparse(link).path.lstrip("/").removesuffix(".html"))
    assert seen == PAGES, f"'next' leads through {seen}, the table of contents is {PAGES}"
    assert not visits[PAGES[-1]].page.query_selector("a.right-next")  # the last page ends it
    page = visits["intro"].page
    page.click("a.right-next")
    page.wait_for_load_state()
    assert urllib.parse.urlparse(page.url).path.lstrip("/").removesuffix(".html") == PAGES[1]
    page.go_back()


def test_precomputed_explorer_moves(visits):
    """The frame player of chapter 1 swaps its image when the slider moves, with no kernel."""
    page = visits["chapters/01_state_space"].page
    player = page.locator(".rnnbook-player").first
    image = player.locator("img")
    before = image.get_attribute("src")
    slider = player.locator("input[type=range]")
    slider.fill("4")
    after = image.get_attribute("src")
    assert before != after
    assert "scale = 10" in player.inner_text()


def test_reproduced_results_show_glued_numbers(visits):
    text = visits["appendix/reproduced_results"].page.inner_text("article")
    for expected in ("4.00", "-4.00"):          # measured on a grid of step 0.01
        assert expected in text, f"glued value {expected} missing from Reproduced results"
    assert re.search(r"\b0\.\d{4}\b", text), "glued stretch ratio missing"
