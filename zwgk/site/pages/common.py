"""What several kinds of page share: the page frame (front matter), relative links, paging, and the
view of a catalogue entry as a table row."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import NamedTuple

from markupsafe import Markup

from zwgk.catalog.model import Entry
from zwgk.site import html, static_search, urls
from zwgk.site.data import SiteData


def page(
    title: str,
    body: Markup,
    *,
    description: str = "",
    searchable: bool = True,
    wide: bool = False,
    gov_tags: dict[str, str] | None = None,
    feeds: list[dict[str, str]] | None = None,
    alternates: list[dict[str, str]] | None = None,
) -> str:
    """A generated page: front matter (title sanitised, search exclusion) and the body. A `wide`
    page (mostly a table) hides the table of contents to give the table the room. Pages that only
    list records found elsewhere (home, browsing by type or topic) stay out of the search. `gov_tags`
    are the page's 网页标签 (zwgk.site.tags), `feeds` its Atom feeds ({href, title}, site-relative):
    overrides/partials/zwgk-page-tags.html writes both into the page's <head>, with `alternates`, the
    page's data in other formats ({href, title, type}, site-relative)."""
    meta: dict = {"title": html.title(title)}
    if wide:
        meta["hide"] = ["toc"]
    if description:
        meta["description"] = html.title(description)[:160]
    if not searchable:
        meta["search"] = {"exclude": True}
    if gov_tags:
        meta["gov_tags"] = gov_tags
    if feeds:
        meta["feeds"] = feeds
    if alternates:
        meta["alternates"] = alternates
    return "---\n" + _front_matter(meta) + "\n---\n\n" + str(body)


# Characters that JSON leaves raw but YAML (which reads the front matter) refuses or reads as a line
# break: written as \u escapes, so the front matter stays valid whatever a name holds.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _front_matter(meta: dict) -> str:
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(meta, ensure_ascii=False))


def href(from_url: str, to_url: str) -> str:
    """A relative link between two directory URLs (the site may be served under any path)."""
    return "../" * from_url.count("/") + to_url


def root(from_url: str) -> str:
    """The relative link from a page to the top of the site (prefix of every site URL)."""
    return "../" * from_url.count("/")


def chunks(values: list, size: int = urls.ROWS_PER_PAGE) -> list[list]:
    return [values[start : start + size] for start in range(0, len(values), size)] or [[]]


class PagerLink(NamedTuple):
    number: int
    href: str
    current: bool


def pager(url_of: Callable[[int], str], count: int, current: int, from_url: str) -> list[PagerLink]:
    """The links to each page of a list split over `count` pages (none for a single page)."""
    if count <= 1:
        return []
    return [PagerLink(number, href(from_url, url_of(number)), number == current) for number in range(1, count + 1)]


def period_label(period: str, chunk: int) -> str:
    label = f"{period[:4]} 年 {int(period[4:])} 月" if len(period) == 6 else f"{period} 年"
    return label + (f"（第 {chunk} 页）" if chunk > 1 else "")


class EntryRow(NamedTuple):
    """One catalogue entry as a row of an entries table (templates/entries.html)."""

    index: str
    href: str  # the entry's permalink
    title: str
    url: str | None  # the full text, on the publisher's site
    serial: str  # the permalink's anchor
    department: str
    department_href: str
    date: object
    published: object
    doc_number: str | None
    topic: str
    genre: str
    mode: str | None
    validity: str
    gram_tokens: str  # the title's search tokens (catalogue pages only, else empty): static_search.entry_grams
    gram_weight: float | str
    gram_words: str
    summary: str | None
    keywords: str  # joined with 、
    publisher: str  # the 发布机构's name when another department published the entry
    related: tuple = ()  # (label, href, title): the policy an interpretation reads, the interpretations of a policy


NO_GRAMS = static_search.Grams("", "", "")


def entry_rows(site: SiteData, entries: list[Entry], from_url: str, with_department: bool = False, grams: bool = False) -> list[EntryRow]:
    up = root(from_url)
    topics, genres = site.scheme.topics, site.scheme.genres
    rows = []
    for entry in entries:
        number = site.numbers[id(entry)]
        permalink = urls.entry(entry.dept_id, number)
        rows.append(
            EntryRow(
                entry.index,
                # On the entry's own page its anchor alone (100,000 links back to their own page).
                permalink[len(from_url) :] if permalink.startswith(from_url + "#") else up + permalink,
                entry.title,
                entry.url,
                f"{number.serial:05d}",
                site.department_name(entry.dept_id) if with_department else "",
                up + urls.department(entry.dept_id) if with_department else "",
                entry.date,
                entry.published,
                entry.doc_number,
                site.code_label(topics, entry.topic),
                site.code_label(genres, entry.genre),
                entry.mode,
                entry.validity,
                *((static_search.entry_grams(entry.title, entry.keywords, entry.doc_number) or NO_GRAMS) if grams else NO_GRAMS),
                entry.summary,
                "、".join(entry.keywords),
                site.department_name(entry.publisher) if entry.publisher and entry.publisher != entry.dept_id else "",
                tuple(
                    (label, up + urls.entry(other.dept_id, site.numbers[id(other)]), other.title) for label, other in site.related(entry)
                ),
            )
        )
    return rows


def latest(entries: list[Entry], count: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.published or e.date, e.index), reverse=True)[:count]
