"""`zwgk check` and the rules: `rule`, `rules`, `rules-doc`, and `schemas`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from zwgk import rules
from zwgk.catalog import schemas
from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.findings import format_github
from zwgk.catalog.loader import CatalogError
from zwgk.cli.common import FORMATS, as_of_date, fail
from zwgk.rules import reference as docs
from zwgk.rules.run import check as check_catalog


@click.command()
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text", help="输出格式。")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="按这一天检查时效（默认今天），YYYY-MM-DD。")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="解析缓存目录（默认 ~/.cache/zwgk 或 $ZWGK_CACHE_DIR）。")
@click.option("--no-cache", is_flag=True, help="不读也不写解析缓存。")
def check(catalog_dir: Path, output_format: str, as_of, cache_dir: Path | None, no_cache: bool) -> None:
    """检查目录 CATALOG_DIR（默认 ./catalog）。无错误时退出码为 0，有错误为 1，无法运行为 2。"""
    cache = None if no_cache else (cache_dir or default_cache_dir())
    try:
        result = check_catalog(catalog_dir, as_of=as_of_date(as_of), cache_dir=cache, records=False)
    except CatalogError as error:
        fail(str(error))
    if output_format == "github":
        prefix = os.path.relpath(catalog_dir.resolve(), Path.cwd()).replace(os.sep, "/")
        click.echo(format_github(result.findings, result.summary, "" if prefix == "." else prefix), nl=False)
    else:
        click.echo(FORMATS[output_format](result.findings, result.summary), nl=False)
    raise SystemExit(1 if result.errors else 0)


@click.command("rule")
@click.argument("rule_id")
def rule_command(rule_id: str) -> None:
    """显示规则 RULE_ID 的说明：检查什么、为什么、错误示例、如何修正。"""
    known = {rule.id: rule for rule in rules.all_rules()}
    if rule_id not in known:
        fail(f"没有规则“{rule_id}”。用 zwgk rules 列出全部规则。")
    click.echo(docs.rule_text(known[rule_id]))


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def rules_command(output_format: str) -> None:
    """列出全部规则（编号、级别、说明）。"""
    all_rules = rules.all_rules()
    if output_format == "json":
        payload = [{"rule": r.id, "severity": r.severity.value, "family": r.family, "title": r.title} for r in all_rules]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for rule in all_rules:
        click.echo(f"{rule.id:32} {rule.severity.value:8} {rule.title}")


@click.command("rules-doc")
@click.option("--output", type=click.Path(path_type=Path), help="写入这个文件（默认输出到屏幕）。")
def rules_doc(output: Path | None) -> None:
    """生成规则参考（Markdown）。"""
    text = docs.rules_reference()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("schemas")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True)
def schemas_command(output_dir: Path) -> None:
    """从模型生成 scheme.yml、department.yml、事项文件、目录文件和年度统计文件的 JSON Schema。"""
    for path in schemas.write_all(output_dir):
        click.echo(str(path))
