"""The `zwgk` command line: one small function per command."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from pathlib import Path

import click

from zwgk import rules
from zwgk.catalog import schemas
from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.findings import format_github, format_json, format_text, log_safe_lines
from zwgk.catalog.loader import CatalogError
from zwgk.rules import reference as docs
from zwgk.rules.run import check as check_catalog
from zwgk.search.command import search_command

FORMATS = {"text": format_text, "json": format_json}


def _fail(message: str) -> None:
    """A mistake in how the command was called, or a catalogue that cannot be read at all: exit 2."""
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)


def _text_arguments(**values: str | None) -> None:
    """Refuse command-line text that would write a record the check refuses: not UTF-8 (the shell's
    bytes reach Python as lone surrogates, which cannot be written to a file), with a control
    character, or too long. Exit 2 with the option's name."""
    from zwgk.catalog.text import LENGTH_LIMITS, control_chars, describe_char

    for option, value in values.items():
        if value is None:
            continue
        flag = f"--{option.replace('_', '-')}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            _fail(f"{flag} 的值不是有效的 UTF-8 文本：请把终端或脚本的编码设为 UTF-8 后重新输入。")
        found = control_chars(value, multiline=False)
        if found:
            position, ch = found[0]
            _fail(f"{flag} 的值第 {position} 个字符是控制字符 {describe_char(ch)}：请删除它。")
        limit = LENGTH_LIMITS.get(option)
        if limit and len(value) > limit:
            _fail(f"{flag} 的值有 {len(value)} 个字符，超过了 {limit} 个字符的上限。")


def _as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zwgk")
def cli() -> None:
    """zwgk：政务公开目录生成器（权责清单与政府信息公开目录）。"""


@cli.command()
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text", help="输出格式。")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="按这一天检查时效（默认今天），YYYY-MM-DD。")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="解析缓存目录（默认 ~/.cache/zwgk 或 $ZWGK_CACHE_DIR）。")
@click.option("--no-cache", is_flag=True, help="不读也不写解析缓存。")
def check(catalog_dir: Path, output_format: str, as_of, cache_dir: Path | None, no_cache: bool) -> None:
    """检查目录 CATALOG_DIR（默认 ./catalog）。无错误时退出码为 0，有错误为 1，无法运行为 2。"""
    cache = None if no_cache else (cache_dir or default_cache_dir())
    try:
        result = check_catalog(catalog_dir, as_of=_as_of(as_of), cache_dir=cache, records=False)
    except CatalogError as error:
        _fail(str(error))
    if output_format == "github":
        prefix = os.path.relpath(catalog_dir.resolve(), Path.cwd()).replace(os.sep, "/")
        click.echo(format_github(result.findings, result.summary, "" if prefix == "." else prefix), nl=False)
    else:
        click.echo(FORMATS[output_format](result.findings, result.summary), nl=False)
    raise SystemExit(1 if result.errors else 0)


@cli.command("rule")
@click.argument("rule_id")
def rule_command(rule_id: str) -> None:
    """显示规则 RULE_ID 的说明：检查什么、为什么、错误示例、如何修正。"""
    known = {rule.id: rule for rule in rules.all_rules()}
    if rule_id not in known:
        _fail(f"没有规则“{rule_id}”。用 zwgk rules 列出全部规则。")
    click.echo(docs.rule_text(known[rule_id]))


@cli.command("rules")
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


@cli.command("rules-doc")
@click.option("--output", type=click.Path(path_type=Path), help="写入这个文件（默认输出到屏幕）。")
def rules_doc(output: Path | None) -> None:
    """生成规则参考（Markdown）。"""
    text = docs.rules_reference()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command("schemas")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True)
def schemas_command(output_dir: Path) -> None:
    """从模型生成 scheme.yml、department.yml、事项文件、目录文件和年度统计文件的 JSON Schema。"""
    for path in schemas.write_all(output_dir):
        click.echo(str(path))


