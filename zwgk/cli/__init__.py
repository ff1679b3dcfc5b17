"""The `zwgk` command line: the click group, and one module per group of commands (`check.py`,
`site.py`, `contrib.py`), one small function per command."""

from __future__ import annotations

import click

from zwgk.cli import check, contrib, site
from zwgk.search.command import search_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zwgk")
def cli() -> None:
    """zwgk：政务公开目录生成器（权责清单与政府信息公开目录）。"""


for _command in (
    check.check,
    check.rule_command,
    check.rules_command,
    check.rules_doc,
    check.schemas_command,
    site.build,
    search_command,
    site.index_command,
    contrib.export_group,
    contrib.diff_command,
    contrib.codeowners_command,
    contrib.new_group,
    contrib.import_group,
    site.serve_command,
):
    cli.add_command(_command)


def main() -> None:
    cli()
