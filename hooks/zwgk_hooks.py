"""MkDocs hooks: thin glue. All logic lives in the zwgk package (zwgk.site); no state is kept here."""

from mkdocs.plugins import get_plugin_logger

from zwgk import site

log = get_plugin_logger("zwgk")


def on_pre_build(config):
    site.prepare(config, log)


def on_files(files, config):
    return site.add_pages(files, config)


def on_page_content(html, page, config, files):
    return site.restore_blocks(html, page, config)


def on_serve(server, config, builder):
    site.watch(server, config)
    return server


def on_post_build(config):
    site.finish(config, log)