@cli.command()
@click.option(
    "--catalog", "catalog_dir", type=click.Path(path_type=Path), help="要生成的目录文件夹（默认为 mkdocs.yml 中的 extra.zwgk.catalog）。"
)
@click.option("--site-dir", type=click.Path(path_type=Path), help="网站输出文件夹（默认为 mkdocs.yml 中的 site_dir）。")
@click.option("--config-file", type=click.Path(path_type=Path, exists=True), default=Path("mkdocs.yml"), show_default=True)
@click.option("--strict/--no-strict", default=True, show_default=True, help="MkDocs 的警告也视为错误。")
def build(catalog_dir: Path | None, site_dir: Path | None, config_file: Path, strict: bool) -> None:
    """生成网站：检查目录，生成全部页面、流程图和导出文件。目录有错误时失败，退出码为 1。"""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    if catalog_dir is not None:
        if not (catalog_dir / "scheme.yml").is_file():
            _fail(f"{catalog_dir} 中没有 scheme.yml，这不是一个目录文件夹。")
        os.environ["ZWGK_CATALOG"] = str(catalog_dir.resolve())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    overrides = {"strict": strict} | ({"site_dir": str(site_dir.resolve())} if site_dir else {})
    try:
        mkdocs_build(load_config(config_file=str(config_file), **overrides))
    except MkDocsException as error:
        click.echo(log_safe_lines(str(error)), err=True)
        raise SystemExit(1) from None


cli.add_command(search_command)


@cli.command("index")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--site-dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True, help="索引写在这个网站文件夹旁边。")
def index_command(catalog_dir: Path, site_dir: Path) -> None:
    """只更新网站旁边的检索索引（供 zwgk search 和 zwgk serve 使用），不生成网站：只重写内容有变化的记录。
    zwgk build 和 mkdocs build 也会更新这个索引。"""
    from zwgk.search.index import SearchIndexError, index_dir, write_index
    from zwgk.site.data import site_data

    started = time.perf_counter()
    try:
        result = check_catalog(catalog_dir)
    except CatalogError as error:
        _fail(str(error))
    if result.errors:
        click.echo(format_text([f for f in result.findings if f.is_error], result.summary), nl=False, err=True)
        raise SystemExit(1)
    data = site_data(result)
    checked = time.perf_counter()
    try:
        stats = write_index(index_dir(site_dir.resolve()), data)
    except SearchIndexError as error:
        _fail(str(error))
    click.echo(
        f"检索索引共 {stats.documents} 条记录：更新 {stats.added} 条，删除 {stats.removed} 条"
        f"（检查目录 {checked - started:.1f} 秒，更新并核对索引 {time.perf_counter() - checked:.1f} 秒）。"
    )


@cli.command("diff")
@click.argument("base")
@click.argument("head")
@click.option("--catalog-path", default="catalog", show_default=True, help="目录文件夹在仓库中的位置（BASE、HEAD 为 git 版本时）。")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def diff_command(base: str, head: str, catalog_path: str, output_format: str) -> None:
    """比较两个版本的目录：BASE、HEAD 为两个 git 版本（如 origin/main HEAD）或两个目录文件夹。

    按部门列出新增、删除、修改（哪些字段）、重新编码的事项，以及新增、删除、修改的目录条目。
    已公开条目的索引号被改动是错误，退出码为 1。"""
    from zwgk.contrib.diff import DiffError, diff, format_markdown, format_text

    try:
        result = diff(base, head, Path.cwd(), catalog_path)
    except DiffError as error:
        _fail(str(error))
    click.echo(format_markdown(result) if output_format == "markdown" else format_text(result), nl=False)
    if result.errors:
        raise SystemExit(1)


