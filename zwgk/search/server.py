"""`zwgk serve`: the built site as static files, plus GET /api/search (JSON) over the Whoosh index,
for deployments that run a server. Parameters: q, limit, offset, sort (relevance or date), kind,
dept, region, type, topic, genre, year, mode, validity. Bad or hostile requests get a clear 400 in Chinese, never a 500 or a traceback; idle
clients are disconnected after a read timeout."""

from __future__ import annotations

import functools
import html
import json
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from zwgk.search.index import index_dir
from zwgk.search.query import IndexDamaged, QueryError, Searcher
from zwgk.search.schema import FILTERS

MAX_LIMIT = 50
MAX_OFFSET = 1000
MAX_FIELDS = 20
READ_TIMEOUT = 15.0  # seconds a client may stay silent before it is disconnected

# What a reader sees for each error status (the standard library's own texts are English and can
# carry the request back, or Python's exception text).
MESSAGES = {
    HTTPStatus.BAD_REQUEST: "请求无效。",
    HTTPStatus.NOT_FOUND: "找不到这个页面。",
    HTTPStatus.METHOD_NOT_ALLOWED: "不支持这种请求方法。",
    HTTPStatus.REQUEST_TIMEOUT: "请求超时。",
    HTTPStatus.REQUEST_URI_TOO_LONG: "网址过长。",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "请求头过大。",
    HTTPStatus.INTERNAL_SERVER_ERROR: "服务器内部错误。",
    HTTPStatus.NOT_IMPLEMENTED: "不支持这种请求方法。",
    HTTPStatus.SERVICE_UNAVAILABLE: "检索暂时不可用。",
    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED: "不支持这个 HTTP 版本。",
}


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


class _Handler(SimpleHTTPRequestHandler):
    searcher: Searcher
    timeout = READ_TIMEOUT  # StreamRequestHandler sets it on the socket: reads time out

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every error in Chinese; the standard library's English message and explanation are dropped."""
        status = HTTPStatus(code)
        text = MESSAGES.get(status, "请求无法完成。")
        if urlparse(getattr(self, "path", "") or "").path.startswith("/api/"):
            self._json(status, {"error": text})
            return
        body = f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{code}</title><p>{html.escape(text)}</p></html>'
        self.close_connection = True
        self._send(status, "text/html; charset=utf-8", body.encode())

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        if parsed.path.rstrip("/") != "/api/search":
            return self._static(super().do_GET)
        try:
            params = parse_qs(parsed.query, strict_parsing=False, max_num_fields=MAX_FIELDS)
        except ValueError:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"查询参数过多（最多 {MAX_FIELDS} 个）。"})
        try:
            query = params.get("q", [""])[0]
            limit_text = params.get("limit", ["10"])[0]
            limit = int(limit_text) if limit_text.isascii() and limit_text.isdigit() else 0
            if not 1 <= limit <= MAX_LIMIT:
                raise QueryError(f"limit 应为 1 到 {MAX_LIMIT} 之间的整数。")
            offset_text = params.get("offset", ["0"])[0]
            offset = int(offset_text) if offset_text.isascii() and offset_text.isdigit() else -1
            if not 0 <= offset <= MAX_OFFSET:
                raise QueryError(f"offset 应为 0 到 {MAX_OFFSET} 之间的整数。")
            sort = params.get("sort", ["relevance"])[0]
            filters = {name: params.get("dept" if name == "department" else name, [None])[0] for name in FILTERS}
            # The Searcher serialises its threads.
            page = self.searcher.find(query, limit=limit, offset=offset, sort=sort, **filters)
        except QueryError as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        except IndexDamaged as error:
            return self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(error)})
        self._json(HTTPStatus.OK, {"total": page.total, "offset": offset, "results": [hit.as_json() for hit in page.hits]})

    def do_HEAD(self) -> None:
        self._static(super().do_HEAD)

    def _static(self, serve) -> None:
        """A file of the site; a path the file system cannot take (a NUL, control characters) is a 400."""
        if _has_control(unquote(urlparse(self.path).path)):
            return self.send_error(HTTPStatus.BAD_REQUEST)
        try:
            serve()
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST)

    def _json(self, status: HTTPStatus, payload: dict) -> None:
        self._send(status, "application/json; charset=utf-8", json.dumps(payload, ensure_ascii=False).encode())

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up or times out is no error; anything else is one line, never a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        print(f"zwgk serve：处理 {client_address[0]} 的请求时出错（{type(error).__name__}）。", file=sys.stderr)


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, timeout: float = READ_TIMEOUT) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"searcher": Searcher(index_dir(site_dir)), "timeout": timeout})
    return _Server((host, port), functools.partial(handler, directory=str(site_dir)))
