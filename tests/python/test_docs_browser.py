"""The dbt docs in a real browser: headless Chromium (Debian's package, installed here
when missing) opens target/static_index.html from disk with the network cut, and sees
the overview, every ERD picture fitting its box and a mart's lineage graph, with nothing
logged as an error; and the same pictures under `dbt docs serve` (target/ over HTTP on
the loopback address).

Screenshots are kept in target/test-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import dbt_manifest as dm
import erd
import finish_static_docs
import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "target" / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def apt_install(package: str, program: Path) -> Path:
    """A Debian package's program; the package installed with apt-get when missing (CI
    runs as root), as the Makefile's targets do."""
    if not program.exists():
        if not shutil.which("apt-get") or os.geteuid() != 0:
            pytest.fail(f"{program} is missing: apt-get install {package} (as root)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
            res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
            assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout[-2000:]}{res.stderr}"
    return program


@pytest.fixture(scope="session")
def chromium() -> Path:
    return apt_install("chromium", CHROMIUM)


@pytest.fixture(scope="module")
def docs(built) -> Path:
    """dbt docs generate --static on the built project, with the ERD drawn and the page
    finished like `make docs` does."""
    apt_install("graphviz", Path("/usr/bin/dot"))
    erd.render_svgs(dm.load(built / "target" / "manifest.json"), built / "assets" / "erd")
    target = built / "docs-target"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(built),
        "EHP_DUCKDB_PATH": str(built / "e2e.duckdb"),
    }
    dbt = str(Path(sys.executable).with_name("dbt"))
    res = subprocess.run(
        [dbt, "docs", "generate", "--static", "--target-path", str(target)],
        cwd=built,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout[-3000:]
    page = target / "static_index.html"
    assert finish_static_docs.main([str(page)]) == 0
    return target


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # a fresh profile in a temporary folder (playwright's default), no browser download
        browser = pw.chromium.launch(executable_path=str(chromium), args=FLAGS)
        yield browser
        browser.close()


class Page:
    """One browser tab on the docs, recording console errors and network attempts."""

    def __init__(self, browser, url: str) -> None:
        self.url = url
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.tab = browser.new_page(viewport={"width": 1400, "height": 900})
        self.tab.on(
            "console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}")
        )
        self.tab.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.tab.on("requestfailed", lambda r: self.errors.append(f"failed load: {r.url[:200]}"))
        self.tab.route("**/*", self._offline)

    def _offline(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, fragment: str) -> None:
        self.tab.goto(f"{self.url}#!/{fragment}")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(ARTIFACTS / name))

    def assert_clean(self) -> None:
        assert not self.errors, "\n".join(self.errors[:10])
        assert not self.outside, f"the page reached for the network: {self.outside[:5]}"


@pytest.fixture
def page(browser, docs):
    p = Page(browser, (docs / "static_index.html").as_uri())
    yield p
    p.tab.close()


def _overview_title() -> str:
    text = (ROOT / "models" / "overview.md").read_text(encoding="utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


ERD_PICTURES = 10  # the overview, 4 raw areas, 5 mart areas
# the ERD's pictures: inlined in the static page, from assets/erd/ under `dbt docs serve`
ERD_SELECTOR = 'img[src^="data:image/svg+xml;charset=utf-8;"], img[src*="assets/erd/"]'


def diagram_boxes(tab) -> list[dict]:
    """Every picture on the page: its natural and shown width, and its box's width."""
    return tab.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(i => {
            const box = i.parentElement;
            return {alt: i.alt, loaded: i.complete && i.naturalWidth > 0,
                    natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
                    box: box.clientWidth, overflow: box.scrollWidth - box.clientWidth};
        })""",
        ERD_SELECTOR,
    )


def assert_every_diagram_fits(tab) -> None:
    tab.wait_for_function(
        f"s => document.querySelectorAll(s).length >= {ERD_PICTURES}",
        arg=ERD_SELECTOR,
        timeout=30_000,
    )
    tab.wait_for_function(
        "s => [...document.querySelectorAll(s)].every(i => i.complete)",
        arg=ERD_SELECTOR,
        timeout=30_000,
    )
    boxes = diagram_boxes(tab)
    assert len(boxes) == ERD_PICTURES, boxes
    for b in boxes:
        assert b["loaded"], f"{b['alt']}: the picture did not load"
        assert b["shown"] <= b["box"] and b["overflow"] <= 0, f"{b['alt']} overflows: {b}"
        # drawn at its own size (no shrinking that would make the labels unreadable)
        assert b["shown"] >= 0.95 * b["natural"], f"{b['alt']} is shrunk: {b}"


def test_overview_page_and_every_erd_picture_fits(page):
    page.open("overview")
    page.tab.get_by_role("heading", name=_overview_title(), exact=True).wait_for()
    page.tab.get_by_role("heading", name="The data model").wait_for()
    page.shot("docs-overview.png")
    assert_every_diagram_fits(page.tab)
    text = page.tab.locator("body").inner_text()
    assert "<!--" not in text and "erdiagram" not in text.lower(), "stray text on the page"
    page.tab.locator(ERD_SELECTOR).first.scroll_into_view_if_needed()
    page.shot("docs-overview-erd.png")
    page.assert_clean()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request log on the test's output
        pass


@pytest.fixture(scope="module")
def served_docs(docs):
    """docs-target over HTTP on the loopback address, as `dbt docs serve` serves target/."""
    handler = functools.partial(_QuietHandler, directory=str(docs))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_dbt_docs_serve_shows_the_erd_pictures(browser, served_docs):
    tab = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        tab.goto(f"{served_docs}/index.html#!/overview")
        tab.get_by_role("heading", name="The data model").wait_for(timeout=60_000)
        assert_every_diagram_fits(tab)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "docs-serve-overview.png"))
    finally:
        tab.close()


def _lineage_model(manifest: dict) -> dict:
    """The first model under models/marts, or a staging model while there is no mart."""
    by_path = sorted(dm.models(manifest), key=lambda m: m["original_file_path"])
    marts = [m for m in by_path if dm.layer(m) == "marts"]
    return (marts or [m for m in by_path if dm.layer(m) == "staging"])[0]


def test_a_marts_lineage_graph_shows(page, built):
    model = _lineage_model(dm.load(built / "target" / "manifest.json"))
    page.open(f"model/{model['unique_id']}")
    page.tab.locator(".model-header h1, h1").filter(has_text=model["name"]).first.wait_for()
    page.shot(f"docs-model-{model['name']}.png")
    page.tab.click(".launcher-btn")
    page.tab.locator(".launcher canvas").first.wait_for()
    shown = page.tab.wait_for_function(
        """name => {
            const el = [...document.querySelectorAll('*')].find(e => e._cyreg && e._cyreg.cy);
            if (!el) { return null; }
            const labels = el._cyreg.cy.nodes().filter(n => n.visible()).map(n => n.data('label'));
            return labels.includes(name) && labels.length > 1 ? labels : null;
        }""",
        arg=model["name"],
        timeout=30_000,
    ).json_value()
    parents = {
        manifest_node.split(".")[-1]
        for manifest_node in model["depends_on"]["nodes"]
        if manifest_node.startswith("model.")
    }
    assert parents <= set(shown), (parents, shown)
    page.shot(f"docs-lineage-{model['name']}.png")
    page.assert_clean()
