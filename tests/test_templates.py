"""The templating layer: every shipped template compiles, values are escaped and never evaluated,
HTML blocks come out on one line, and a missing view value is an error, not an empty string."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError
from markupsafe import Markup, escape

from zwgk.site.templating import environment, escape_output, renderer

PACKAGES = ("zwgk.monitoring", "zwgk.site")


def test_every_template_compiles():
    env = environment(*PACKAGES)
    names = env.list_templates()
    assert {"macros.html", "entries.html", "item.md", "department.md", "monitoring.md", "annual_layout.html"} <= set(names)
    for name in names:
        env.get_template(name)


def test_data_is_escaped_and_never_evaluated():
    env = environment("zwgk.site")
    template = env.from_string("# {{ v|md }}\n\n{% filter block %}\n<p>\n  {{ v }}\n</p>\n{% endfilter %}\n")
    hostile = "{{ 7 * 7 }} {% if 1 %}x{% endif %} <script>\"'&\nnext"
    out = template.render(v=hostile)
    heading, block = out.split("\n\n", 1)
    assert "49" not in out  # shown literally, below
    assert block == ('<div class="zwgk"><p>{{ 7 * 7 }} {% if 1 %}x{% endif %} &lt;script&gt;&#34;&#39;&amp;&#10;next</p></div>\n')
    assert heading.startswith("# \\{\\{ 7 \\* 7 \\}\\}")


def test_none_shows_as_nothing_and_a_missing_value_fails():
    template = environment("zwgk.site").from_string("<p>{{ a }}</p>")
    assert template.render(a=None) == "<p></p>"
    with pytest.raises(UndefinedError):
        template.render()


def test_html_fragments_lose_only_their_own_line_breaks():
    render = renderer(*PACKAGES)
    out = render("resolver.html", base="../x/", chunked="../x/", rows_per_page=500)
    assert "\n" not in out and out.startswith("<!doctype html>")


HOSTILE_VALUES = [
    "<script>alert('x')</script>",
    "\"'&<>",
    "&amp; already escaped",
    "{{ 7 * 7 }}",
    "",
    "普通的中文文本",
    "\x00\u2028\ud800",
    0,
    3.5,
    None,
    Markup("<b>marked safe by a builder</b>"),
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=repr)
def test_every_output_is_escaped_as_markupsafe_escapes(value):
    """Templates compile `{{ value }}` to templating.escape_output (one call, not Jinja's
    escape(finalize(value))): it must write exactly what markupsafe.escape writes."""
    expected = "" if value is None else str(escape(value))
    assert escape_output(value) == expected
    template = environment("zwgk.site").from_string("{{ v }}|{% for x in [v] %}{{ x }}{% endfor %}")
    assert template.render(v=value) == f"{expected}|{expected}"
    assert "escape_output(" in environment("zwgk.site").compile("{{ v }}", raw=True)


def test_autoescape_switched_off_in_a_template_keeps_jinjas_code():
    template = environment("zwgk.site").from_string("{% autoescape false %}{{ v }}{% endautoescape %}{{ v }}")
    assert template.render(v="<i>") == "<i>&lt;i&gt;"
