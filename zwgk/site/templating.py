"""The Jinja2 environment that renders page markup from the templates shipped in the package.

One environment per set of template folders, made once per process: templates are compiled once and
kept. Autoescaping is on and undefined names are errors. Values reach a template as plain data (text,
numbers, URLs); the template escapes them. Contributor text is never marked safe and never evaluated:
it is data, not template source. Each `{{ value }}` compiles to one call of `escape_output`
(markupsafe's escaping, None as nothing): page markup in templates costs no more than in Python strings.

Page templates (`*.md`) write a Markdown page whose HTML parts are raw HTML blocks, each on one line
so that Markdown's parsers leave them alone (`{% filter block %}`, see `block` and `OneLineMarkup`);
fragments and macros (`*.html`) write HTML only."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, Template
from jinja2.compiler import CodeGenerator, Frame
from jinja2.ext import Extension
from jinja2.nodes import Expr
from jinja2.nodes import Template as TemplateNode
from markupsafe import Markup, _escape_inner

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


def escape_output(value: object) -> str:
    """What an autoescaped `{{ value }}` writes: `markupsafe.escape(_finalize(value))` as text, in
    one call. Jinja's own code for it is `escape(environment.finalize(value))`: three Python calls
    and a Markup object per value (markupsafe's escape and Markup() are Python functions), the
    largest single cost of a page. The escaping itself is markupsafe's (its C `_escape_inner`);
    markup (`__html__`) passes as markupsafe.escape passes it, anything else is made text first."""
    if type(value) is str:
        return _escape_inner(value)
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class _OutputCodeGenerator(CodeGenerator):
    """Compiles each `{{ value }}` of an autoescaped template to `escape_output(value)` (see
    escape_output; a name of the template's module), everything else as Jinja does. Where
    autoescaping is switched in the template (`{% autoescape %}`), Jinja's own code stays."""

    def visit_Template(self, node: TemplateNode, frame: Frame | None = None) -> None:
        self.writeline("escape_output = environment.escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class _PageEnvironment(Environment):
    code_generator_class = _OutputCodeGenerator
    escape_output = staticmethod(escape_output)


def block(value: str) -> Markup:
    """Raw HTML for a Markdown page, on one line, so that Markdown passes it through untouched (and
    the build can take it out before rendering: see zwgk.build). A line break in the data stays, as
    the character reference `&#10;`."""
    return Markup('<div class="zwgk">' + str(value).replace("\n", "&#10;") + "</div>\n")


def inline_svg(value: str) -> Markup:
    """Flowchart markup made by zwgk.site.flowchart (its images, their names escaped there),
    marked safe, its line breaks turned into spaces so that a block stays one line. Only for that."""
    return Markup(value.replace("\n", " "))


_TIMES = re.compile(r"\d{1,2}:\d{2}(?:\s*[-—–~～至到]\s*\d{1,2}:\d{2})?")


def nowrap_times(value: object) -> Markup:
    """Text with its times and time ranges (8:30-12:00) kept on one line: escaped, then wrapped in
    <span class="zwgk-nowrap"> (no break inside "14:30-17:30")."""
    escaped = str(html.text(value))
    return Markup(_TIMES.sub(lambda match: f'<span class="zwgk-nowrap">{match.group(0)}</span>', escaped))


def md(value: object) -> Markup:
    """Text for a Markdown heading: HTML-escaped and Markdown syntax backslash-escaped."""
    return Markup(html.md(value))


def json_ld(data: dict) -> Markup:
    """A JSON-LD script element that no string in the data can close."""
    return Markup(html.json_ld(data))


@cache
def environment(*packages: str) -> Environment:
    """The environment loading `<package>/templates/`, the first package's templates first."""
    env = _PageEnvironment(
        loader=ChoiceLoader([PackageLoader(package, "templates") for package in packages]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalize,
        extensions=[OneLineMarkup],
    )
    env.filters.update(block=block, md=md, json_ld=json_ld, inline_svg=inline_svg, nowrap_times=nowrap_times)
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
