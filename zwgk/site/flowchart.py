"""Operating flowcharts: DOT from an item's flow, rendered to SVG by Graphviz in batches, cached by
content hash, and made accessible (role="img" and a title naming the item).

One `dot` process renders a whole batch of graphs (per-graph processes cost about 20 ms each); batches
run on all cores. A batch that fails or overruns its time bound is split until the graph at fault is
found, and the build fails naming its item.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from zwgk.catalog.text import xml_safe
from zwgk.site import html
from zwgk.catalog.flow import step_index
from zwgk.catalog.model import PowerItem

FONT = "Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif"
RENDER_VERSION = "1"
BATCH_SIZE = 200
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


def dot_source(item: PowerItem) -> str:
    """The DOT graph of an item's flow: actors as clusters, decisions as diamonds with their
    conditions on the branches, days on the steps, distinct start and end shapes."""
    steps = item.flow or []
    index = step_index(steps)
    lines = [
        "digraph flow {",
        f'  graph [rankdir=TB, fontname="{FONT}", fontsize=12, bgcolor="transparent", nodesep=0.35, ranksep=0.45, pad=0.15];',
        f'  node [fontname="{FONT}", fontsize=12, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#263238", penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=11, color="#263238", arrowsize=0.8];',
        '  start [label="开始", shape=oval, style=filled, fillcolor="#e3f2fd"];',
        '  finish [label="结束", shape=doublecircle, style=filled, fillcolor="#e8f5e9", fontsize=11];',
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
            shape = "diamond" if len(step.next) > 1 else "box"
            extra = ", peripheries=2" if step.end else ""
            body.append(f"    s{number} [label={_label(_wrap(step.name) + days)}, shape={shape}{extra}];")
        if actor:
            lines += [
                f"  subgraph cluster_{cluster} {{",
                f"    label={_label(_wrap(actor, 16))};",
                '    style="dashed,rounded"; color="#90a4ae"; fontsize=11;',
                *body,
                "  }",
            ]
        else:
            lines += body
    if steps:
        lines.append("  start -> s0;")
    for number, step in enumerate(steps):
        if index.get(step.id) != number:
            continue
        for branch in step.next:
            if branch.to in index:
                label = f" [label={_label(_wrap(branch.when, 10))}]" if branch.when else ""
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


def _run_batch(sources: list[str]) -> list[str]:
    """Render a batch in one `dot` process; raises on failure or when the time bound is exceeded."""
    folder = Path(tempfile.mkdtemp(prefix="zwgk-dot-"))
    try:
        paths = []
        for number, source in enumerate(sources):
            path = folder / f"{number}.gv"
            path.write_text(source, encoding="utf-8")
            paths.append(str(path))
        subprocess.run(["dot", "-Tsvg", "-O", *paths], capture_output=True, check=True, timeout=5 + SECONDS_PER_GRAPH * len(sources))
        return [Path(path + ".svg").read_text(encoding="utf-8") for path in paths]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _render_or_blame(batch: list[tuple[str, str]]) -> list[str]:
    """Render (label, source) pairs; on failure split the batch until the failing graph is named."""
    try:
        return _run_batch([source for _, source in batch])
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        if len(batch) == 1:
            reason = "超时" if isinstance(error, subprocess.TimeoutExpired) else (error.stderr or b"").decode(errors="replace").strip()
            raise FlowchartError(f"事项“{batch[0][0]}”的运行流程图无法由 Graphviz 生成：{reason}") from None
        middle = len(batch) // 2
        return _render_or_blame(batch[:middle]) + _render_or_blame(batch[middle:])


_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_INNER_TITLE = re.compile(r"<title>[^<]*</title>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def accessible(svg: str, title: str, element_id: str) -> str:
    """Inline-ready SVG: no XML prolog or comments, role="img", and a title naming the chart."""
    svg = _COMMENT.sub("", _XML_HEAD.sub("", svg, count=1))
    svg = _INNER_TITLE.sub("", svg)
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


@dataclass
class RenderStats:
    charts: int = 0
    rendered: int = 0  # charts that were not in the cache


def render_all(
    charts: dict[str, tuple[str, str]], cache_dir: Path | None, workers: int | None = None
) -> tuple[dict[str, str], RenderStats]:
    """SVG for each chart id, from {chart id: (label naming the item, DOT source)}.

    Charts are cached by a hash of their DOT source and the Graphviz version; the rest are rendered in
    batches of `BATCH_SIZE`, one `dot` process per batch, batches in parallel.
    """
    version = _dot_version()
    folder = cache_dir / "flowcharts" if cache_dir else None
    results: dict[str, str] = {}
    missing: dict[str, list[tuple[str, str, str]]] = {}
    for chart_id, (label, source) in charts.items():
        key = chart_key(source, version)
        svg = _read_cached(folder / key[:2] / f"{key}.svg") if folder else None
        if svg is not None:
            results[chart_id] = svg
        else:
            missing.setdefault(key, []).append((chart_id, label, source))
    unique = [(key, group[0][1], group[0][2]) for key, group in missing.items()]
    batches = [unique[start : start + BATCH_SIZE] for start in range(0, len(unique), BATCH_SIZE)]
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        rendered = list(pool.map(lambda batch: _render_or_blame([(label, source) for _, label, source in batch]), batches))
    batch_labels = {key: label for key, label, _ in unique}
    for batch, svgs in zip(batches, rendered, strict=True):
        for (key, _, _), svg in zip(batch, svgs, strict=True):
            if not is_svg(svg):
                raise FlowchartError(f"事项“{batch_labels[key]}”的运行流程图：Graphviz 的输出不是完整的 SVG。")
            if folder is not None:
                _write_atomically(folder / key[:2] / f"{key}.svg", svg)
            for chart_id, _, _ in missing[key]:
                results[chart_id] = svg
    return results, RenderStats(charts=len(charts), rendered=len(unique))
