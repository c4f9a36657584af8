"""The static dbt docs in a real browser: headless Chromium (Debian's package, installed
here when missing) opens target/static_index.html from disk with the network cut, and
sees the overview, the ERD and a mart's lineage graph, with nothing logged as an error.

Screenshots and the ERD's SVGs are kept in target/test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dbt_manifest as dm
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


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; installed with apt-get when missing (CI runs as root)."""
    if not CHROMIUM.exists():
        if not shutil.which("apt-get") or os.geteuid() != 0:
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (as root)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
            assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout[-2000:]}{res.stderr}"
    return CHROMIUM


@pytest.fixture(scope="module")
def docs(built) -> Path:
    """dbt docs generate --static on the built project, finished like `make docs` does."""
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


def test_overview_page_and_erd_render(page):
    page.open("overview")
    page.tab.get_by_role("heading", name=_overview_title(), exact=True).wait_for()
    page.tab.get_by_role("heading", name="The data model").wait_for()
    page.shot("docs-overview.png")
    diagrams = page.tab.locator("div.mermaid svg")
    diagrams.nth(1).wait_for(timeout=60_000)
    assert diagrams.count() == 2
    svgs = [diagrams.nth(i).evaluate("e => e.outerHTML") for i in range(2)]
    assert "ehp_patn" in svgs[0].lower() and "ehp_vist" in svgs[0].lower()
    assert "fct_" in svgs[1].lower() or "dim_" in svgs[1].lower()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, svg in zip(("erd-raw.svg", "erd-marts.svg"), svgs, strict=True):
        (ARTIFACTS / name).write_text(svg, encoding="utf-8")
    page.tab.locator("div.mermaid").first.scroll_into_view_if_needed()
    page.shot("docs-overview-erd.png")
    page.assert_clean()


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
