"""`zwgk search`: the command, kept apart from zwgk.cli so that it starts quickly. `zwgk search ...`
is answered by this module alone (zwgk.entry): no pydantic, no rules, no jieba; `zwgk.cli` registers
the same command for `zwgk --help` and for tests."""

from __future__ import annotations

import json
from pathlib import Path

import click

KINDS = {"item": "事项", "entry": "条目", "department": "部门"}


@click.command("search")
@click.argument("query")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="zwgk build 生成的网站文件夹（索引在它旁边）。",
)
@click.option("--kind", type=click.Choice(sorted(KINDS)), help="只看事项（item）、目录条目（entry）或部门（department）。")
@click.option("--dept", help="只看这个部门（部门文件夹名）。")
@click.option("--type", "power_type", help="只看这个权力类型代码。")
@click.option("--topic", help="只看这个主题分类代码。")
@click.option("--year", help="只看这一年。")
@click.option("--region", help="只看这个行政区划代码。")
@click.option("--genre", help="只看这个体裁分类代码。")
@click.option("--mode", help="只看这种公开方式（主动公开、依申请公开……）。")
@click.option("--validity", help="只看这种有效性（有效、失效、废止……；事项为其状态）。")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="按相关程度或按日期（新的在前）。")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0, 10_000), default=0, show_default=True, help="跳过前面多少条（翻页）。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def search_command(
    query, site_dir, kind, dept, power_type, topic, year, region, genre, mode, validity, sort, limit, offset, output_format
) -> None:
    """检索事项、目录条目和部门。完全匹配的编码、索引号或文号排在最前面；排序规则见贡献指南“检索如何排序”。"""
    from zwgk.search.query import QueryError, Searcher

    folder = site_dir.resolve()
    try:
        searcher = Searcher(folder.with_name(folder.name + ".search"))  # zwgk.search.index.index_dir, without its imports
    except FileNotFoundError:
        click.echo(f"错误：{site_dir} 旁边没有检索索引：请先运行 zwgk build --site-dir {site_dir}（或 zwgk index）。", err=True)
        raise SystemExit(2) from None
    filters = {"kind": kind, "department": dept, "type": power_type, "topic": topic, "year": year, "region": region, "genre": genre}
    try:
        page = searcher.find(query, limit=limit, offset=offset, sort=sort, mode=mode, validity=validity, **filters)
    except QueryError as error:
        click.echo(f"错误：{error}", err=True)
        raise SystemExit(2) from None
    if output_format == "json":
        payload = {"total": page.total, "offset": offset, "results": [hit.as_json() for hit in page.hits]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for hit in page.hits:
        status = f"【{hit.status}】" if hit.status and hit.status not in ("有效",) else ""
        details = "，".join(filter(None, [hit.department, hit.level, hit.type, hit.date, hit.doc_number]))
        click.echo(f"{hit.score:6.1f}  {KINDS.get(hit.kind, hit.kind)}  {hit.code}  {status}{hit.title}  （{details}）  /{hit.url}")
    if page.hits:
        click.echo(f"共 {page.total} 条，显示第 {offset + 1}–{offset + len(page.hits)} 条。")
    else:
        click.echo("没有找到结果。")
