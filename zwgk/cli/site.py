"""The site and its search index: `zwgk build`, `zwgk index`, `zwgk serve`."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import click

from zwgk.catalog.findings import format_text, log_safe_lines
from zwgk.catalog.loader import CatalogError
from zwgk.cli.common import fail
from zwgk.rules.run import check as check_catalog


@click.command()
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
            fail(f"{catalog_dir} 中没有 scheme.yml，这不是一个目录文件夹。")
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


@click.command("index")
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
        fail(str(error))
    if result.errors:
        click.echo(format_text([f for f in result.findings if f.is_error], result.summary), nl=False, err=True)
        raise SystemExit(1)
    data = site_data(result)
    checked = time.perf_counter()
    try:
        stats = write_index(index_dir(site_dir.resolve()), data)
    except SearchIndexError as error:
        fail(str(error))
    click.echo(
        f"检索索引共 {stats.documents} 条记录：更新 {stats.added} 条，删除 {stats.removed} 条"
        f"（检查目录 {checked - started:.1f} 秒，更新并核对索引 {time.perf_counter() - checked:.1f} 秒）。"
    )


@click.command("serve")
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
        fail(f"{site_dir} 旁边没有检索索引：请先运行 zwgk build --site-dir {site_dir}（或 zwgk index）。")
    except IndexDamaged as error:
        fail(str(error))
    except OSError as error:
        fail(f"无法在 {host}:{port} 上提供服务（{error.strerror or error}）。")
    click.echo(f"网站：http://{host}:{server.server_address[1]}/  检索接口：/api/search?q=…")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()
