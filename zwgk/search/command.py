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
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="按相关程度或按日期（新的在前）。"
)
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0, 10_000), default=0, show_default=True, help="跳过前面多少条（翻页）。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def search_command(
    query, site_dir, kind, dept, power_type, topic, year, region, genre, mode, validity, sort, limit, offset, output_format
) -> None:
    """检索事项、目录条目和部门。完全匹配的编码、索引号或文号排在最前面；排序规则见贡献指南“检索如何排序”。"""
    folder = site_dir.resolve()
    filters = {"kind": kind, "department": dept, "type": power_type, "topic": topic, "year": year, "region": region, "genre": genre}
    unfiltered = not any(filters.values()) and not mode and not validity and offset == 0 and sort == "relevance"
    page = exact_code(folder, query) if unfiltered else None
    if page is not None:
        return _print(page, offset, limit, output_format)
    from zwgk.search.query import IndexDamaged, QueryError, Searcher

    try:
        searcher = Searcher(folder.with_name(folder.name + ".search"))  # zwgk.search.index.index_dir, without its imports
    except FileNotFoundError:
        _fail(f"{site_dir} 旁边没有检索索引：请先运行 zwgk build --site-dir {site_dir}（或 zwgk index）。")
    except IndexDamaged as error:
        _fail(f"{error} 命令：zwgk index CATALOG_DIR --site-dir {site_dir}")
    try:
        page = searcher.find(query, limit=limit, offset=offset, sort=sort, mode=mode, validity=validity, **filters)
    except (QueryError, IndexDamaged) as error:
        _fail(str(error))
    _print(page, offset, limit, output_format)


def _fail(message: str) -> None:
    """A mistake in how the command was called, or an index that cannot be read: exit 2."""
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)


def exact_code(site_dir: Path, query: str):
    """An exact code, 索引号 or 文号, answered from the site's code shards (codes/<n>.json) without
    opening the index: the same records, ranked the same way (tier 0 of zwgk.search.ranking). None
    when the query is not such a code or the site has no shards."""
    from zwgk.search import ranking

    key = ranking.normalise(query)
    settings = site_dir / "codes" / "search.json"
    if len(key) < 4 or not any(c.isdigit() for c in key) or not settings.is_file():
        return None
    from zwgk.search.hits import page
    from zwgk.site.lookup import shard_of

    shards = json.loads(settings.read_text(encoding="utf-8"))["shards"]
    table = json.loads((site_dir / "codes" / f"{shard_of(key, shards)}.json").read_text(encoding="utf-8"))
    from zwgk.site.record_chunks import resolved

    records = resolved(site_dir, table.get(key, []))
    if not records or any(record["kind"] not in KINDS for record in records):
        return None  # a USCC/period key names a catalogue page: the index finds its entries
    variants = ranking.variants(query, [])
    return page(records, variants, False, 0, 200)


def _print(page, offset: int, limit: int, output_format: str) -> None:
    page.hits = page.hits[:limit]
    if output_format == "json":
        payload = {"total": page.total, "offset": offset, "results": [hit.as_json() for hit in page.hits]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from zwgk.catalog.findings import log_safe  # titles are contributors' text: no CI command in a log

    for hit in page.hits:
        status = f"【{hit.status}】" if hit.status and hit.status not in ("有效",) else ""
        details = "，".join(filter(None, [hit.department, hit.level, hit.type, hit.date, hit.doc_number]))
        click.echo(
            log_safe(f"{hit.score:6.1f}  {KINDS.get(hit.kind, hit.kind)}  {hit.code}  {status}{hit.title}  （{details}）  /{hit.url}")
        )
        if hit.others:
            click.echo(
                log_safe(f"        另有 {len(hit.others)} 个部门实施同一事项：" + "、".join(other["department"] for other in hit.others))
            )
    if page.hits:
        click.echo(f"共 {page.total} 条，显示第 {offset + 1}–{offset + len(page.hits)} 条。")
    else:
        click.echo("没有找到结果。")
