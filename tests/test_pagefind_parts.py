"""The Pagefind bundles assembled from the cache (zwgk.site.pagefind_parts): a few changed pages are
indexed in a small part of their own and their old versions are passed over; more changes re-index
their part. Real Pagefind runs over a copy of the built sample."""

from __future__ import annotations

import json
import shutil

from zwgk.site import pagefind, pagefind_parts
from zwgk.site.search_tokens import gram_tokens


def _retitle(page, old: str, new: str) -> None:
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.unlink()  # a new file, as MkDocs writes it (the old one may be linked elsewhere)
    page.write_text(html.replace(old, new), encoding="utf-8")


def _pages_of_part(site, name):
    return [path for rel, path, _ in pagefind_parts.site_pages(site)[name]]


def test_a_changed_page_is_indexed_on_its_own_and_its_old_version_is_stale(sample_site, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(sample_site, site)
    searchable = sum(len(pages) for pages in pagefind_parts.site_pages(site).values())
    indexed, parts, reused, fresh = pagefind_parts.bundle(site, cache)
    assert (indexed, parts, reused, fresh) == (searchable, pagefind.PART_COUNT, 0, 0)
    assert pagefind_parts.bundle(site, cache) == (searchable, pagefind.PART_COUNT, pagefind.PART_COUNT, 0)

    page = site / "departments/340000-amr/index.html"
    _retitle(page, "安徽省市场监督管理局", "安徽省鹦鹉螺局")
    assert pagefind_parts.bundle(site, cache)[2] == pagefind.PART_COUNT - 1  # its part indexed again
    _retitle(page, "安徽省鹦鹉螺局", "安徽省蝾螈蜥局")
    assert pagefind_parts.bundle(site, cache) == (searchable, pagefind.PART_COUNT, pagefind.PART_COUNT, 1)
    listed = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))
    assert listed["parts"][-1] == pagefind_parts.FRESH and len(listed["parts"]) == pagefind.PART_COUNT
    assert len(listed["stale"]) == 1
    url = "/departments/340000-amr/"
    assert url in pagefind.pages_for_token(site, gram_tokens("蝾螈")[0])  # the new text, from `fresh`
    assert url not in pagefind.pages_for_token(site, gram_tokens("鹦鹉")[0])  # the old text, stale
    assert pagefind.silent_titles(site, [("安徽省蝾螈蜥局", "departments/340000-amr/")]) == []
    assert pagefind.silent_titles(site, [("安徽省鹦鹉螺局", "departments/340000-amr/")]) == ["安徽省鹦鹉螺局"]


def test_many_changes_in_a_part_index_it_again(sample_site, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(sample_site, site)
    searchable = sum(len(pages) for pages in pagefind_parts.site_pages(site).values())
    pagefind_parts.bundle(site, cache)
    name = pagefind.part_of("departments/340000-amr/index.html")
    pages = [path for path in _pages_of_part(site, name) if "/items/" in path.as_posix()]
    changed = pages[: pagefind_parts.STALE_MIN + 1]
    assert len(changed) > pagefind_parts.STALE_MIN and len(changed) > len(_pages_of_part(site, name)) // pagefind_parts.STALE_SHARE
    for path in changed:
        _retitle(path, "</h1>", "重编</h1>")
    indexed, _, reused, fresh = pagefind_parts.bundle(site, cache)
    assert (indexed, reused, fresh) == (searchable, pagefind.PART_COUNT - 1, 0)
    listed = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))
    assert listed["stale"] == [] and pagefind_parts.FRESH not in listed["parts"]
