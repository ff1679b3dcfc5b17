"""Between prepare and finish: the generated pages handed to MkDocs, and their HTML blocks put back
into what MkDocs renders. A page whose rendered HTML is cached (zwgk.site.rendered) is not a page for
MkDocs at all: it goes in as a static file backed by the cached HTML, which MkDocs copies into the
site without reading, converting or rendering it; finish lists it in sitemap.xml (zwgk.build.sitemap)."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from markdown.extensions.toc import nest_toc_tokens
from markdown.extensions.toc import slugify as toc_slugify
from markdown.extensions.toc import unique as toc_unique
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from zwgk.build.facts import PageFacts
from zwgk.build.keep import restore as restore_site
from zwgk.build.reuse import Kept, searchable, source_digest
from zwgk.build.state import STATE_KEY, SiteBuild, catalog_dir
from zwgk.catalog.cache import default_cache_dir
from zwgk.site import xlsx
from zwgk.site.rendered import RenderedPages

# Generated pages that the navigation in mkdocs.yml lists; every other generated page stays out of the
# navigation (Material renders the whole navigation into every page).
NAV_PAGES = {"index.md", "types/index.md", "topics/index.md", "scheme/index.md", "monitoring/index.md", "annual/index.md"}

# A generated page's HTML blocks (see zwgk.site.templating.block) need no Markdown processing, yet Python-Markdown and
# MkDocs would each parse them again with an HTML parser, which at province scale costs minutes. They
# are taken out before rendering, leaving a placeholder, and put back into the rendered page.
_BLOCK = re.compile(r'^<div class="zwgk">.*</div>$', re.M)
_PLACEHOLDER = "<!-- zwgk-block {} -->"
_PLACEHOLDER_RE = re.compile(r"<!-- zwgk-block (\d+) -->")


def _take_blocks(content: str) -> tuple[str, list[str]]:
    blocks: list[str] = []

    def keep(match: re.Match) -> str:
        blocks.append(match.group(0))
        return _PLACEHOLDER.format(len(blocks) - 1)

    return _BLOCK.sub(keep, content), blocks


def _linked(cached: Path, dest: Path) -> str:
    """The cached page put at its place in the site as a hard link (no copy of its bytes: at province
    scale the pages are hundreds of MB); the path MkDocs is given is then the destination itself,
    which it leaves as it is (shutil.SameFileError). Where a link cannot be made (another file
    system), MkDocs copies the cached file. Nothing writes into a built page in place: a page
    rendered again goes to a file of its own (_unlink_shared)."""
    try:
        if dest.exists():  # a --dirty build: the site was not cleaned
            if dest.samefile(cached):
                return str(dest)
            dest.unlink()
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.link(cached, dest)
    except OSError:
        return str(cached)
    return str(dest)


def _unlink_shared(dest: Path) -> None:
    """A page MkDocs renders is written into its destination in place: if that is still a link to a
    cached page (a --dirty build), it is removed first, so that the cache keeps what it holds."""
    try:
        if dest.stat().st_nlink > 1:
            dest.unlink()
    except OSError:
        pass


def _text(source: str | Kept) -> str:
    return source.text if isinstance(source, Kept) else source


def add_pages(files: Files, config) -> Files:
    """Hand the generated pages to MkDocs; a page whose rendered HTML is cached goes in as a stub."""
    build: SiteBuild = config[STATE_KEY]
    restore_site(Path(config.site_dir))  # MkDocs has cleaned the site folder by now (zwgk.build.keep)
    build.files = files
    build.cache = cache = RenderedPages(default_cache_dir(), config)
    build.facts = facts = PageFacts(default_cache_dir())
    build.plain = PlainPages(config)
    pages, build.pages = build.pages[::-1], []
    while pages:
        uri, source = pages.pop()  # each source let go once split: the sources and blocks never all in memory at once
        build.pages.append((uri, ""))
        # A kept page (zwgk.build.reuse.Kept) is read from the cache only if it is rendered again.
        digest = source.digest if isinstance(source, Kept) else source_digest(source)
        if uri in NAV_PAGES:
            markdown, build.blocks[uri] = _take_blocks(_text(source))
            files.append(File.generated(config, uri, content=markdown, inclusion=InclusionLevel.UNDEFINED))
        elif cache.lookup(uri, digest):
            page = File.generated(config, uri, content="")  # only for the page's URL and destination
            files.append(File.generated(config, page.dest_uri, abs_src_path=_linked(cache.hits[uri], Path(page.abs_dest_path))))
            facts.keys[page.dest_uri] = cache.hits[uri].stem
            build.copied.append(page.url)
            if source.searchable if isinstance(source, Kept) else searchable(source):
                build.searchable += 1
        else:
            markdown, build.blocks[uri] = _take_blocks(_text(source))
            markdown = _front_matter_apart(markdown, uri, build.front)
            file = File.generated(config, uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV)
            _unlink_shared(Path(file.abs_dest_path))
            if uri in cache.misses:
                facts.keys[file.dest_uri] = cache.misses[uri]
            files.append(file)
    # The blank workbooks the contributor guide links to (MkDocs checks those links in --strict).
    for uri, content in xlsx.template_workbooks(build.data.scheme).items():
        files.append(File.generated(config, uri, content=content))
    return files


def _front_matter_apart(markdown: str, uri: str, front: dict[str, str]) -> str:
    """A generated page's front matter is one line of JSON (zwgk.site.pages.common.page), which MkDocs
    would read as YAML, with a parser written in Python (about half a millisecond a page, several
    seconds at province scale). The page goes to MkDocs without it, and plain_markdown sets its meta
    from the JSON, the same values (JSON is YAML). Returns the Markdown as MkDocs's meta.get_data leaves it."""
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n", 4)
    if end < 0 or not markdown.startswith("\n---\n", end) or not markdown.startswith("{", 4):
        return markdown
    front[uri] = markdown[4:end]
    return markdown[end + 5 :].lstrip("\n")


