"""Flowcharts: real Graphviz, cached by content hash, batched, failures named within a time bound."""

from __future__ import annotations

import html
import re
import time

import pytest
from conftest import SAMPLE

from zwgk.catalog.loader import load_catalog
from zwgk.site import flowchart
from zwgk.site.dot_worker import Drawer, DrawError
from zwgk.site.flowchart import FlowchartError, accessible, dot_source, render_all


@pytest.fixture(scope="module")
def charts():
    catalog = load_catalog(SAMPLE, workers=1)
    return {f"{i.dept_id}/{i.basic_code}": (i.label, dot_source(i)) for i in catalog.items if i.flow}


def test_a_rebuild_with_nothing_changed_renders_no_chart(charts, tmp_path):
    first, stats = render_all(charts, tmp_path)
    assert stats.rendered > 0 and len(first) == len(charts)
    second, stats = render_all(charts, tmp_path)
    assert stats.rendered == 0 and second == first


def test_batches_render_real_svg_with_chinese_text(charts):
    svgs, _ = render_all(dict(list(charts.items())[:5]), None)
    for svg in svgs.values():
        assert "<svg" in svg and re.search("[\u4e00-\u9fff]", svg)


def test_a_failing_graph_fails_naming_its_item(charts):
    broken = dict(list(charts.items())[:7])
    broken["bad"] = ("000199999000 坏流程图", "digraph { a -> }")
    with pytest.raises(FlowchartError, match="000199999000 坏流程图"):
        render_all(broken, None)


def test_a_hanging_graph_fails_within_the_time_bound(monkeypatch):
    # A dense graph that keeps real `dot` busy for well over a minute.
    edges = " ".join(f"n{i} -> n{j};" for i in range(90) for j in range(90) if i != j)
    monkeypatch.setattr(flowchart, "SECONDS_PER_GRAPH", 0.0)
    started = time.monotonic()
    with pytest.raises(FlowchartError, match=r"000199999000 慢流程图.*超时"):
        render_all({"slow": ("000199999000 慢流程图", f"digraph {{ {edges} }}")}, None)
    assert time.monotonic() - started < 15


def test_accessible_svg_has_role_and_name(charts):
    svgs, _ = render_all(dict(list(charts.items())[:1]), None)
    svg = accessible(next(iter(svgs.values())), "食品经营许可<运行流程图>", "t1")
    assert svg.startswith('<svg role="img" aria-labelledby="t1"')
    assert '<title id="t1">食品经营许可&lt;运行流程图&gt;</title>' in svg
    assert "<?xml" not in svg and "<!--" not in svg


def test_dot_metacharacters_are_escaped():
    from zwgk.catalog.model import PowerItem

    item = PowerItem.model_validate(
        {
            "basic_code": "000101001000",
            "name": "x",
            "type": "01",
            "flow": [
                {"id": "a", "name": '" -> x [label="\\N', "actor": "}{<>", "next": [{"to": "b", "when": "&amp;"}]},
                {"id": "b", "name": "b", "end": True},
            ],
        }
    )
    source = dot_source(item)
    svgs, _ = render_all({"x": ("x", source)}, None)
    shown = html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svgs["x"])))
    assert '" -> x [label="\\N' in shown and "}{<>" in shown and "&amp;" in shown


def test_drawn_alike_charts_share_one_file_and_the_page_names_each(charts):
    from zwgk.site.flowchart import chart_files, figure, is_svg

    svgs, _ = render_all(dict(list(charts.items())[:3]), None)
    first = next(iter(svgs))
    svgs["copy"] = svgs[first]  # another item whose flow is drawn the same
    files, contents = chart_files(svgs)
    assert files["copy"] == files[first] and len(contents) == len(set(svgs.values()))
    for rel, content in contents.items():
        text = content.decode()
        assert rel.startswith("charts/") and is_svg(text) and "<?xml" not in text and "<!--" not in text
        assert 'xmlns="http://www.w3.org/2000/svg"' in text  # an image file needs its namespace
    shown = figure(files[first], files["copy"], "食品经营许可<运行流程图>", "../../../")
    assert shown.count("<img ") == 2 and "<svg" not in shown
    assert f'src="../../../{files[first].rel}"' in shown and 'alt="食品经营许可&lt;运行流程图&gt;"' in shown
    assert f'width="{files[first].width}" height="{files[first].height}"' in shown and files[first].width > 100


def test_a_chart_is_drawn_the_same_whatever_was_drawn_before_it(charts):
    """`dot` over a batch aborted after graphs with labelled edges in one rank (Graphviz 2.43 frees
    a rank array twice), and a chart drawn after others came out differently from the same chart
    drawn first (another root id; clusters laid out by where their names happened to be in memory).
    Every graph is drawn by a fork of the same warmed-up process."""
    sources = [source for _, source in list(charts.values())[:10]]
    drawer = Drawer(30)
    try:
        first = [drawer.draw(source) for source in sources]
        again = [drawer.draw(source) for source in reversed(sources)][::-1]
    finally:
        drawer.close()
    assert again == first and all('<g id="graph0" class="graph"' in svg for svg in first)


def test_a_chart_graphviz_cannot_draw_is_named_and_other_charts_still_draw():
    drawer = Drawer(30)
    try:
        with pytest.raises(DrawError, match="syntax error"):
            drawer.draw("digraph { a -> }")
        assert "<svg" in drawer.draw("digraph { a -> b }")
    finally:
        drawer.close()