@cli.command("codeowners")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="只检查提交的文件是否最新，不写文件；不是最新时退出码为 1。")
def codeowners_command(catalog_dir: Path, check_only: bool) -> None:
    """根据各部门 department.yml 中的 maintainers 生成 .github/CODEOWNERS（写在目录文件夹所在的仓库中）。"""
    from zwgk.catalog import codeowners
    from zwgk.catalog.loader import load_catalog

    try:
        catalog = load_catalog(catalog_dir)
    except CatalogError as error:
        _fail(str(error))
    text = codeowners.render(catalog_dir, catalog.departments)
    for dept_id, dept in sorted(catalog.departments.items()):
        skipped = [name for name in dept.maintainers if not codeowners.is_valid_handle(name)]
        if skipped:
            shown = "、".join(name.encode("unicode_escape").decode("ascii")[:60] for name in skipped)
            click.echo(f"{dept_id} 的维护人 {shown} 不是账号、团队或电子邮箱，没有写入（见规则 dept.maintainer-invalid）。", err=True)
    target = codeowners.committed_path(catalog_dir)
    current = codeowners.read_committed(catalog_dir)
    if check_only:
        if current != text:
            click.echo(f"{target} 不是最新的：请运行 zwgk codeowners 重新生成。", err=True)
            raise SystemExit(1)
        click.echo(f"{target} 是最新的。")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # a link is replaced by the file, never written through
    target.write_text(text, encoding="utf-8")
    owned = sum(1 for dept in catalog.departments.values() if codeowners.valid_maintainers(dept.maintainers))
    click.echo(f"已写入 {target}：{owned} 个部门文件夹有维护人。")


@cli.group("new")
def new_group() -> None:
    """新增一个事项或一条目录条目，编码和索引号自动取下一个可用的值。"""


@new_group.command("item")
@click.option("--dept", "dept_id", required=True, help="部门文件夹名，如 340000-amr。")
@click.option("--type", "power_type", required=True, help="权力类型代码，如 01（行政许可）。")
@click.option("--name", required=True, help="事项名称。")
@click.option("--catalog", "catalog_dir", default=Path("catalog"), type=click.Path(path_type=Path), show_default=True)
def new_item(dept_id: str, power_type: str, name: str, catalog_dir: Path) -> None:
    """写出一个新事项的文件（省级新增事项，编码取下一个可用的主项序号）；其中标“待填写”的内容请补全。"""
    from zwgk.contrib.new import NewError, write_item

    _text_arguments(dept=dept_id, type=power_type, name=name)
    try:
        path = write_item(catalog_dir, dept_id, power_type, name)
    except (NewError, CatalogError) as error:
        _fail(str(error))
    click.echo(f"已写入 {path}（基本编码 {path.stem}）：请补全其中标“待填写”的内容。")