def plain_markdown(markdown_text: str, page, config) -> str:
    """A generated page's meta from its front matter (_front_matter_apart), and its Markdown (headings and
    placeholders) converted without Python-Markdown (PlainPages)."""
    build: SiteBuild = config[STATE_KEY]
    front = build.front.pop(page.file.src_uri, None)
    if front is not None:
        page.meta = json.loads(front)
    if page.file.src_uri in build.blocks and build.plain is not None:
        build.plain.take(markdown_text, page)
    return markdown_text


def restore_blocks(html: str, page, config) -> str:
    """Count a rendered page for the search and note where MkDocs writes it. Its HTML blocks are put
    back only as the page is written (write_blocks): MkDocs converts every page before it writes
    any, and every page's whole HTML held at once was the largest part of the build's peak memory."""
    build: SiteBuild = config[STATE_KEY]
    uri = page.file.src_uri
    if not (page.meta.get("search") or {}).get("exclude"):
        build.searchable += 1
    if uri in build.cache.misses:
        build.cache.written[uri] = Path(page.file.abs_dest_path)
    return html


def write_blocks(output: str, page, config) -> str:
    """The written page: its HTML blocks in place of their placeholders, then let go."""
    blocks = config[STATE_KEY].blocks.pop(page.file.src_uri, None)
    if not blocks:
        return output
    return _PLACEHOLDER_RE.sub(lambda match: blocks[int(match.group(1))], output)


def watch(server, config) -> None:
    """`mkdocs serve` rebuilds when anything under the catalogue changes."""
    server.watch(str(catalog_dir(config)))


# A generated page's Markdown, once its blocks are taken out, is headings and placeholders only; Python-Markdown
# took over a millisecond a page for it (a new converter, its extensions, the tree), about a quarter of MkDocs's
# rendering time at province scale. Such a page is converted here instead, to exactly what Python-Markdown
# with the build's extensions makes of it: the headings' ids from the toc extension's own slugify and unique,
# its permalink, the page's table of contents and title as MkDocs takes them. A heading with any character
# that Markdown or HTML could read as markup, or a page with anything else, goes to Python-Markdown as before;
# so does every page when the first page converted both ways differs (another configuration).
_MARKUP = "#\\\\`*_\\[\\]<>&!{}|~:\"'=+$^"  # characters Markdown or HTML may read as markup, in a heading
_HEADING_LINE = re.compile(f"(#{{1,6}}) ([^\\s{_MARKUP}](?:[^\\t\\n{_MARKUP}]*[^\\s{_MARKUP}])?)")
_PLACEHOLDER_LINE = re.compile(r"<!-- zwgk-block \d+ -->")
_PLAIN_EXTENSIONS = {"toc", "tables", "fenced_code", "attr_list", "admonition"}


