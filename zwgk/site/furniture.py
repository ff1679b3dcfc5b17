"""Pages of the site's furniture built from the catalogue: the HTML site map (网站地图, every column with a
working link: department, power type, topic, catalogue year and month) and 我要纠错 (where to report an
error: each department's disclosure office, or `report_url`). Pure builders: SiteData in, (uri, markdown) out."""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import quote

from zwgk.site import html, urls
from zwgk.site.data import SiteData
from zwgk.site.pages import _href


# The columns of the navigation and the furniture pages, in the order of the site.
COLUMNS = (
    ("", "首页"),
    ("types/", "按权力类型浏览"),
    ("topics/", "按主题浏览"),
    ("search/", "搜索"),
    ("scheme/", "编码方案"),
    ("monitoring/", "监测"),
    ("annual/", "年度报告统计"),
    ("contributing/", "如何维护本部门的目录"),
    ("about/contact/", "联系我们"),
    ("about/copyright/", "版权声明"),
    ("about/privacy/", "隐私声明"),
    ("about/accessibility/", "无障碍声明"),
    (urls.correction(), "我要纠错"),
)


def _page(title: str, body: str, gov_tags: dict[str, str]) -> str:
    """A generated page kept out of the search (it only lists what has pages of its own), with its 网页标签."""
    meta = {"title": html.title(title), "search": {"exclude": True}, "gov_tags": gov_tags}
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n" + body


def _month_label(period: str) -> str:
    return f"{int(period[4:])} 月" if len(period) == 6 else "全年"


def sitemap(site: SiteData) -> tuple[str, str]:
    url = urls.sitemap()
    scheme = site.scheme
    columns = "".join(f"<li>{html.link(_href(url, target), label)}</li>" for target, label in COLUMNS)
    types = "".join(
        f"<li>{html.link(_href(url, urls.power_type(code)), f'{code} {label}')}</li>" for code, label in scheme.power_types.items()
    )
    topics = "".join(f"<li>{html.link(_href(url, urls.topic(code)), f'{code} {label}')}</li>" for code, label in scheme.topics.items())
    periods: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry in site.entries:
        periods[entry.dept_id][entry.date.year].add(site.numbers[id(entry)].period)
    by_region = defaultdict(list)
    for dept in sorted(site.departments.values(), key=lambda d: (d.level != "省级", d.dept_id)):
        by_region[dept.region].append(dept)
    departments = []
    for region in sorted(by_region, key=lambda code: (list(scheme.regions).index(code) if code in scheme.regions else 999, code)):
        rows = []
        for dept in by_region[region]:
            years = []
            for year in sorted(periods[dept.dept_id], reverse=True):
                months = "、".join(
                    html.link(_href(url, urls.catalogue_page(dept.dept_id, period)), _month_label(period))
                    for period in sorted(periods[dept.dept_id][year])
                )
                years.append(f'<li><span class="zwgk-nowrap">{year} 年目录：</span>{months}</li>')
            catalogue = f"<ul>{''.join(years)}</ul>" if years else "<ul><li>暂无目录条目</li></ul>"
            rows.append(
                f"<li>{html.link(_href(url, urls.department(dept.dept_id)), dept.name)}"
                f"（{html.link(_href(url, urls.scorecard(dept.dept_id)), '监测得分')}）{catalogue}</li>"
            )
        departments.append(f"<h3>{html.text(scheme.regions.get(region, region))}</h3><ul>{''.join(rows)}</ul>")
    body = (
        "# 网站地图\n\n"
        + html.block('<ul class="zwgk-sitemap zwgk-sitemap--columns">', columns, "</ul>")
        + "\n## 按权力类型\n\n"
        + html.block(f'<ul class="zwgk-sitemap zwgk-sitemap--columns">{types}</ul>')
        + "\n## 按主题\n\n"
        + html.block(f'<ul class="zwgk-sitemap zwgk-sitemap--columns">{topics}</ul>')
        + "\n## 部门和政府信息公开目录\n\n"
        + html.block(f'<div class="zwgk-sitemap">{"".join(departments)}</div>')
    )
    meta = {"ColumnName": "网站地图", "ColumnType": "网站地图", "ColumnDescription": "本网站全部栏目、部门、权力类型、主题和目录年份的链接"}
    return urls.page_source(url), _page("网站地图", body, meta)


def correction(site: SiteData) -> tuple[str, str]:
    url = urls.correction()
    rows = []
    for dept in sorted(site.departments.values(), key=lambda d: (d.level != "省级", d.dept_id)):
        office = dept.disclosure_office
        if site.report_url:
            href = site.report_url.format(code="", dept=dept.dept_id, name="")
            way = html.link(href, "在线报告")
        elif office.email:
            way = html.link(f"mailto:{office.email}?subject={quote(f'我要纠错：{dept.name}公开的信息')}", office.email)
        else:
            way = "—"
        phone = html.link(f"tel:{office.phone}", office.phone, class_="zwgk-nowrap") if office.phone else ""
        rows.append([html.link(_href(url, urls.department(dept.dept_id)), dept.name), way, phone])
    table = html.table("各部门受理纠错的方式", ["部门", "电子邮件或在线报告", "电话"], rows, classes=["c-name", "", "c-short"])
    body = "# 我要纠错\n\n" + html.block(
        "<p>发现本网站上的事项、目录条目或链接有错误，请告诉公开该信息的部门：</p><ul>"
        "<li>在事项页面上，点击“报告此事项信息有误”，会带上事项编码和名称；</li>"
        "<li>在目录条目中，写明条目的索引号和信息名称；</li>"
        "<li>也可以按下表直接联系该部门的政府信息公开工作机构。</li></ul>"
        "<p>网站本身的问题（页面打不开、显示异常、无障碍问题），请通过“联系我们”告诉主办单位。</p>",
        table,
    )
    meta = {"ColumnName": "我要纠错", "ColumnType": "互动交流"}
    return urls.page_source(url), _page("我要纠错", body, meta)


def pages(site: SiteData) -> list[tuple[str, str]]:
    return [sitemap(site), correction(site)]
