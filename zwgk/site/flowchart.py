"""Operating flowcharts: DOT from an item's flow, rendered to SVG by Graphviz in batches, cached by
content hash, written as files of the site named by their content and shown on item pages as images
named after the item (`figure`); `accessible` makes an inline one (role="img" and a title).

Graphs are drawn by Debian's libgvc in processes of zwgk.site.dot_worker, on all cores, each graph in a
fork of its own (a drawing depends on its DOT source alone; see there why not `dot` over a batch). A
graph that fails or overruns its time bound fails the build, naming its item.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from zwgk.catalog.flow import step_index
from zwgk.catalog.model import PowerItem
from zwgk.catalog.text import xml_safe
from zwgk.site import html
from zwgk.site.dot_worker import Drawer, DrawError

FONT = "Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif"
RENDER_VERSION = "3"  # 3: drawn by zwgk.site.dot_worker (2: `dot` over batches)
SECONDS_PER_GRAPH = 2.0
WRAP_CHARS = 12


class FlowchartError(Exception):
    """A chart could not be rendered; the message names the item."""


def _label(value: str) -> str:
    """A DOT quoted-string label that Graphviz shows literally (it reads entities and escapes)."""
    # Characters SVG (XML) cannot carry are dropped (the check refuses them; a NUL fails Graphviz).
    escaped = xml_safe(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(value: str, width: int = WRAP_CHARS) -> str:
    """Break long labels (Chinese has no spaces for Graphviz to break at)."""
    return "\n".join(value[start : start + width] for start in range(0, len(value), width)) or " "


def dot_source(item: PowerItem, narrow: bool = False) -> str:
    """The DOT graph of an item's flow: actors as lanes (clusters), decisions as diamonds with their
    conditions on the branches, days on the steps, distinct start and end shapes.

    A lane's label is a node of its own, on the rank below the start and above every step, not the
    cluster's label: arrows between steps never cross it. The `narrow` variant, for phones, has no lanes (the
    actor is a line of each step's label), shorter lines and larger text, so that it fits a 360 px column
    with its text at least 12 CSS px."""
    steps = item.flow or []
    index = step_index(steps)
    size, small, wrap = (14, 13, 7) if narrow else (12, 11, WRAP_CHARS)
    lines = [
        "digraph flow {",
        f'  graph [rankdir=TB, fontname="{FONT}", fontsize={size}, bgcolor="transparent", nodesep={0.2 if narrow else 0.35}, ranksep={0.35 if narrow else 0.45}, pad=0.1];',
        f'  node [fontname="{FONT}", fontsize={size}, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#263238", penwidth=1.2, margin="0.08,0.04"];',
        f'  edge [fontname="{FONT}", fontsize={small}, color="#263238", arrowsize=0.8];',
        '  start [label="开始", shape=oval, style=filled, fillcolor="#e3f2fd"];',
        f'  finish [label="结束", shape=doublecircle, style=filled, fillcolor="#e8f5e9", fontsize={small}];',
    ]
    actors: dict[str, list[int]] = {}
    for number, step in enumerate(steps):
        actors.setdefault(step.actor or "", []).append(number)
    for cluster, (actor, members) in enumerate(actors.items()):
        body = []
        for number in members:
            if index.get(steps[number].id) != number:
                continue  # a duplicate id: the flow rules report it; the chart shows the first
            step = steps[number]
            days = f"\n{step.days} 个工作日" if step.days is not None else ""
            who = f"\n{_wrap(step.actor, wrap)}" if narrow and step.actor else ""
            # A decision is a diamond; on the narrow chart (where a diamond around three lines would be too
            # wide) a box with cut corners.
            shape = ('box, style="filled,diagonals"' if narrow else "diamond") if len(step.next) > 1 else "box"
            extra = ", peripheries=2" if step.end else ""
            body.append(f"    s{number} [label={_label(_wrap(step.name, wrap) + days + who)}, shape={shape}{extra}];")
        if actor and not narrow:
            first = next((n for n in members if index.get(steps[n].id) == n), None)
            lane = [
                f'    lane{cluster} [label={_label(_wrap(actor, 16))}, shape=plaintext, style="", fontsize={small}, fontcolor="#37474f"];'
            ]
            if first is not None:
                lane.append(f"    lane{cluster} -> s{first} [style=invis];")
            lines += [
                f"  subgraph cluster_{cluster} {{",
                '    label=""; style="dashed,rounded"; color="#90a4ae";',
                *lane,
                *body,
                "  }",
            ]
        else:
            lines += body
    if steps:
        lines.append("  start -> s0;")
    if not narrow:
        # Every lane's label one rank below the start, above every step: no arrow between steps crosses it.
        lines += [f"  start -> lane{cluster} [style=invis];" for cluster, actor in enumerate(actors) if actor]
    for number, step in enumerate(steps):
        if index.get(step.id) != number:
            continue
        for branch in step.next:
            if branch.to in index:
                label = f" [label={_label(_wrap(branch.when, 6 if narrow else 10))}]" if branch.when else ""
                lines.append(f"  s{number} -> s{index[branch.to]}{label};")
        if step.end:
            lines.append(f"  s{number} -> finish;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_version() -> str:
    result = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=True)
    return (result.stderr or result.stdout).strip()


def chart_key(source: str, version: str) -> str:
    return hashlib.sha256(f"{RENDER_VERSION}\0{version}\0{source}".encode()).hexdigest()


def _draw_all(graphs: list[tuple[str, str]], workers: int) -> list[str]:
    """Graphviz's SVG of each (label naming the item, DOT source), in order: `workers` drawing
    processes (zwgk.site.dot_worker), each graph in a process of its own within its time bound. A graph
    that cannot be drawn fails the build, naming its item."""
    results: list[str | None] = [None] * len(graphs)
    stop = threading.Event()

    def work(share: range) -> None:
        drawer = Drawer(5 + SECONDS_PER_GRAPH)
        try:
            for number in share:
                if stop.is_set():
                    break
                label, source = graphs[number]
                try:
                    results[number] = drawer.draw(source)
                except DrawError as error:
                    stop.set()
                    raise FlowchartError(f"事项“{label}”的运行流程图无法由 Graphviz 生成：{error.reason}") from None
            drawer.finish()
        finally:
            drawer.close()

    count = max(1, min(workers, len(graphs)))
    with ThreadPoolExecutor(max_workers=count) as pool:
        for done in [pool.submit(work, range(start, len(graphs), count)) for start in range(count)]:
            done.result()
    return results


_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_INNER_TITLE = re.compile(r"<title>[^<]*</title>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


_FONT_ATTRIBUTE = f' font-family="{FONT}"'
_ANCHOR_ATTRIBUTE = ' text-anchor="middle"'
_GROUP_ID = re.compile(r'<g id="(?:graph|node|edge|clust)\d+" ')
_GEOMETRY = re.compile(r' (d|points|x|y|cx|cy|rx|ry|transform|font-size)="([^"]*)"')  # never a label's text
_LONG_NUMBER = re.compile(r"-?\d+\.\d\d+")
_BETWEEN_TAGS = re.compile(r">\s+<")


def _tenth(match: re.Match) -> str:
    text = f"{float(match.group(0)):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact(svg: str) -> str:
    """Graphviz's SVG without what a page need not carry twice (a quarter of its bytes, 6,000 item
    pages hold 12,000 charts): the font stack and the centred anchor of every label set once on the
    root (SVG inherits them; an explicit value still wins), the groups' ids (nothing links to them;
    their classes stay), coordinates to a tenth of a point (the chart is drawn in points: a tenth is
    below a pixel at any zoom people use) and the white space between elements."""
    opening = svg.index(">") + 1
    head, body = svg[: opening - 1], svg[opening:]
    if "xlink:" not in body:
        head = head.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    for attribute in (_FONT_ATTRIBUTE, _ANCHOR_ATTRIBUTE):
        if attribute in body:
            body = body.replace(attribute, "")
            head += attribute
    body = _GEOMETRY.sub(lambda match: f' {match.group(1)}="{_LONG_NUMBER.sub(_tenth, match.group(2))}"', _GROUP_ID.sub("<g ", body))
    return head + ">" + _BETWEEN_TAGS.sub("><", body)


def accessible(svg: str, title: str, element_id: str) -> str:
    """Inline-ready SVG: no XML prolog or comments, role="img", a title naming the chart, compact."""
    svg = _COMMENT.sub("", _XML_HEAD.sub("", svg, count=1))
    svg = compact(_INNER_TITLE.sub("", svg))
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{element_id}" focusable="false" ', 1)
    opening_end = svg.index(">") + 1
    return svg[:opening_end] + f'<title id="{element_id}">{html.text(title)}</title>' + svg[opening_end:]


def is_svg(text: str) -> bool:
    """A whole SVG document: well-formed XML whose root is <svg>. A half-written or empty file is not.
    Parsed with expat and no tree (a third of ElementTree's cost: every cached chart is read back)."""
    parser = expat.ParserCreate()
    root: list[str] = []

    def first(name: str, _attributes) -> None:
        root.append(name)
        parser.StartElementHandler = None

    parser.StartElementHandler = first
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return False
    return root == ["svg"]


def _read_cached(path: Path) -> str | None:
    """A cached chart, or None when it is missing or not a whole SVG (it is then rendered again)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if is_svg(text) else None


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never part of it (a killed build, a full disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


CHART_FOLDER = "charts"  # the drawings as files of the site, named by their content
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt" height="([\d.]+)pt"')


@dataclass(frozen=True)
class ChartFile:
    """One drawing as a file of the site: its path, named by its content (items whose flows are drawn
    alike, most of a province's, share one file: 6,000 item pages hold 790 distinct drawings of each
    variant), and its size in CSS pixels (Graphviz draws in points: 4/3 px each)."""

    rel: str
    width: int
    height: int


def standalone(svg: str) -> str:
    """Graphviz's SVG as a file of its own: no XML prolog, comments or Graphviz's inner title, compact.
    It names nothing (a file is shared by items): the page's <img> carries the chart's name."""
    return compact(_INNER_TITLE.sub("", _COMMENT.sub("", _XML_HEAD.sub("", svg, count=1))))


def chart_files(svgs: dict[str, str]) -> tuple[dict[str, ChartFile], dict[str, bytes]]:
    """{chart id: its file} and {site path: the file's bytes}, from {chart id: Graphviz's SVG}."""
    files: dict[str, ChartFile] = {}
    contents: dict[str, bytes] = {}
    made: dict[str, ChartFile] = {}  # by Graphviz's SVG: items drawn alike (most) share it, made once
    for chart_id, svg in svgs.items():
        chart = made.get(svg)
        if chart is None:
            content = standalone(svg).encode()
            rel = f"{CHART_FOLDER}/{hashlib.sha256(content).hexdigest()[:20]}.svg"
            size = _SIZE.search(content[:400].decode(errors="replace"))
            width, height = (round(float(size.group(1)) * 4 / 3), round(float(size.group(2)) * 4 / 3)) if size else (0, 0)
            chart = made[svg] = ChartFile(rel, width, height)
            contents[rel] = content
        files[chart_id] = chart
    return files, contents


def figure(wide: ChartFile, narrow: ChartFile | None, title: str, root: str) -> str:
    """The drawings on the item page, linked, not inline (a drawing inline on every page that shows it
    was two-fifths of an item page): lanes side by side for wide screens and print, and the narrow one
    for phones; the stylesheet shows one (the other is display: none, out of the accessibility tree).
    Each is an image named by `title` (what role="img" and the title element said inline); the steps
    as text follow on the page (WCAG 1.1.1). `root`: the page's relative link to the site's top."""
    name = html.text(title)
    parts = []
    for chart, variant in ((wide, "wide"), (narrow, "narrow")):
        if chart is not None:
            size = f' width="{chart.width}" height="{chart.height}"' if chart.width else ""
            parts.append(f'<img class="zwgk-flowchart__{variant}" src="{root}{chart.rel}"{size} alt="{name}">')
    return "".join(parts)


@dataclass
class RenderStats:
    charts: int = 0
    rendered: int = 0  # charts that were not in the cache


def render_all(
    charts: dict[str, tuple[str, str]], cache_dir: Path | None, workers: int | None = None
) -> tuple[dict[str, str], RenderStats]:
    """SVG for each chart id, from {chart id: (label naming the item, DOT source)}.

    Charts are cached by a hash of their DOT source and the Graphviz version; the rest are drawn by
    `_draw_all`, each distinct source once.
    """
    version = _dot_version()
    folder = cache_dir / "flowcharts" if cache_dir else None
    results: dict[str, str] = {}
    missing: dict[str, list[tuple[str, str, str]]] = {}
    cached: dict[str, str | None] = {}  # by key: items drawn alike read one cached file
    for chart_id, (label, source) in charts.items():
        key = chart_key(source, version)
        if key not in cached:
            cached[key] = _read_cached(folder / key[:2] / f"{key}.svg") if folder else None
        svg = cached[key]
        if svg is not None:
            results[chart_id] = svg
        else:
            missing.setdefault(key, []).append((chart_id, label, source))
    unique = [(key, group[0][1], group[0][2]) for key, group in missing.items()]
    drawn = _draw_all([(label, source) for _, label, source in unique], workers or os.cpu_count() or 1)
    for (key, label, _), svg in zip(unique, drawn, strict=True):
        if not is_svg(svg):
            raise FlowchartError(f"事项“{label}”的运行流程图：Graphviz 的输出不是完整的 SVG。")
        if folder is not None:
            _write_atomically(folder / key[:2] / f"{key}.svg", svg)
        for chart_id, _, _ in missing[key]:
            results[chart_id] = svg
    return results, RenderStats(charts=len(charts), rendered=len(unique))
