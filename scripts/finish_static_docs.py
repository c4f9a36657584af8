"""Finish dbt's static docs page (target/static_index.html) so that it works offline.

1. The ERD: the overview page shows the diagrams `scripts/erd.py --svg` drew into
   assets/erd/ (`dbt docs generate` copies them into target/assets/erd/, where
   `dbt docs serve` finds them). The static page inlines each as a data: URL, so that it
   stays one file that opens from anywhere. No Node, no Mermaid.
2. dbt docs' file tree binds its icons with `xlink:href="{{ ... }}"`, which the browser
   tries to load before Angular fills it in (an error per icon in the console, a 404
   when served); `ng-attr-href` sets the same link once it is known. Its favicon link
   is an unbuilt `${require(...)}` (another failed load): an empty data: icon instead.

    python scripts/finish_static_docs.py target/static_index.html
"""

from __future__ import annotations

import argparse
import base64
import re
import sys
from pathlib import Path

MARK = "<!-- finished by scripts/finish_static_docs.py -->"
FAVICON = "href=\"${require('./assets/favicons/favicon.ico')}\""
# an image of the overview page, as the manifest embedded in the page spells it
SVG_LINK = re.compile(r"\((assets/erd/[\w-]+\.svg)\)")


def inline_svgs(html: str, folder: Path) -> str:
    """Each `(assets/erd/x.svg)` image link becomes a data: URL of the file beside the page."""

    def data_url(match: re.Match) -> str:
        svg = folder / match[1]
        if not svg.exists():
            raise SystemExit(f"{svg} is missing: run `make docs` (it draws the ERD)")
        return (
            "(data:image/svg+xml;charset=utf-8;base64,"
            + base64.b64encode(svg.read_bytes()).decode()
            + ")"
        )

    return SVG_LINK.sub(data_url, html)


def finish(html: str, folder: Path) -> str:
    if MARK in html:
        return html
    html = html.replace('xlink:href="{{', 'ng-attr-href="{{')
    html = html.replace(FAVICON, 'href="data:,"')
    html = inline_svgs(html, folder)
    at = html.rfind("</body>")
    if at < 0:
        raise ValueError("no </body> in the docs page")
    return html[:at] + MARK + "\n" + html[at:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="dbt's target/static_index.html")
    args = parser.parse_args(argv)
    page = args.page.read_text(encoding="utf-8")
    args.page.write_text(finish(page, args.page.parent), encoding="utf-8")
    print(f"{args.page}: ERD pictures inlined, icon links fixed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
