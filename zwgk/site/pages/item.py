"""A power item's page, or the tombstone of a cancelled or merged item (its URL never goes away)."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote

from zwgk.catalog.codes import implementation_code
from zwgk.catalog.flow import step_index
from zwgk.catalog.model import PowerItem
from zwgk.catalog.scheme_model import Department
from zwgk.rules.items import EIGHT_DISCLOSURES
from zwgk.site import static_search, tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import render


class Step(NamedTuple):
    """A flowchart step as text: the text equivalent of the chart (WCAG 1.1.1)."""

    name: str
    details: str  # （承办：…，N 个工作日）
    following: str  # where the flow goes next


class Report(NamedTuple):
    href: str  # a form or a mail to the disclosure office, else empty
    phone: str | None


class Link(NamedTuple):
    href: str
    code: str
    name: str


class Guide(NamedTuple):
    """How to go and apply (办事指南): where, when, whom to ask, online, for whom."""

    location: str | None
    hours: str | None
    consult_phone: str | None
    complaint_phone: str | None
    online_url: str | None  # http(s) only (rule item.online-url-scheme)
    audience: str  # 个人、法人


class Eight(NamedTuple):
    """The eight disclosures (八公开) as the page shows them; the two computed here as text."""

    labels: dict[str, str]
    time_limit: str
    fees: str


AUDIENCE_LABELS = {"自然人": "个人", "法人": "法人（法人或其他组织）"}


def _guide(item: PowerItem) -> Guide:
    contact = item.contact
    online = item.online_url if item.online_url and item.online_url.startswith(("https://", "http://")) else None
    return Guide(
        item.location,
        item.hours,
        contact.consult_phone if contact else None,
        contact.complaint_phone if contact else None,
        online,
        "、".join(AUDIENCE_LABELS.get(a, a) for a in item.audience),
    )


def _same_code(site: SiteData, item: PowerItem, url: str) -> list[Link]:
    """The other departments that implement the same basic code (the same power elsewhere)."""
    return [
        Link(href(url, urls.item(other.dept_id, other.basic_code)), other.dept_id, site.departments[other.dept_id].name)
        for other in site.items_by_code.get(item.basic_code, [])
        if other.dept_id != item.dept_id and other.dept_id in site.departments and other.is_active
    ]


def _tags(site: SiteData, item: PowerItem, dept: Department, url: str) -> dict[str, str]:
    label = site.scheme.power_types.get(item.type, item.type)
    return tags.article(
        f"{item.name}（{dept.name}）",
        item.status_date if not item.is_active else item.updated,
        dept.name,
        [item.name, label, dept.short_name],
        item.office or dept.name,
        item.content or f"{dept.name}{label}事项：{item.name}",
        tags.absolute(site.site_url, url),
    )


def flow_steps(item: PowerItem) -> list[Step]:
    steps = item.flow or []
    index = step_index(steps)
    shown = []
    for step in steps:
        details = [f"承办：{step.actor}"] if step.actor else []
        if step.days is not None:
            details.append(f"{step.days} 个工作日")
        following = []
        for branch in step.next:
            target = index.get(branch.to)
            where = f"第 {target + 1} 步“{steps[target].name}”" if target is not None else branch.to
            following.append(f"{branch.when}：转{where}" if branch.when else f"转{where}")
        if step.end:
            following.append("流程结束")
        shown.append(Step(step.name, f"（{'，'.join(details)}）" if details else "", "；".join(following)))
    return shown


def _fees(item: PowerItem) -> str:
    fees = item.fees
    if not fees:
        return ""
    if not fees.charged:
        return "不收费"
    return "收费：" + (fees.standard or "") + (f"（依据：{fees.basis}）" if fees.basis else "")


def item_page(site: SiteData, item: PowerItem, svg: str) -> tuple[str, str]:
    """The page of `item`; `svg` shows its flowchart (zwgk.site.flowchart.figure, or empty)."""
    url = urls.item(item.dept_id, item.basic_code)
    dept = site.departments[item.dept_id]
    scheme = site.scheme
    code = implementation_code(item.basic_code, dept.region, dept.uscc)
    view = {
        "item": item,
        "code": code,
        "power_type": site.code_label(scheme.power_types, item.type),
        "department": Link(href(url, urls.department(item.dept_id)), dept.dept_id, dept.name),
        "tags": static_search.item_tags(site, item),
        "report": _report(site, item, dept),
        "type_href": href(url, urls.power_type(item.type)),
        "guide": _guide(item),
        "same_code": _same_code(site, item, url),
    }
    meta = {"gov_tags": _tags(site, item, dept, url)}
    if not item.is_active:
        body = render("item.md", tombstone=True, successor=_successor(site, item, url), **view)
        return urls.page_source(url), page(f"{item.name} - {dept.name}", body, **meta)
    limit = item.time_limit
    eight = Eight(
        EIGHT_DISCLOSURES,
        f"法定 {limit.statutory} 个工作日，承诺 {limit.promised} 个工作日" if limit else "",
        _fees(item),
    )
    body = render(
        "item.md",
        tombstone=False,
        eight=eight,
        service=_government_service(site, item, dept, url, code),
        svg=svg,
        steps=flow_steps(item) if item.flow else [],
        **view,
    )
    return urls.page_source(url), page(f"{item.name} - {dept.name}", body, description=f"{dept.short_name} {item.name}", **meta)


def _successor(site: SiteData, item: PowerItem, url: str) -> Link | None:
    if not item.replaced_by:
        return None
    target = next((i for i in site.items_by_dept.get(item.dept_id, []) if i.basic_code == item.replaced_by), None)
    return Link(href(url, urls.item(item.dept_id, item.replaced_by)), item.replaced_by, target.name if target else item.replaced_by)


def _report(site: SiteData, item: PowerItem, dept: Department) -> Report:
    if site.report_url:
        # Every value URL-encoded: a name must not add query parameters or change the address.
        values = {"code": item.basic_code, "dept": item.dept_id, "name": item.name}
        return Report(site.report_url.format(**{key: quote(value, safe="") for key, value in values.items()}), None)
    if dept.disclosure_office.email:
        subject = f"事项 {item.basic_code} {item.name} 的信息有误"
        return Report(f"mailto:{dept.disclosure_office.email}?subject={quote(subject)}", None)
    return Report("", dept.disclosure_office.phone)


def _government_service(site: SiteData, item: PowerItem, dept: Department, url: str, code: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": item.name,
        "identifier": code,
        "serviceType": site.scheme.power_types.get(item.type, item.type),
        "provider": {"@type": "GovernmentOrganization", "name": dept.name, "identifier": dept.uscc},
        "areaServed": site.scheme.regions.get(dept.region, dept.region),
    }
    if site.site_url:
        data["url"] = site.site_url.rstrip("/") + "/" + url
    if item.content:
        data["description"] = item.content
    return data
