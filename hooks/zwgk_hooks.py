"""MkDocs hooks: thin glue. All logic lives in the zwgk package (zwgk.build); the only state kept here
is which MkDocs command runs (serve previews skip the Whoosh index, which only `zwgk search` reads)."""

from mkdocs.plugins import get_plugin_logger

from zwgk import build
from zwgk.site import contributing, minify

log = get_plugin_logger("zwgk")


_command = {"name": "build"}


def on_startup(command, dirty):
    _command["name"] = command


def on_pre_build(config):
    build.prepare(config, log, search_index=_command["name"] != "serve")
    build.keep_site(config)


def on_files(files, config):
    return contributing.add_files(build.add_pages(files, config), config)


def on_env(env, config, files):
    build.cache_nav(env)
    return env


def on_page_markdown(markdown, page, config, files):
    return build.plain_markdown(contributing.page_markdown(markdown, page, config), page, config)


def on_page_content(html, page, config, files):
    return build.restore_blocks(html, page, config)


def on_post_page(output, page, config):
    return build.write_blocks(minify.compact(output), page, config)


def on_serve(server, config, builder):
    build.watch(server, config)
    return server


def on_post_build(config):
    build.finish(config, log)


def on_build_error(error):
    build.release_all_locks()
