"""Where the bytes of a built site's pages go: per page kind (item, catalogue, topic, ...), the page
frame before and after <article> (Material's header, navigation, footer, scripts) against the article,
and inside the pages the bytes of each kind of element (inline SVG, tables, search tags, JSON-LD,
scripts, navigation, ...). Byte counts only: nothing here depends on the machine's load.

    .venv/bin/python scripts/page_bytes.py site            # every page
    .venv/bin/python scripts/page_bytes.py site --sample 300  # every 300th page of each kind
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

# Elements whose whole markup (opening tag to closing tag) is counted as one kind; the first that
# matches at a position wins, the rest of the page is "other".
KINDS = {
    "inline svg": r"<svg\b.*?</svg>",
    "script": r"<script\b.*?</script>",
    "search tags (pagefind)": r'<div class="zwgk-search-tags" hidden>.*?</div>',
    "navigation": r"<nav\b.*?</nav>",
    "head": r"<head>.*?</head>",
}
ELEMENT = re.compile("|".join(f"(?P<k{number}>{pattern})" for number, pattern in enumerate(KINDS.values())), re.S)
NAMES = list(KINDS)
TABLE = re.compile(r"<table\b.*?</table>", re.S)


def kind_of(rel: str) -> str:
    first = rel.split("/", 1)[0]
    return first if rel.count("/") > 1 else "top-level"


def measure(path: Path) -> dict[str, int]:
    text = path.read_text(encoding="utf-8")
    size = len(text.encode())
    start, end = text.find("<article"), text.find("</article>")
    out = {"total": size}
    if start >= 0 and end >= 0:
        out["frame before article"] = len(text[:start].encode())
        out["article"] = len(text[start:end].encode())
        out["frame after article"] = len(text[end:].encode())
    for match in ELEMENT.finditer(text):
        name = NAMES[int(match.lastgroup[1:])]
        out[name] = out.get(name, 0) + len(match.group(0).encode())
    article = text[start:end] if start >= 0 else ""
    article = re.sub(r"<svg\b.*?</svg>", "", article, flags=re.S)
    out["tables (in article, outside svg)"] = sum(len(table.encode()) for table in TABLE.findall(article))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--sample", type=int, default=1, help="measure every Nth page of each kind, scale to all")
    args = parser.parse_args()
    pages: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(args.site.rglob("index.html")):
        pages[kind_of(path.relative_to(args.site).as_posix())].append(path)
    grand = 0
    for kind, paths in sorted(pages.items(), key=lambda pair: -len(pair[1])):
        chosen = paths[:: args.sample]
        sums: dict[str, int] = defaultdict(int)
        for path in chosen:
            for name, value in measure(path).items():
                sums[name] += value
        scale = len(paths) / len(chosen)
        total = sums["total"] * scale
        grand += total
        print(f"{kind}: {len(paths)} pages, {total / 1e6:.1f} MB, {sums['total'] / len(chosen) / 1000:.1f} KB a page")
        for name, value in sorted(sums.items(), key=lambda pair: -pair[1]):
            if name != "total":
                print(f"  {name:34} {value / len(chosen) / 1000:7.1f} KB a page  {value * scale / 1e6:7.1f} MB")
    print(f"all pages: {grand / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
