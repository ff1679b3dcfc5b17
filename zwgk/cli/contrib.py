"""What contributors and other systems run besides the check: `zwgk diff`, `new`, `codeowners`, `import`, `export`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.loader import CatalogError
from zwgk.cli.common import fail, text_arguments
from zwgk.rules.run import check as check_catalog


@click.command("diff")
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
        fail(str(error))
    click.echo(format_markdown(result) if output_format == "markdown" else format_text(result), nl=False)
    if result.errors:
        raise SystemExit(1)


@click.command("codeowners")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="只检查提交的文件是否最新，不写文件；不是最新时退出码为 1。")
def codeowners_command(catalog_dir: Path, check_only: bool) -> None:
    """根据各部门 department.yml 中的 maintainers 生成 .github/CODEOWNERS（写在目录文件夹所在的仓库中）。"""
    from zwgk.catalog import codeowners
    from zwgk.catalog.loader import load_catalog

    try:
        catalog = load_catalog(catalog_dir)
    except CatalogError as error:
        fail(str(error))
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


@click.group("new")
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

    text_arguments(dept=dept_id, type=power_type, name=name)
    try:
        path = write_item(catalog_dir, dept_id, power_type, name)
    except (NewError, CatalogError) as error:
        fail(str(error))
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

    text_arguments(dept=dept_id, title=title, mode=mode, doc_number=doc_number)
    try:
        path, index = write_entry(catalog_dir, dept_id, date.date(), title, mode, doc_number)
    except (NewError, CatalogError) as error:
        fail(str(error))
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


@click.group("import")
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


@click.group("export")
def export_group() -> None:
    """导出目录：各部门的 Excel 工作簿，或供其他系统使用的文件。"""


@export_group.command("bulk")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("exports"), show_default=True)
@click.option("--site-url", default="", help="网站地址（记录中 url 的前缀），如 https://zwgk.example.gov.cn/。")
def export_bulk(catalog_dir: Path, output_dir: Path, site_url: str) -> None:
    """写出全国检索引擎批量导入文件 bulk.ndjson（Elasticsearch/OpenSearch _bulk 格式）和索引映射 bulk-mapping.json。

    每个权力事项（以实施编码为 _id）和每条目录条目（以索引号为 _id）一条：有效的记录写入（index），
    已取消、已合并的事项和失效、废止的条目写删除（delete）。目录有错误时不写文件，退出码为 1。"""
    from zwgk.site import bulk
    from zwgk.site.data import site_data

    try:
        result = check_catalog(catalog_dir, cache_dir=default_cache_dir())
    except CatalogError as error:
        fail(f"无法读取目录：{error}")
    if result.errors:
        fail(f"目录有 {result.errors} 个错误，未导出：请先运行 zwgk check 并修正。")
    site = site_data(result, site_url=site_url)
    output_dir.mkdir(parents=True, exist_ok=True)
    lines = 0
    with (output_dir / "bulk.ndjson").open("w", encoding="utf-8", newline="\n") as out:
        for line in bulk.bulk_lines(site):
            out.write(line)
            lines += 1
    mapping = json.dumps(bulk.mapping(), ensure_ascii=False, indent=2) + "\n"
    (output_dir / "bulk-mapping.json").write_text(mapping, encoding="utf-8")
    click.echo(f"已写出 {output_dir / 'bulk.ndjson'}（{lines} 行）和 {output_dir / 'bulk-mapping.json'}。")


@export_group.command("xlsx")
@click.argument("catalog_dir", default="catalog", type=click.Path(path_type=Path))
@click.option(
    "--output", required=True, type=click.Path(path_type=Path, file_okay=False), help="写入这个文件夹：每个部门一个 <部门文件夹名>.xlsx。"
)
@click.option("--dept", "dept_id", help="只导出这个部门。")
def export_xlsx(catalog_dir: Path, output: Path, dept_id: str | None) -> None:
    """每个部门一个 Excel 工作簿：“权责清单”（主项单元格合并在子项之上）和“政府信息公开目录”两个工作表，可用 zwgk import 导回；有年度报告时每年一个“某年年度报告”工作表（30号文格式，导入时不读取）。"""
    from zwgk.catalog.loader import load_catalog
    from zwgk.monitoring.annual_xlsx import sheets_by_department
    from zwgk.site.xlsx_export import write_workbooks

    try:
        catalog = load_catalog(catalog_dir, cache_dir=default_cache_dir())
    except CatalogError as error:
        fail(str(error))
    if dept_id is not None and dept_id not in catalog.departments:
        raise click.UsageError(f"没有部门“{dept_id}”：--dept 应为 {catalog_dir}/departments/ 下的部门文件夹名之一。")
    if catalog.scheme is None:
        fail(f"{catalog_dir}/scheme.yml 无法读取：请先按 zwgk check 的提示修正它。")
    paths = write_workbooks(catalog, output, [dept_id] if dept_id else None, sheets_by_department(catalog.annual))
    click.echo(f"已写入 {len(paths)} 个工作簿到 {output}。")
