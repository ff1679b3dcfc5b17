"""`zwgk serve`: the built site as static files, plus GET /api/search (JSON) over the Whoosh index,
for deployments that run a server. Parameters: q, limit, offset, sort (relevance or date), kind,
dept, region, type, topic, genre, year, mode, validity. Bad or hostile query strings get a clear 400, never a 500."""

from __future__ import annotations

import functools
import json
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from zwgk.search.index import index_dir
from zwgk.search.query import QueryError, Searcher
from zwgk.search.schema import FILTERS

MAX_LIMIT = 50
MAX_OFFSET = 1000


class _Handler(SimpleHTTPRequestHandler):
    searcher: Searcher

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        if parsed.path.rstrip("/") != "/api/search":
            return super().do_GET()
        try:
            params = parse_qs(parsed.query, strict_parsing=False, max_num_fields=20)
            query = params.get("q", [""])[0]
            limit = int(params.get("limit", ["10"])[0])
            if not 1 <= limit <= MAX_LIMIT:
                raise QueryError(f"limit 应为 1 到 {MAX_LIMIT} 之间的整数。")
            offset = int(params.get("offset", ["0"])[0])
            if not 0 <= offset <= MAX_OFFSET:
                raise QueryError(f"offset 应为 0 到 {MAX_OFFSET} 之间的整数。")
            sort = params.get("sort", ["relevance"])[0]
            filters = {name: params.get("dept" if name == "department" else name, [None])[0] for name in FILTERS}
            # The Searcher serialises its threads.
            page = self.searcher.find(query, limit=limit, offset=offset, sort=sort, **filters)
        except (QueryError, ValueError) as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        self._json(HTTPStatus.OK, {"total": page.total, "offset": offset, "results": [hit.as_json() for hit in page.hits]})

    def _json(self, status: HTTPStatus, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        return


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"searcher": Searcher(index_dir(site_dir))})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))