def _plain_html(markdown_text: str, permalink_title: str) -> tuple[str, list[dict], str | None] | None:
    """The page's HTML, table of contents tokens and title, or None when it is not headings and placeholders only."""
    blocks = markdown_text.strip("\n").split("\n\n")
    parts, flat, used, title = [], [], set(), None
    for number, block in enumerate(blocks):
        if _PLACEHOLDER_LINE.fullmatch(block):
            parts.append(block + "\n\n")
            continue
        heading = _HEADING_LINE.fullmatch(block)
        if heading is None:
            return None
        level, text = len(heading.group(1)), heading.group(2)
        anchor = toc_unique(toc_slugify(text, "-"), used)
        parts.append(
            f'<h{level} id="{anchor}">{text}<a class="headerlink" href="#{anchor}" title="{permalink_title}">&para;</a></h{level}>\n'
        )
        flat.append({"level": level, "id": anchor, "name": text, "html": text, "data-toc-label": "", "children": []})
        if number == 0 and level == 1:
            title = text
    return "".join(parts).strip(), flat, title


class PlainPages:
    """Puts the plain conversion in place of Page.render for the generated pages (see _plain_html)."""

    def __init__(self, config):
        toc = (config["mdx_configs"] or {}).get("toc") or {}
        title = toc.get("permalink_title", "")
        usable = (
            "toc" in config["markdown_extensions"]
            and set(config["markdown_extensions"]) <= _PLAIN_EXTENSIONS
            and set(toc) <= {"permalink", "permalink_title"}
            and toc.get("permalink") is True
            and re.fullmatch(r"[^<>&\"']*", title)
        )
        self.title = title
        self.state = "check" if usable else "off"  # the first page is converted both ways, then "on" or "off"
        self.count = 0

    def take(self, markdown_text: str, page) -> None:
        if self.state == "off":
            return
        converted = _plain_html(markdown_text, self.title)
        if converted is None:
            return
        original = page.render

        def render(config, files):
            if self.state == "check":
                original(config, files)
                expected = (page.content, str(page.toc), page._title_from_render, page.present_anchor_ids, page.links_to_anchors)
                self._apply(page, converted)
                self.state = (
                    "on"
                    if (page.content, str(page.toc), page._title_from_render, page.present_anchor_ids, page.links_to_anchors) == expected
                    else "off"
                )
                if self.state == "off":
                    original(config, files)
                    return
            else:
                self._apply(page, converted)
            self.count += 1

        page.render = render

    @staticmethod
    def _apply(page, converted) -> None:
        html, flat, title = converted
        page.content = html
        anchors = [token["id"] for token in flat]
        page.toc = get_toc(nest_toc_tokens([dict(token) for token in flat]))  # it takes the list apart
        page._title_from_render = title
        page.present_anchor_ids = set(anchors)
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            # The permalinks are links to the page's own anchors, as MkDocs records them.
            page.links_to_anchors = {page.file: {anchor: f"#{anchor}" for anchor in anchors}} if anchors else {}


_NAV = "partials/nav.html"


def cache_nav(env) -> None:
    """Material's navigation, rendered once per set of relative links instead of once per page.

    Material renders the whole navigation into every page: at province scale that was about a fifth of
    MkDocs's rendering time. For a page outside the navigation nothing in it is active or current, so
    its navigation differs from another such page's only by the links, each made relative to the page
    by the `url` filter. The first such page's navigation is rendered with the filter's arguments
    recorded; every later one is keyed by what the filter makes of those arguments for its page, and
    rendered only when that key is new. Should a rendering ever ask the filter for other arguments
    than the first did, the cache turns itself off for the build (every page then renders its own).
    Pages in the navigation (and pages without a page object, such as 404.html) always render theirs."""
    template = env.get_template(_NAV)
    render = template.root_render_func
    state: dict = {"asked": None, "on": True}  # the url filter's arguments, as the first rendering asked them
    rendered: dict[tuple, list[str]] = {}

    def recorded(context, asked: list) -> list[str]:
        url = env.filters["url"]

        def recording(context, value):
            asked.append(value)
            return url(context, value)

        recording.jinja_pass_arg = url.jinja_pass_arg  # a context filter, as MkDocs's own
        env.filters["url"] = recording
        try:
            return list(render(context))
        finally:
            env.filters["url"] = url

    def cached(context):
        page, nav = context.get("page"), context.get("nav")
        if not state["on"] or page is None or nav is None or page.parent is not None or any(page is other for other in nav.pages):
            yield from render(context)
            return
        url = env.filters["url"]
        if state["asked"] is None:
            state["asked"] = asked = []
            parts = recorded(context, asked)
            rendered[tuple(url(context, value) for value in asked)] = parts
        else:
            key = tuple(url(context, value) for value in state["asked"])
            parts = rendered.get(key)
            if parts is None:
                asked = []
                parts = recorded(context, asked)
                if asked == state["asked"]:
                    rendered[key] = parts
                else:
                    state["on"] = False
        yield from parts

    template.root_render_func = cached
