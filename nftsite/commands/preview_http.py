"""The HTTP side of `nftsite serve`: tornado's requests to the WSGI preview and back.

livereload's own WSGI container answers HEAD with a body (tornado then drops the connection
with a traceback), rewrites Content-Length to 0 for it, and injects its script into any body
that holds `</head>`, a calendar included. This one answers HEAD with the headers of the GET,
injects the script into HTML pages only, and reads nothing from the request that could raise.

tornado's and livereload's own log lines are English and mostly about each request: they are
shown with `-v` only (`route_server_log`). And nothing says the preview is up before its port
is held: the first build and the « Aperçu sur … » line run once the server listens.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado import httputil, web
from tornado.escape import url_unescape
from tornado.log import LogFormatter, access_log

HEAD_END = b"</head>"
LOGGED_TARGET_CHARS = 200
"""An over-long URL is cut in the terminal's request log."""

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PreviewContainer:
    """Runs the WSGI preview for each tornado request and writes its answer."""

    def __init__(self, app: WsgiApp, script: bytes) -> None:
        self.app = app
        self.script = script

    def __call__(self, request: httputil.HTTPServerRequest) -> None:
        answer: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            answer["status"], answer["headers"] = status, headers
            return lambda _: None

        body = b"".join(self.app(environ(request), start_response))
        code, _, reason = answer["status"].partition(" ")
        headers = httputil.HTTPHeaders()
        for name, value in answer["headers"]:
            if name.lower() != "content-length":
                headers.add(name, value)
        if "html" in headers.get("Content-Type", "") and HEAD_END in body:
            body = body.replace(HEAD_END, self.script + HEAD_END, 1)
        headers["Content-Length"] = str(len(body))  # what a GET gets, for a HEAD too
        assert request.connection is not None
        request.connection.write_headers(
            httputil.ResponseStartLine("HTTP/1.1", int(code), reason),
            headers,
            chunk=None if request.method == "HEAD" else body,
        )
        request.connection.finish()
        log_request(int(code), request)


def environ(request: httputil.HTTPServerRequest) -> dict[str, Any]:
    """The WSGI environment, built without parsing anything that could raise (tornado's own
    reads the port from the Host header with `int`)."""
    host, _, port = request.host.rpartition(":") if ":" in request.host else (request.host, "", "")
    result = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": url_unescape(request.path, encoding=None, plus=False).decode("latin-1"),
        "QUERY_STRING": request.query,
        "REMOTE_ADDR": request.remote_ip,
        "SERVER_NAME": host,
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": request.version,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": request.protocol,
        "wsgi.input": BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.get_all():
        result["HTTP_" + name.replace("-", "_").upper()] = value
    return result


def log_request(code: int, request: httputil.HTTPServerRequest) -> None:
    """Failed requests in the terminal, as livereload does, with a long URL cut short."""
    if code < 400:
        return
    target = request.uri or ""
    if len(target) > LOGGED_TARGET_CHARS:
        target = target[:LOGGED_TARGET_CHARS] + f"… ({len(target)} caractères)"
    access_log.warning("%d %s %s", code, request.method, target)


SERVER_LOGGERS = ("tornado", "livereload")


class DefectLog(logging.Handler):
    """Without `-v`: an exception the server itself did not catch (tornado logs it with its
    traceback) is a defect, handed to `on_defect`; every other line of the server is dropped."""

    def __init__(self, on_defect: Callable[[str], None]) -> None:
        super().__init__(logging.ERROR)
        self.on_defect = on_defect
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "tornado.application" and record.levelno >= logging.ERROR:
            self.on_defect(self.format(record))


class HeldLog(logging.StreamHandler):  # type: ignore[type-arg]
    """With `-v`: the server's lines on the terminal, but only once it listens. livereload
    logs « Serving on … » before it tries the port: on a busy port, that line never shows."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(LogFormatter())
        self.held: list[logging.LogRecord] | None = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.held is None:
            super().emit(record)
        else:
            self.held.append(record)

    def show(self) -> None:
        """Print what was held, and every later line as it comes."""
        held, self.held = self.held or [], None
        for record in held:
            super().emit(record)


def route_server_log(verbose: bool, on_defect: Callable[[str], None]) -> Callable[[], None]:
    """Where tornado's and livereload's log lines go: the terminal with `-v`, else nowhere
    (defects aside). Replaces whatever handlers they had, so nothing is printed twice. Returns
    what to call once the server listens."""
    handler: logging.Handler
    if verbose:
        handler = held = HeldLog()
        release = held.show
    else:
        handler = DefectLog(on_defect)
        release = lambda: None  # noqa: E731
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO if verbose else logging.ERROR)
    return release


class NoPolling:
    """Stands in for livereload's watcher, which would walk the folders every 800 ms (and
    the working directory, given nothing to watch): `live/watch.py` watches, and
    `reload_browsers` tells the pages to reload once the preview is rebuilt."""

    def __init__(self) -> None:
        self._tasks = {"nftsite": "watched by nftsite.live.watch"}  # not empty: no default
        self._changes: list[tuple[str, float]] = []
        self.filepath = None

    def watch(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("the preview's files are watched by nftsite.live.watch")

    def start(self, callback: Callable[[], None]) -> bool:
        return True  # « started »: livereload then sets no polling timer

    def examine(self) -> tuple[None, None]:
        return None, None


def reload_browsers() -> None:
    """Tell every open preview page to reload (livereload's protocol), at once: livereload
    would skip a reload that comes within 3 s of the last."""
    LiveReloadHandler.reload_waiters(path="*")


class PreviewServer(Server):  # type: ignore[misc]  # livereload has no type hints
    """livereload's server, serving the preview through `PreviewContainer`; `on_listening`
    runs once the port is held, before the first request is answered."""

    def __init__(self, app: WsgiApp, on_listening: Callable[[], None]) -> None:
        super().__init__(app=app, watcher=NoPolling())
        self.on_listening = on_listening

    def application(self, *args: Any, **kwargs: Any) -> None:
        """livereload's: listen (a busy port raises OSError here), then `on_listening`."""
        super().application(*args, **kwargs)
        self.on_listening()

    def _setup_logging(self) -> None:
        """livereload would add its own English handlers here: `route_server_log` decides."""

    def get_web_handlers(self, script: bytes) -> list[tuple[str, type, dict[str, Any]]]:
        fallback = PreviewContainer(self.app, script)
        return [(r".*", web.FallbackHandler, {"fallback": fallback})]
