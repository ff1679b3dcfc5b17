"""The Jinja2 environment that renders page markup from the templates shipped in the package.

One environment per set of template folders, made once per process: templates are compiled once and
kept. Autoescaping is on and undefined names are errors. Values reach a template as plain data (text,
numbers, URLs); the template escapes them. Contributor text is never marked safe and never evaluated:
it is data, not template source.

Page templates (`*.md`) write a Markdown page whose HTML parts are raw HTML blocks, each on one line
so that Markdown's parsers leave them alone (`{% filter block %}`, see `block` and `OneLineMarkup`);
fragments and macros (`*.html`) write HTML only."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, Template
from jinja2.ext import Extension
from markupsafe import Markup

from zwgk.site import html

_SOURCE_BREAK = re.compile(r"\n[ \t]*")
_BLOCK_REGION = re.compile(r"\{%-?\s*filter\s+block\s*-?%\}.*?\{%-?\s*endfilter\s*-?%\}", re.S)
_MACRO_REGION = re.compile(r"\{%-?\s*macro\b.*?\{%-?\s*endmacro\s*-?%\}", re.S)
_SET_REGION = re.compile(r"\{%-?\s*set\s+\w+\s*-?%\}.*?\{%-?\s*endset\s*-?%\}", re.S)


class OneLineMarkup(Extension):
    """Drops the template's own line breaks and the indentation after them where it writes HTML: the
    whole of an `.html` template, and in a page template (`.md`, Markdown) the inside of
    `{% filter block %}`, of macros and of `{% set name %}` captures. They are there for the reader of the template only; a space
    that matters must be written on the line."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is not None and name.endswith(".html"):
            return _SOURCE_BREAK.sub("", source)
        for region in (_BLOCK_REGION, _MACRO_REGION, _SET_REGION):
            source = region.sub(lambda match: _SOURCE_BREAK.sub("", match.group(0)), source)
        return source


def _finalize(value: object) -> object:
    """Every `{{ value }}`: None (an optional field left out) shows as nothing."""
    return "" if value is None else value


def block(value: str) -> Markup:
    """Raw HTML for a Markdown page, on one line, so that Markdown passes it through untouched (and
    the build can take it out before rendering: see zwgk.build). A line break in the data stays, as
    the character reference `&#10;`."""
    return Markup('<div class="zwgk">' + str(value).replace("\n", "&#10;") + "</div>\n")


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
        extensions=[OneLineMarkup],
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
