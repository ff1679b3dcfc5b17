"""Pure page builders: model objects in, `(uri, markdown)` out. Only the hooks turn these into MkDocs
files. Contributor text reaches a page only through `html.text`, `html.md` or `html.title`.

Generated pages are Markdown whose body is one raw HTML block, so that nothing a contributor writes
is read as Markdown; headings with fixed Chinese labels stay Markdown, for the table of contents."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from zwgk.site import html, static_search, urls
from zwgk.catalog.codes import IndexNumber, implementation_code
from zwgk.catalog.flow import step_index
from zwgk.catalog.model import Department, Entry, PowerItem, Scheme
from zwgk.rules.items import EIGHT_DISCLOSURES

LATEST_ON_HOME = 20


def page(title: str, body: str, *, description: str = "", searchable: bool = True, wide: bool = False) -> str:
    """A generated page: front matter (title sanitised, search exclusion) and the body. A `wide`
    page (mostly a table) hides the table of contents to give the table the room. Pages that only
    list records found elsewhere (home, browsing by type or topic) stay out of the search."""
    meta: dict = {"title": html.title(title)}
    if wide:
        meta["hide"] = ["toc"]
    if description:
        meta["description"] = html.title(description)[:160]
    if not searchable:
        meta["search"] = {"exclude": True}
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n" + body


def _href(from_url: str, to_url: str) -> str:
    """A relative link between two directory URLs (the site may be served under any path)."""
    depth = from_url.count("/")
    return "../" * depth + to_url


def _entry_rows(
    site: SiteData, entries: list[Entry], from_url: str, with_department: bool = False, anchors: bool = False
) -> list[list[str]]:
    scheme = site.scheme
    rows = []
    for entry in entries:
        number = site.numbers[id(entry)]
        title = html.link(entry.url, entry.title, rel="nofollow noopener") if entry.url else html.text(entry.title)
        index_cell = html.link(_href(from_url, site.entry_url(entry)), entry.index, class_="zwgk-index")
        if anchors:
            # The entry's permalink target, and for the static search the start of its sub-result
            # (Pagefind splits a page at headings with an id).
            title = f'<h2 class="zwgk-entry" id="{number.serial:05d}">{title}</h2>{static_search.entry_grams(entry.title, entry.keywords, entry.doc_number, entry.index)}'
            # The 索引号 precedes the heading, so Pagefind would file it under the previous entry; exact
            # codes are found through the code lookup instead.
            index_cell = f"<span data-pagefind-ignore>{index_cell}</span>"
        row = [index_cell, title]
        if with_department:
            row.append(html.link(_href(from_url, urls.department(entry.dept_id)), site.department_name(entry.dept_id)))
        details = [
            html.text(entry.date),
            html.text(entry.published),
            html.text(site.code_label(scheme.topics, entry.topic)),
            html.text(site.code_label(scheme.genres, entry.genre)),
            html.text(entry.mode),
            html.text(entry.validity),
        ]
        if anchors:
            # Dates and labels are filters or nothing people type: kept out of the static index,
            # which makes it smaller to build and the catalogue pages' result data smaller to download.
            details = [f"<span data-pagefind-ignore>{cell}</span>" if cell else cell for cell in details]
        row += [*details[:2], html.text(entry.doc_number), *details[2:]]
        rows.append(row)
    return rows


ENTRY_HEADERS = ["索引号", "信息名称", "生成日期", "发布日期", "文号", "主题分类", "体裁分类", "公开方式", "有效性"]


def _entries_table(
    site: SiteData, caption: str, entries: list[Entry], from_url: str, with_department: bool = False, anchors: bool = False
) -> str:
    rows = _entry_rows(site, entries, from_url, with_department, anchors)
    headers = ENTRY_HEADERS[:2] + (["发布机构"] if with_department else []) + ENTRY_HEADERS[2:]
    classes = (
        ["c-index", "c-title"]
        + (["c-name"] if with_department else [])
        + ["c-date", "c-date", "c-docno", "c-code", "c-code", "c-short", "c-short"]
    )
    return html.table(caption, headers, rows, classes=classes)


# ---- home ----------------------------------------------------------------------------------------


def home(site: SiteData) -> tuple[str, str]:
    url = ""
    scheme = site.scheme
    active = sum(1 for item in site.items if item.is_active)
    counts = html.definitions(
        [
            ("部门", f"{len(site.departments)} 个"),
            ("权力事项", f"{active} 项（另有已取消、已合并 {len(site.items) - active} 项）"),
            ("政府信息公开目录条目", f"{len(site.entries)} 条"),
        ]
    )
    newest = latest(site.entries, LATEST_ON_HOME)
    directory = []
    by_region: dict[str, list[Department]] = defaultdict(list)
    for dept in sorted(site.departments.values(), key=lambda d: d.dept_id):
        by_region[dept.region].append(dept)
    for region in sorted(by_region, key=lambda code: (list(scheme.regions).index(code) if code in scheme.regions else 999, code)):
        depts = sorted(by_region[region], key=lambda d: (d.level, d.dept_id))
        links = "".join(f"<li>{html.link(urls.department(d.dept_id), d.name)}（{html.text(d.level)}）</li>" for d in depts)
        directory.append(f'<h3>{html.text(scheme.regions.get(region, region))}</h3><ul class="zwgk-directory">{links}</ul>')
    notice = f'<p class="zwgk-notice" role="note">{html.text(scheme.notice)}</p>' if scheme.notice else ""
    body = (
        "# 政务公开目录\n\n"
        + html.block(
            notice,
            "<p>本网站公开各部门的权责清单（权力事项及其“八公开”和运行流程图）和政府信息公开目录。"
            '可以<a href="types/">按权力类型</a>、<a href="topics/">按主题</a>浏览，或从下面的部门目录进入。</p>',
            counts,
        )
        + "\n## 最新公开的信息\n\n"
        + html.block(_entries_table(site, "最新公开的政府信息", newest, url, with_department=True))
        + "\n## 部门目录\n\n"
        + html.block(*directory)
    )
    return "index.md", page("首页", body, searchable=False, wide=True)


# ---- departments ---------------------------------------------------------------------------------


def department(site: SiteData, dept: Department, extra_sections: str = "") -> tuple[str, str]:
    url = urls.department(dept.dept_id)
    scheme = site.scheme
    office = dept.disclosure_office
    office_html = html.definitions(
        [
            ("机构名称", html.text(office.name)),
            ("办公地址", html.text(office.address)),
            ("邮政编码", html.text(office.postcode)),
            ("办公时间", html.text(office.hours)),
            ("联系电话", html.text(office.phone)),
            ("传真", html.text(office.fax)),
            ("电子邮箱", html.link(f"mailto:{office.email}", office.email) if office.email else ""),
            # Plain text: the only links to outside hosts are the entries' own full-text links.
            ("网站", html.text(office.website)),
            ("监督投诉电话", html.text(dept.supervision_phone)),
        ]
    )
    about = html.definitions(
        [
            ("统一社会信用代码", html.text(dept.uscc)),
            ("行政区划", html.text(site.code_label(scheme.regions, dept.region))),
            ("层级", html.text(dept.level)),
            ("行业", html.text(site.code_label(scheme.sectors, dept.sector))),
        ]
    )
    items = site.items_by_dept.get(dept.dept_id, [])
    by_type: dict[str, list[PowerItem]] = defaultdict(list)
    for item in items:
        by_type[item.type].append(item)
    type_counts = ", ".join(f"{scheme.power_types.get(code, code)} {len(group)} 项" for code, group in sorted(by_type.items()))
    power_sections = []
    for code, group in sorted(by_type.items()):
        rows = [
            [
                html.text(item.basic_code),
                html.link(_href(url, urls.item(dept.dept_id, item.basic_code)), item.name),
                html.text(item.status),
            ]
            for item in group
        ]
        label = html.text(site.code_label(scheme.power_types, code))
        power_sections.append(html.table(f"{label}（{len(group)} 项）", ["基本编码", "事项名称", "状态"], rows))
    entries = site.entries_by_dept.get(dept.dept_id, [])
    by_year: dict[int, Counter] = defaultdict(Counter)
    for entry in entries:
        number = site.numbers[id(entry)]
        by_year[entry.date.year][(number.period, urls.chunk_of(number.serial))] += 1
    catalogue = []
    for year in sorted(by_year, reverse=True):
        links = "".join(
            f"<li>{html.link(_href(url, urls.catalogue_page(dept.dept_id, period, chunk)), _period_label(period, chunk))}（{count} 条）</li>"
            for (period, chunk), count in sorted(by_year[year].items())
        )
        catalogue.append(f'<h3>{year} 年（{sum(by_year[year].values())} 条）</h3><ul class="zwgk-periods">{links}</ul>')
    tags = static_search.department_tags(site, dept)
    body = (
        f"# {html.md(dept.name)}\n\n"
        + html.block(about, tags)
        + "\n## 政府信息公开工作机构\n\n"
        + html.block(office_html)
        + "\n## 权责清单\n\n"
        + html.block(f"<p>共 {len(items)} 项：{html.text(type_counts)}。</p>", *power_sections)
        + "\n## 政府信息公开目录\n\n"
        + html.block(*catalogue or ["<p>暂无目录条目。</p>"])
        + extra_sections
    )
    return urls.page_source(url), page(dept.name, body, description=f"{dept.name}的权责清单和政府信息公开目录")


def _period_label(period: str, chunk: int) -> str:
    label = f"{period[:4]} 年 {int(period[4:])} 月" if len(period) == 6 else f"{period} 年"
    return label + (f"（第 {chunk} 页）" if chunk > 1 else "")


# ---- catalogue pages -----------------------------------------------------------------------------


def catalogue_pages(site: SiteData) -> list[tuple[str, str]]:
    """One page per department, period and chunk of 500 serials."""
    grouped: dict[tuple[str, str, int], list[Entry]] = defaultdict(list)
    for entry in site.entries:
        number = site.numbers[id(entry)]
        grouped[(entry.dept_id, number.period, urls.chunk_of(number.serial))].append(entry)
    pages = []
    for (dept_id, period, chunk), entries in sorted(grouped.items()):
        entries.sort(key=lambda e: site.numbers[id(e)].serial)
        url = urls.catalogue_page(dept_id, period, chunk)
        name = site.departments[dept_id].name if dept_id in site.departments else dept_id
        heading = f"{name} {_period_label(period, chunk)}政府信息公开目录"
        back = html.link(_href(url, urls.department(dept_id)), f"返回{name}")
        table = _entries_table(site, html.text(heading), entries, url, anchors=True)
        tags = static_search.catalogue_tags(site, dept_id, entries)
        body = f"# {html.md(heading)}\n\n" + html.block(f"<p>{back}。共 {len(entries)} 条。</p>", tags, table)
        pages.append((urls.page_source(url), page(heading, body, wide=True)))
    return pages


# ---- power items ---------------------------------------------------------------------------------


def _list(values: list[str] | None) -> str:
    if not values:
        return ""
    return "<ul>" + "".join(f"<li>{html.text(value)}</li>" for value in values) + "</ul>"


def _basis(item: PowerItem) -> str:
    rows = [[html.text(b.level), html.text(b.title), html.text(b.article), html.text(b.text)] for b in item.basis or []]
    return html.table("设定依据和实施依据", ["效力层级", "名称", "条款", "内容"], rows) if rows else ""


def _materials(item: PowerItem) -> str:
    rows = [
        [html.text(m.name), "是" if m.required else "否", html.text(m.form), html.text(m.copies), html.text(m.source)]
        for m in item.materials or []
    ]
    return html.table("申报材料", ["材料名称", "是否必需", "形式", "份数", "来源"], rows) if rows else ""


def flow_text(item: PowerItem) -> str:
    """The flowchart as an ordered list: the text equivalent of the chart (WCAG 1.1.1)."""
    steps = item.flow or []
    index = step_index(steps)
    entries = []
    for step in steps:
        details = [f"承办：{html.text(step.actor)}"] if step.actor else []
        if step.days is not None:
            details.append(f"{step.days} 个工作日")
        following = []
        for branch in step.next:
            target = index.get(branch.to)
            where = f"第 {target + 1} 步“{html.text(steps[target].name)}”" if target is not None else html.text(branch.to)
            following.append(f"{html.text(branch.when)}：转{where}" if branch.when else f"转{where}")
        if step.end:
            following.append("流程结束")
        detail = f"（{'，'.join(details)}）" if details else ""
        entries.append(f"<li><strong>{html.text(step.name)}</strong>{detail}。{'；'.join(following)}。</li>")
    return f'<ol class="zwgk-flow-steps">{"".join(entries)}</ol>'


def _eight(item: PowerItem, flow_link: str) -> str:
    limit = item.time_limit
    fees = item.fees
    values = {
        "content": html.text(item.content),
        "basis": "见下方“依据”" if item.basis else "",
        "conditions": _list(item.conditions),
        "materials": _materials(item),
        "flow": flow_link if item.flow else "",
        "time_limit": f"法定 {limit.statutory} 个工作日，承诺 {limit.promised} 个工作日" if limit else "",
        "fees": (
            "收费：" + html.text(fees.standard) + (f"（依据：{html.text(fees.basis)}）" if fees.basis else "") if fees.charged else "不收费"
        )
        if fees
        else "",
        "result": html.text(item.result),
    }
    rows = [[label, values[key] or "未公开"] for key, label in EIGHT_DISCLOSURES.items()]
    return html.table("八公开", ["公开项目", "内容"], rows)


def item_page(site: SiteData, item: PowerItem, svg: str) -> tuple[str, str]:
    url = urls.item(item.dept_id, item.basic_code)
    dept = site.departments[item.dept_id]
    scheme = site.scheme
    code = implementation_code(item.basic_code, dept.region, dept.uscc)
    fields = html.definitions(
        [
            ("基本编码", html.text(item.basic_code)),
            ("实施编码", html.text(code)),
            ("俗称", html.text("、".join(item.aliases))),
            ("权力类型", html.text(site.code_label(scheme.power_types, item.type))),
            ("实施主体", html.text(item.subject or dept.name)),
            ("承办机构", html.text(item.office)),
            ("权力来源", html.text(item.source)),
            ("行使层级", html.text("、".join(item.levels))),
            ("状态", html.text(item.status)),
            ("所属部门", html.link(_href(url, urls.department(item.dept_id)), dept.name)),
            ("最近复核日期", html.text(item.updated)),
        ]
    )
    report = _report_link(site, item, dept)
    fields += static_search.item_tags(site, item)
    if not item.is_active:
        return urls.page_source(url), page(item.name, _tombstone(site, item, dept, url, fields, report))
    contact = item.contact
    responsibilities = (
        html.table("责任事项", ["环节", "责任内容"], [[html.text(r.phase), html.text(r.duty)] for r in item.responsibilities or []])
        if item.responsibilities
        else "<p>未公开。</p>"
    )
    chart = (
        f'<figure class="zwgk-flowchart" id="flowchart">{svg}<figcaption>{html.text(item.name)}运行流程图；文字说明见下方步骤列表。</figcaption></figure>'
        if svg
        else "<p>未公开运行流程。</p>"
    )
    body = (
        f"# {html.md(item.name)}\n\n"
        + html.block(fields, html.json_ld(_government_service(site, item, dept, url, code)))
        + "\n## 八公开\n\n"
        + html.block(_eight(item, '<a href="#flowchart">见运行流程图</a>'))
        + "\n## 依据\n\n"
        + html.block(_basis(item) or "<p>未公开。</p>")
        + "\n## 运行流程图\n\n"
        + html.block(chart, "<h3>办理步骤</h3>", flow_text(item) if item.flow else "")
        + "\n## 责任事项与追责情形\n\n"
        + html.block(responsibilities, "<h3>追责情形</h3>", _list(item.accountability) or "<p>未公开。</p>")
        + "\n## 咨询与投诉\n\n"
        + html.block(
            html.definitions(
                [
                    ("咨询电话", html.text(contact.consult_phone if contact else "")),
                    ("投诉电话", html.text(contact.complaint_phone if contact else "")),
                ]
            ),
            f"<p>{report}</p>",
        )
    )
    return urls.page_source(url), page(f"{item.name}（{item.basic_code}）", body, description=f"{dept.short_name} {item.name}")


def _tombstone(site: SiteData, item: PowerItem, dept: Department, url: str, fields: str, report: str) -> str:
    successor = ""
    if item.replaced_by:
        target = next((i for i in site.items_by_dept.get(item.dept_id, []) if i.basic_code == item.replaced_by), None)
        name = target.name if target else item.replaced_by
        successor = (
            f"<p>本事项已并入：{html.link(_href(url, urls.item(item.dept_id, item.replaced_by)), f'{item.replaced_by} {name}')}。</p>"
        )
    notice = (
        f'<div class="zwgk-tombstone" role="note"><p>本事项{html.text(item.status)}'
        f"（{html.text(item.status_date)}）。原因：{html.text(item.status_reason)}</p>{successor}</div>"
    )
    # For the static search, the words of a withdrawn item's page weigh less than an active item's.
    body = f'<div data-pagefind-weight="0.2">{notice}{fields}<p>{report}</p></div>'
    return f"# {html.md(item.name)}（{html.md(item.status)}）\n\n" + html.block(body)


def _report_link(site: SiteData, item: PowerItem, dept: Department) -> str:
    subject = f"事项 {item.basic_code} {item.name} 的信息有误"
    if site.report_url:
        href = site.report_url.format(code=item.basic_code, dept=item.dept_id, name=item.name)
    elif dept.disclosure_office.email:
        from urllib.parse import quote

        href = f"mailto:{dept.disclosure_office.email}?subject={quote(subject)}"
    else:
        return f"报告问题：请致电 {html.text(dept.disclosure_office.phone)}。"
    return html.link(href, "报告此事项信息有误")


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


# ---- browsing ------------------------------------------------------------------------------------


def _chunks(values: list, size: int = urls.ROWS_PER_PAGE) -> list[list]:
    return [values[start : start + size] for start in range(0, len(values), size)] or [[]]


def _pager(url_of, count: int, current: int, from_url: str) -> str:
    if count <= 1:
        return ""
    links = [
        f'<li><strong aria-current="page">第 {number} 页</strong></li>'
        if number == current
        else f"<li>{html.link(_href(from_url, url_of(number)), f'第 {number} 页')}</li>"
        for number in range(1, count + 1)
    ]
    return f'<nav aria-label="分页"><ul class="zwgk-pager">{"".join(links)}</ul></nav>'


def type_pages(site: SiteData) -> list[tuple[str, str]]:
    scheme = site.scheme
    by_type: dict[str, list[PowerItem]] = defaultdict(list)
    for item in sorted(site.items, key=lambda i: (i.basic_code, i.dept_id)):
        by_type[item.type].append(item)
    pages, index_rows = [], []
    for code, label in scheme.power_types.items():
        items = by_type.get(code, [])
        index_rows.append([html.link(urls.power_type(code).removeprefix("types/"), f"{code} {label}"), str(len(items))])
        chunks = _chunks(items)
        for number, chunk in enumerate(chunks, start=1):
            url = urls.power_type(code, number)
            rows = [
                [
                    html.text(item.basic_code),
                    html.link(_href(url, urls.item(item.dept_id, item.basic_code)), item.name),
                    html.link(_href(url, urls.department(item.dept_id)), site.department_name(item.dept_id)),
                    html.text(item.status),
                ]
                for item in chunk
            ]
            heading = f"{label}（共 {len(items)} 项）"
            pager = _pager(lambda n, c=code: urls.power_type(c, n), len(chunks), number, url)
            body = f"# {html.md(heading)}\n\n" + html.block(
                pager, html.table(html.text(heading), ["基本编码", "事项名称", "实施部门", "状态"], rows), pager
            )
            pages.append((urls.page_source(url), page(heading, body, searchable=False)))
    index = "# 按权力类型浏览\n\n" + html.block(html.table("权力类型", ["权力类型", "事项数"], index_rows))
    return [("types/index.md", page("按权力类型浏览", index, searchable=False)), *pages]


def topic_pages(site: SiteData) -> list[tuple[str, str]]:
    scheme = site.scheme
    by_topic: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(site.entries, key=lambda e: (e.date, e.index), reverse=True):
        if entry.topic:
            by_topic[entry.topic].append(entry)
    pages, index_rows = [], []
    for code, label in scheme.topics.items():
        entries = by_topic.get(code, [])
        index_rows.append([html.link(urls.topic(code).removeprefix("topics/"), f"{code} {label}"), str(len(entries))])
        chunks = _chunks(entries)
        for number, chunk in enumerate(chunks, start=1):
            url = urls.topic(code, number)
            heading = f"主题：{label}（共 {len(entries)} 条）"
            pager = _pager(lambda n, c=code: urls.topic(c, n), len(chunks), number, url)
            table = _entries_table(site, html.text(heading), chunk, url, with_department=True)
            body = f"# {html.md(heading)}\n\n" + html.block(pager, table, pager)
            pages.append((urls.page_source(url), page(heading, body, searchable=False, wide=True)))
    index = "# 按主题浏览\n\n" + html.block(html.table("主题分类", ["主题", "条目数"], index_rows))
    return [("topics/index.md", page("按主题浏览", index, searchable=False)), *pages]


def scheme_page(scheme: Scheme) -> tuple[str, str]:
    sections = []
    for key, label in (
        ("regions", "行政区划"),
        ("power_types", "权力类型"),
        ("sectors", "行业"),
        ("topics", "主题分类"),
        ("genres", "体裁分类"),
    ):
        codes = getattr(scheme, key)
        rows = [[html.text(code), html.text(name)] for code, name in codes.items()]
        sections.append(f'<h2 id="{key}">{label}</h2>' + html.table(f"{label}代码表（{key}）", ["代码", "名称"], rows))
    formats = "、".join(scheme.index_formats)
    limits = scheme.limits
    body = "# 编码方案\n\n" + html.block(
        f"<p>本省（代码 {html.text(scheme.province)}）采用的代码表，来自 <code>catalog/scheme.yml</code>。"
        f"允许的索引号格式：{html.text(formats)}。主动公开的信息应在生成后 {limits.publish_within_workdays} 个工作日内公开；"
        f"权力事项至少每 {limits.review_every_months} 个月复核一次。</p>",
        *sections,
    )
    return "scheme/index.md", page("编码方案", body)


def index_resolvers(site: SiteData) -> dict[str, str]:
    """Plain HTML redirect pages at URLs computed from a 索引号 alone: {path: html}."""
    targets: dict[str, tuple[str, str]] = {}
    for entry in site.entries:
        number = site.numbers[id(entry)]
        targets[urls.index_resolver(number).split("#")[0]] = (entry.dept_id, number.period)
    pages = {}
    for path, (dept_id, period) in targets.items():
        depth = path.count("/")
        base = "../" * depth + urls.catalogue_page(dept_id, period)
        chunked = "../" * depth + f"catalogue/{dept_id}/{period}/"
        script = (
            "<script>(function(){var s=parseInt((location.hash||'#1').slice(1),10)||1;"
            f"var c=Math.floor((s-1)/{urls.ROWS_PER_PAGE})+1;"
            f"location.replace('{chunked}'+(c>1?c+'/':'')+location.hash);}})();</script>"
        )
        pages[path + "index.html"] = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>跳转到目录条目</title>'
            f'<meta http-equiv="refresh" content="0; url={base}">{script}</head>'
            f'<body><p><a href="{base}">前往目录页面</a></p></body></html>'
        )
    return pages


def latest(entries: list[Entry], count: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.published or e.date, e.index), reverse=True)[:count]
