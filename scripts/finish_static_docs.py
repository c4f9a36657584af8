"""Finish dbt's static docs page (target/static_index.html) so that it works offline.

1. Mermaid: dbt docs shows a ```mermaid block as code. This inlines mermaid's browser
   bundle (from the npm package, as a data: URL, so the page stays one file) and a few
   lines that turn each such block into a diagram when dbt docs shows it (the ERD on
   the overview page).
2. dbt docs' file tree binds its icons with `xlink:href="{{ ... }}"`, which the browser
   tries to load before Angular fills it in (an error per icon in the console, a 404
   when served); `ng-attr-href` sets the same link once it is known. Its favicon link
   is an unbuilt `${require(...)}` (another failed load): an empty data: icon instead.

    python scripts/finish_static_docs.py target/static_index.html

Mermaid's bundle comes from the npm registry (`npm pack`, pinned below, checked by npm
against the registry's integrity hash) and is cached in .cache/.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MERMAID_VERSION = "12.3.0"
CACHE = Path(__file__).resolve().parents[1] / ".cache"

MARK = "<!-- finished by scripts/finish_static_docs.py -->"
FAVICON = "href=\"${require('./assets/favicons/favicon.ico')}\""
RENDER = """<script>
(function () {
  mermaid.initialize({
    startOnLoad: false, securityLevel: "strict", theme: "neutral",
    er: {useMaxWidth: false}
  });
  function render() {
    var blocks = document.querySelectorAll("code.lang-mermaid, code.language-mermaid");
    if (!blocks.length) { return; }
    blocks.forEach(function (code) {
      var diagram = document.createElement("div");
      diagram.className = "mermaid";
      diagram.style.overflowX = "auto";
      diagram.textContent = code.textContent;
      code.parentElement.replaceWith(diagram);
    });
    mermaid.run({querySelector: "div.mermaid:not([data-processed])"});
  }
  new MutationObserver(render).observe(document.body, {childList: true, subtree: true});
  render();
})();
</script>"""


def finish(html: str, mermaid_js: bytes) -> str:
    if MARK in html:
        return html
    html = html.replace('xlink:href="{{', 'ng-attr-href="{{')
    html = html.replace(FAVICON, 'href="data:,"')
    src = "data:text/javascript;base64," + base64.b64encode(mermaid_js).decode("ascii")
    scripts = f'{MARK}\n<script src="{src}"></script>\n{RENDER}\n'
    at = html.rfind("</body>")
    if at < 0:
        raise ValueError("no </body> in the docs page")
    return html[:at] + scripts + html[at:]


def mermaid_bundle(cache: Path = CACHE, version: str = MERMAID_VERSION) -> Path:
    """mermaid.min.js of the pinned version, fetched once with `npm pack`."""
    bundle = cache / f"mermaid-{version}.min.js"
    if bundle.exists():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: it fetches mermaid's bundle for the docs' ERD")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        subprocess.run(
            [npm, "pack", "--silent", f"mermaid@{version}"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(Path(tmp) / f"mermaid-{version}.tgz") as tar:
            member = tar.extractfile("package/dist/mermaid.min.js")
            if member is None:
                raise SystemExit(f"mermaid {version}: no dist/mermaid.min.js in the package")
            part = bundle.with_suffix(".part")
            part.write_bytes(member.read())
            part.replace(bundle)
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="dbt's target/static_index.html")
    parser.add_argument("--mermaid", type=Path, help="mermaid.min.js (default: fetch it)")
    args = parser.parse_args(argv)
    bundle = args.mermaid or mermaid_bundle()
    page = args.page.read_text(encoding="utf-8")
    args.page.write_text(finish(page, bundle.read_bytes()), encoding="utf-8")
    print(f"{args.page}: mermaid inlined, icon links fixed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
