"""What the MkDocs build does with the catalogue; the hooks in hooks/ only call into here."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from .check import CheckResult, check
from .loader import CatalogError, default_cache_dir


def catalog_dir(config) -> Path:
    """The catalogue to build: $ZWGK_CATALOG, else `extra.zwgk.catalog` in mkdocs.yml (default ./catalog)."""
    configured = os.environ.get("ZWGK_CATALOG") or (config.get("extra") or {}).get("zwgk", {}).get("catalog", "catalog")
    return (Path(config.config_file_path).parent / configured).resolve()


def check_for_build(config, log: logging.Logger) -> CheckResult:
    """Check the catalogue as `zwgk check` does. Errors fail the build with the same findings;
    warnings are printed (at info level, so that `--strict` does not turn them into failures)."""
    root = catalog_dir(config)
    try:
        result = check(root, cache_dir=default_cache_dir())
    except CatalogError as error:
        raise PluginError(f"无法读取目录：{error}") from None
    for finding in result.findings:
        if not finding.is_error:
            log.info(finding.text())
    if result.errors:
        lines = [finding.text() for finding in result.findings if finding.is_error]
        raise PluginError("目录检查发现错误，网站未生成：\n" + "\n".join(lines) + "\n" + result.summary.text())
    log.info(result.summary.text())
    return result
