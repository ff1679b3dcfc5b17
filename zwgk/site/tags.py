"""The 网页标签 of generated pages (政府网站发展指引, 国办发〔2017〕47号): column tags on list pages,
article tags on item pages and on pages that show entries. Plain data for the front matter key
`gov_tags`; overrides/partials/zwgk-page-tags.html writes them as <meta> elements, and adds the
site-wide SiteName, SiteDomain and SiteIDCode from mkdocs.yml."""

from __future__ import annotations

import datetime as dt

from zwgk.site import html


def column(name: str, kind: str, description: str = "", keywords: list[str] | None = None) -> dict[str, str]:
    """ColumnName, ColumnType and, where known, ColumnDescription and ColumnKeywords of a list page."""
    tags = {"ColumnName": html.title(name), "ColumnType": kind}
    if description:
        tags["ColumnDescription"] = html.title(description)[:200]
    if keywords:
        tags["ColumnKeywords"] = ",".join(html.title(word) for word in keywords)
    return tags


def pub_date(day: dt.date | None) -> str:
    """PubDate as the tag wants it (YYYY-MM-DD HH:MM). The catalogue records days, not times: 00:00."""
    return f"{day.isoformat()} 00:00" if day else ""


def absolute(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url if site_url else url


def article(title: str, day: dt.date | None, source: str, keywords: list[str], author: str, description: str, url: str) -> dict[str, str]:
    """ArticleTitle, PubDate, ContentSource, Keywords, Author, Description and Url; empty ones left out."""
    tags = {
        "ArticleTitle": html.title(title),
        "PubDate": pub_date(day),
        "ContentSource": html.title(source),
        "Keywords": ",".join(dict.fromkeys(html.title(word) for word in keywords if word)),
        "Author": html.title(author),
        "Description": html.title(description)[:200],
        "Url": url,
    }
    return {name: value for name, value in tags.items() if value}
