"""A power item's page, or the tombstone of a cancelled or merged item (its URL never goes away)."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote

from zwgk.catalog.codes import implementation_code
from zwgk.catalog.flow import step_index
from zwgk.catalog.model import Department, PowerItem
from zwgk.rules.items import EIGHT_DISCLOSURES
from zwgk.site import static_search, urls
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
    """The page of `item`; `svg` is its accessible flowchart from zwgk.site.flowchart (or empty)."""
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
    }
    if not item.is_active:
        body = render("item.md", tombstone=True, successor=_successor(site, item, url), **view)
        return urls.page_source(url), page(item.name, body)
    limit = item.time_limit
    eight = {
        "labels": EIGHT_DISCLOSURES,
        "time_limit": f"法定 {limit.statutory} 个工作日，承诺 {limit.promised} 个工作日" if limit else "",
        "fees": _fees(item),
    }
    body = render(
        "item.md",
        tombstone=False,
        eight=eight,
        service=_government_service(site, item, dept, url, code),
        svg=svg,
        steps=flow_steps(item) if item.flow else [],
        **view,
    )
    return urls.page_source(url), page(f"{item.name}（{item.basic_code}）", body, description=f"{dept.short_name} {item.name}")


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
