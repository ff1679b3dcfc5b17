"""MkDocs hooks: thin glue. All logic lives in the zwgk package (zwgk.site)."""

from mkdocs.plugins import get_plugin_logger

from zwgk import site

log = get_plugin_logger("zwgk")


def on_pre_build(config):
    site.check_for_build(config, log)
