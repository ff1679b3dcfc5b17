"""The Jinja2 environment that renders page markup from the templates shipped in the package.

One environment per set of template folders, made once per process: templates are compiled once and
kept. Autoescaping is on and undefined names are errors. Values reach a template as plain data (text,
numbers, URLs); the template escapes them. Contributor text is never marked safe and never evaluated:
it is data, not template source.

A generated page is Markdown whose HTML parts are kept out of Markdown's parsers (see `block`): inside
`{% filter block %}` the template's own line breaks and indentation are dropped, so the block is one
line, while a line break in the data is kept as the character reference `&#10;`."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from zwgk.site import html

_TEMPLATE_BREAK = re.compile(r"\n[ \t]*")


def _finalize(value: object) -> object:
    """Every `{{ value }}`: None shows as nothing, and a line break in plain text survives `block`."""
    if value is None:
        return ""
    if isinstance(value, str) and "\n" in value and not isinstance(value, Markup):
        return Markup(str(escape(value)).replace("\n", "&#10;"))
    return value


def block(value: str) -> Markup:
    """Raw HTML for a Markdown page, on one line, so that Markdown passes it through untouched (and
    the build can take it out before rendering: see zwgk.build)."""
    return Markup('<div class="zwgk">' + _TEMPLATE_BREAK.sub("", str(value)) + "</div>\n")


def inline_svg(value: str) -> Markup:
    """An SVG made by zwgk.site.flowchart (Graphviz output of escaped labels, made accessible there),
    marked safe, its line breaks turned into spaces so that a block stays one line. Only for that."""
    return Markup(value.replace("\n", " "))


def md(value: object) -> Markup:
    """Text for a Markdown heading: HTML-escaped and Markdown syntax backslash-escaped."""
    return Markup(html.md(value))


def json_ld(data: dict) -> Markup:
    """A JSON-LD script element that no string in the data can close."""
    return Markup(html.json_ld(data))


@cache
def environment(*packages: str) -> Environment:
    """The environment loading `<package>/templates/`, the first package's templates first."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader(package, "templates") for package in packages]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters.update(block=block, md=md, json_ld=json_ld, inline_svg=inline_svg)
    return env


def renderer(*packages: str) -> Callable[..., Markup]:
    """`render(template name, **view)` for the templates of these packages (a package above the site
    names its own first, then "zwgk.site" to use the site's macros)."""
    env = environment(*packages)
    templates: dict[str, Template] = {}

    def render(name: str, /, **view: object) -> Markup:
        template = templates.get(name)
        if template is None:
            template = templates[name] = env.get_template(name)
        return Markup(template.render(view))

    return render


render = renderer("zwgk.site")