@new_group.command("entry")
@click.option("--dept", "dept_id", required=True, help="部门文件夹名，如 340000-amr。")
@click.option("--date", "date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="生成日期 YYYY-MM-DD。")
@click.option("--title", required=True, help="信息名称。")
@click.option("--mode", default="主动公开", show_default=True, help="公开方式。")
@click.option("--doc-number", help="文号，如 皖政办〔2026〕1号。")
@click.option("--catalog", "catalog_dir", default=Path("catalog"), type=click.Path(path_type=Path), show_default=True)
def new_entry(dept_id: str, date, title: str, mode: str, doc_number: str | None, catalog_dir: Path) -> None:
    """在 disclosure/<年份>.yml 末尾追加一条目录条目，索引号取下一个可用的序号。"""
    from zwgk.contrib.new import NewError, write_entry

    _text_arguments(dept=dept_id, title=title, mode=mode, doc_number=doc_number)
    try:
        path, index = write_entry(catalog_dir, dept_id, date.date(), title, mode, doc_number)
    except (NewError, CatalogError) as error:
        _fail(str(error))
    click.echo(f"已在 {path} 末尾追加条目，索引号 {index}。")


def _import_options(command):
    """The options both `zwgk import` commands take."""
    options = [
        click.argument("workbook", type=click.Path(path_type=Path)),
        click.option("--dept", "dept_id", required=True, help="导入到这个部门（部门文件夹名），如 340000-amr。"),
        click.option("--catalog", "catalog_dir", default=Path("catalog"), type=click.Path(path_type=Path), show_default=True),
        click.option("--sheet", help="工作表名称（默认自动找到有表头的工作表）。"),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="列名=字段",
            help="指定某列对应的字段，如 --map 职权名称=name；字段写 - 表示不导入这一列。",
        ),
        click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text", help="输出格式。"),
        click.option("--dry-run", is_flag=True, help="只报告会写入什么，不写文件。"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run_import(kind: str, workbook: Path, dept_id: str, catalog_dir: Path, sheet, maps, output_format: str, dry_run: bool) -> None:
    from zwgk.contrib.spreadsheet.report import render
    from zwgk.contrib.spreadsheet.run import ImportFailure, import_workbook

    try:
        result = import_workbook(workbook, kind, catalog_dir, dept_id, sheet, maps, dry_run)
    except ImportFailure as error:
        raise click.UsageError(str(error)) from None
    click.echo(render(result, output_format), nl=False)
    raise SystemExit(result.exit_code)


@cli.group("import")
def import_group() -> None:
    """从 Excel 工作簿（.xlsx、.xls）或 CSV 导入权责清单、政府信息公开目录，合并到部门文件夹。

    每一行都导入为一个记录，或报告为一个问题（文件名、行号、列号）。全部导入时退出码为 0，
    有的行有错误（这些行未写入）为 1，无法运行为 2。"""


@import_group.command("powers")
@_import_options
def import_powers(**options) -> None:
    """导入权责清单：合并单元格的主项及其子项、一格多值、“无”“/”表示空；没有编码的事项按 zwgk new item 的方式分配编码。"""
    _run_import("powers", **options)


@import_group.command("entries")
@_import_options
def import_entries(**options) -> None:
    """导入政府信息公开目录：发布机构名称转为部门文件夹名，主题、体裁名称转为代码；没有索引号的条目分配下一个可用的索引号。"""
    _run_import("entries", **options)


@cli.group("export")
def export_group() -> None:
    """导出目录。"""


@export_group.command("xlsx")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option(
    "--output", required=True, type=click.Path(path_type=Path, file_okay=False), help="写入这个文件夹：每个部门一个 <部门文件夹名>.xlsx。"
)
@click.option("--dept", "dept_id", help="只导出这个部门。")
def export_xlsx(catalog_dir: Path, output: Path, dept_id: str | None) -> None:
    """每个部门一个 Excel 工作簿：“权责清单”（主项单元格合并在子项之上）和“政府信息公开目录”两个工作表，可用 zwgk import 导回。"""
    from zwgk.catalog.loader import load_catalog
    from zwgk.site.xlsx import write_workbooks

    try:
        catalog = load_catalog(catalog_dir, cache_dir=default_cache_dir())
    except CatalogError as error:
        _fail(str(error))
    if dept_id is not None and dept_id not in catalog.departments:
        raise click.UsageError(f"没有部门“{dept_id}”：--dept 应为 {catalog_dir}/departments/ 下的部门文件夹名之一。")
    if catalog.scheme is None:
        _fail(f"{catalog_dir}/scheme.yml 无法读取：请先按 zwgk check 的提示修正它。")
    paths = write_workbooks(catalog, output, [dept_id] if dept_id else None)
    click.echo(f"已写入 {len(paths)} 个工作簿到 {output}。")


@cli.command("serve")
@click.option("--site-dir", type=click.Path(path_type=Path, exists=True, file_okay=False), default=Path("site"), show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def serve_command(site_dir: Path, host: str, port: int) -> None:
    """提供生成好的网站，以及 GET /api/search?q=…（JSON，与 zwgk search 同一个索引）。"""
    from zwgk.search.query import IndexDamaged
    from zwgk.search.server import make_server

    try:
        server = make_server(site_dir.resolve(), host, port)
    except FileNotFoundError:
        _fail(f"{site_dir} 旁边没有检索索引：请先运行 zwgk build --site-dir {site_dir}（或 zwgk index）。")
    except IndexDamaged as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"无法在 {host}:{port} 上提供服务（{error.strerror or error}）。")
    click.echo(f"网站：http://{host}:{server.server_address[1]}/  检索接口：/api/search?q=…")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


def main() -> None:
    cli()
