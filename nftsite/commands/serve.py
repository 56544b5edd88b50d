"""`nftsite serve`: the comms team's live preview, with drafts, feeds and a French error page.

The preview is built into its own folder (`.cache/preview/`), never into `output/`, so the
drafts it shows can never be published by mistake. While the content has an error, every
page answers 500 with the problems — the same text as in the terminal — and the browser
reloads by itself once the file is fixed. Nothing a content file does can stop the server:
when a rebuild crashes (a defect, not a content mistake), every page answers 500 with a short
French page naming the log that holds the traceback, never the previous version with a 200.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import html
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nftsite.commands.reports import as_text
from nftsite.commands.request_paths import Refusal, url_path
from nftsite.core.cache import Cache
from nftsite.core.content_types import CONTENT_TYPES, content_type
from nftsite.core.folders import CACHE_FOLDER
from nftsite.live.engine import LiveSite
from nftsite.output.folder import exclusive
from nftsite.pipeline import BuildOptions, BuildResult
from nftsite.render.html import make_environment

PREVIEW_FOLDER = CACHE_FOLDER / "preview"
PREVIEW_CACHE_FILE = CACHE_FOLDER / "preview.sqlite3"
CRASH_LOG_FILE = CACHE_FOLDER / "serve-crash.log"
"""The traceback of the last crash of the preview (overwritten by the next one)."""
DRAIN_SLICE = 0.01
"""Seconds of pending pages made at a time between two requests (`Preview.drain`)."""
FULL_COLLECTION_EVERY = 20
"""Rebuilds between two full garbage collections of a long-running preview."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class Preview:
    """The last build of the preview, and the WSGI app that serves it."""

    options: BuildOptions
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    quiet: bool = False
    """`-q`: say nothing of a successful rebuild."""
    verbose: bool = False
    """`-v`: say which way each rebuild went."""
    lazy: bool = False
    """Render the pages being viewed first, the others when asked for or in the background
    (`LiveSite.defer`; `serve` drains them between requests)."""
    result: BuildResult | None = field(default=None, init=False)
    live: LiveSite | None = field(default=None, init=False)
    """The site in memory: after the first build, an edit remakes only what read it."""
    rebuilds: int = field(default=0, init=False)
    crash_details: str | None = field(default=None, init=False)
    """Where the traceback of the last rebuild is, while that rebuild crashed; else None."""

    @property
    def folder(self) -> Path:
        return self.options.output_root

    def refresh(self, changed: Iterable[str] | None = None, render_all: bool = False) -> None:
        """What the file watcher calls with the paths it saw change (None: not known, look
        at everything): a rebuild that never raises. A crash is logged, and every page shows
        the crash page until a rebuild succeeds."""
        try:
            self.rebuild(changed, render_all)
        except Exception as error:
            self.crash_details = record_crash(self.options.root, traceback.format_exc())
            self.result = None
            if self.live is not None:  # it may hold half a build: start again from disk
                with contextlib.suppress(sqlite3.Error):
                    self.live.cache.close()
            self.live = None
            print(
                f"nftsite : erreur inattendue ({type(error).__name__}) pendant la construction "
                "de l'aperçu — c'est un défaut de nftsite ; le détail est dans "
                f"{self.crash_details}. La page d'erreur s'affiche.",
                file=sys.stderr,
                flush=True,
            )

    def drain(self, seconds: float = DRAIN_SLICE) -> bool:
        """Make pending pages for about `seconds`; True while some remain. A page that fails
        to render brings a rebuild that renders every page, so its mistake is reported."""
        live = self.live
        if live is None or not live.pending or self.crash_details is not None:
            return False
        try:
            with exclusive(self.folder):
                made = live.drain(seconds)
        except Exception:
            self.refresh(None)
            return False
        if not made:
            self.refresh(None, render_all=True)
            return False
        return bool(live.pending)

    def rebuild(
        self, changed: Iterable[str] | None = None, render_all: bool = False
    ) -> BuildResult:
        """Bring the preview up to date, "now" moved on; never raises for a content or
        template mistake (an unexpected exception propagates: `refresh` is the watcher's
        safe entry). The first rebuild, and any whose changes are not known, look at every
        file."""
        started = time.perf_counter()
        if self.live is None:
            # Its own store: the preview includes drafts, the published build does not.
            cache = Cache(self.options.root / PREVIEW_CACHE_FILE)
            environment = make_environment(self.options.templates_root)
            self.live = LiveSite(self.options, cache, environment, defer=self.lazy)
            changed = None
        gc.disable()  # see cli.run_build; the kept results are then frozen out of its scans
        try:
            with exclusive(self.folder):
                result = self.live.rebuild(self.clock(), changed, render_all)
        finally:
            gc.enable()
        self.rebuilds += 1
        if self.rebuilds % FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        self.result, self.crash_details = result, None
        elapsed = (time.perf_counter() - started) * 1000
        way = f" [{self.live.way}]" if self.verbose else ""
        if result.problems.has_errors():
            print(as_text(result.problems), file=sys.stderr, end="")
            print(
                f"Erreurs dans le contenu : la page d'erreur s'affiche ({elapsed:.0f} ms){way}.",
                file=sys.stderr,
                flush=True,
            )
        elif not self.quiet:
            written = result.written.written if result.written else 0
            print(
                f"Aperçu à jour : {written} fichier(s) réécrit(s) en {elapsed:.0f} ms{way}.",
                file=sys.stderr,
                flush=True,
            )
        return result

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """The WSGI app. An unexpected error while answering is logged and gets the crash page:
        the server's own traceback never reaches the terminal."""
        try:
            return self.answer(environ, start_response)
        except Exception as error:
            where = record_crash(self.options.root, traceback.format_exc())
            print(
                f"nftsite : erreur inattendue ({type(error).__name__}) en répondant à une "
                f"requête — c'est un défaut de nftsite ; le détail est dans {where}.",
                file=sys.stderr,
                flush=True,
            )
            return self.respond(
                start_response,
                "500 Internal Server Error",
                crash_page(where, during="en répondant à cette adresse"),
                CONTENT_TYPES[".html"],
            )

    def answer(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if self.crash_details is not None:
            return self.respond(
                start_response,
                "500 Internal Server Error",
                crash_page(self.crash_details),
                CONTENT_TYPES[".html"],
            )
        if self.result is not None and self.result.problems.has_errors():
            return self.respond(
                start_response,
                "500 Internal Server Error",
                error_page(self.result),
                CONTENT_TYPES[".html"],
            )
        path = url_path(environ.get("PATH_INFO") or "/")
        if isinstance(path, Refusal):
            return self.respond(
                start_response, path.status, refusal_page(path), CONTENT_TYPES[".html"]
            )
        self.make_pending(path)
        target = self.resolve(path)
        if target is None:
            if not path.endswith("/") and self.resolve(path + "/") is not None:
                return self.redirect(start_response, path, environ.get("QUERY_STRING", ""))
            page = self.folder / "404.html"
            body = page.read_bytes() if page.is_file() else b"Page introuvable"
            return self.respond(start_response, "404 Not Found", body, CONTENT_TYPES[".html"])
        return self.respond(start_response, "200 OK", target.read_bytes(), content_type(target))

    def make_pending(self, url_path: str) -> None:
        """A page asked for before its turn (`lazy`) is made now, and so is the 404 page; the
        pages asked for are made first at the next rebuild. A page that fails to render
        brings a rebuild that renders them all, so the mistake is shown."""
        live = self.live
        if live is None:
            return
        relative = url_path.lstrip("/")
        wanted = [relative + "index.html" if relative.endswith("/") or not relative else relative]
        if not relative.endswith("/") and relative:
            wanted.append(relative + "/index.html")
        wanted.append("404.html")
        live.viewed.append(wanted[0])
        for path in wanted:
            if path in live.pending:
                with exclusive(self.folder):
                    made = live.ensure(path)
                if not made:
                    self.refresh(None, render_all=True)
                    return

    def resolve(self, url_path: str) -> Path | None:
        """The preview file for a URL path; None when there is none (or it leaves the folder)."""
        relative = url_path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        try:
            root = self.folder.resolve()
            candidate = (root / relative).resolve()
            if not candidate.is_relative_to(root) or not candidate.is_file():
                return None
        except (OSError, ValueError, RuntimeError):  # what the file system cannot name
            return None
        return candidate

    def redirect(self, start_response: StartResponse, path: str, query: str) -> list[bytes]:
        """A folder asked without its final slash. The location is rebuilt from its names:
        `//agenda` must not send the browser to `//agenda/`, which is another host."""
        names = [name for name in path.split("/") if name]
        location = quote("/" + "/".join(names) + "/") + (f"?{query}" if query else "")
        start_response(
            "301 Moved Permanently",
            [("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store")],
        )
        return [b""]

    @staticmethod
    def respond(start_response: StartResponse, status: str, body: bytes, kind: str) -> list[bytes]:
        start_response(
            status,
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def error_page(result: BuildResult) -> bytes:
    """The problems as a French page: each one with its file, line, field, source and hint."""
    items = []
    for problem in result.problems.sorted():
        kind = "Erreur" if problem.is_error else "Avertissement"
        items.append(
            f'<li class="{kind.lower()}"><p><strong>{kind}</strong> — '
            f"<code>{html.escape(problem.headline())}</code></p>"
            + (f"<pre>{html.escape(problem.source_line)}</pre>" if problem.source_line else "")
            + (f"<p>Aide : {html.escape(problem.hint)}</p>" if problem.hint else "")
            + "</li>"
        )
    terminal = html.escape(as_text(result.problems))
    errors = len(result.problems.errors)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Erreur dans le contenu — aperçu</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  color: #1a1a2e; line-height: 1.5; }}
h1 {{ color: #a1001c; }} li {{ margin-bottom: 1.25rem; }}
pre, code {{ background: #f3f5fa; padding: 0.2rem 0.4rem; overflow-x: auto; }}
.avertissement strong {{ color: #7a4b00; }} .erreur strong {{ color: #a1001c; }}
</style>
</head>
<body>
<main>
<h1>Le site ne peut pas être construit : {errors} erreur(s)</h1>
<p>Corrigez le fichier indiqué et enregistrez : cette page se rechargera d'elle-même.
Le site en ligne n'est pas touché.</p>
<ol>{"".join(items)}</ol>
<details><summary>Le même texte que dans le terminal</summary><pre>{terminal}</pre></details>
</main>
</body>
</html>
""".encode()


def small_page(title: str, *paragraphs: str) -> bytes:
    """A plain French page of the preview itself (crash, refused address)."""
    text = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — aperçu</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  color: #1a1a2e; line-height: 1.5; }}
h1 {{ color: #a1001c; }} code {{ background: #f3f5fa; padding: 0.2rem 0.4rem; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
{text}</main>
</body>
</html>
""".encode()


def crash_page(details: str, during: str = "pendant la construction de l'aperçu") -> bytes:
    """The page of every URL after a crashed rebuild: no stale page, and where to look."""
    return small_page(
        "Erreur inattendue",
        f"Erreur inattendue {during} : le détail est dans <code>{html.escape(details)}</code>.",
        "Ce n'est pas un message prévu mais un défaut de nftsite : transmettez ce fichier à "
        "l'équipe technique. Annuler votre dernière modification rétablit souvent l'aperçu ; "
        "cette page se recharge d'elle-même à la prochaine modification.",
    )


def refusal_page(refusal: Refusal) -> bytes:
    return small_page(
        "Adresse refusée",
        f"Adresse refusée : {html.escape(refusal.reason)}.",
        "Vérifiez l'adresse dans la barre du navigateur, ou revenez à <a href=\"/\">l'accueil</a>.",
    )


def record_crash(root: Path, details: str) -> str:
    """Write a traceback to the crash log; the path to show, or « le terminal » when the log
    cannot be written (the traceback is then printed there)."""
    log = root / CRASH_LOG_FILE
    stamp = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"nftsite serve, {stamp}\n\n{details}", encoding="utf-8")
    except OSError:
        print(details, file=sys.stderr, end="")
        return "le terminal"
    try:
        return log.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return log.as_posix()


def serve(
    root: Path,
    host: str,
    port: int,
    now: datetime | None = None,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Hold the port, build the preview, serve it with live reload, rebuild on every change.
    A busy port is said before anything else; Ctrl-C stops."""
    from tornado.ioloop import IOLoop  # tornado and the watcher: only when serving

    from nftsite.commands.preview_http import PreviewServer, reload_browsers, route_server_log
    from nftsite.live.watch import FileWatcher

    options = BuildOptions(
        root=root,
        now=now or datetime.now(UTC),
        output=root / PREVIEW_FOLDER,
        drafts=True,
        search_index=False,  # Pagefind runs in `build` only: /recherche/ says so in the preview
    )
    preview = Preview(
        options,
        clock=(lambda: now) if now else (lambda: datetime.now(UTC)),
        quiet=quiet,
        verbose=verbose,
        lazy=True,
    )
    watchers: list[FileWatcher] = []
    draining: list[bool] = []

    def drain_some() -> None:  # a few pending pages, then the loop answers requests again
        if preview.drain():
            IOLoop.current().add_callback(drain_some)
        else:
            draining.clear()

    def start_draining() -> None:
        if not draining and preview.live is not None and preview.live.pending:
            draining.append(True)
            IOLoop.current().add_callback(drain_some)

    def start() -> None:  # the port is ours: build, watch, then say where to look
        release_log()
        preview.refresh()
        loop = IOLoop.current()

        def changed(paths: set[str]) -> None:  # in the watcher's thread: hand over
            loop.add_callback(rebuild_and_reload, paths)

        watchers.append(FileWatcher(root, changed))
        watchers[0].start()
        start_draining()
        if not quiet:
            print(
                f"Aperçu sur http://{host}:{port}/ — Ctrl-C pour arrêter.",
                file=sys.stderr,
                flush=True,
            )

    def rebuild_and_reload(paths: set[str]) -> None:  # in the server's loop: no request waits
        preview.refresh(paths)
        reload_browsers()
        start_draining()

    release_log = route_server_log(verbose, partial(report_server_defect, root))
    server = PreviewServer(app=preview, on_listening=start)
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(
                f"nftsite : le port {port} est déjà utilisé (un autre aperçu tourne-t-il ?). "
                f"Essayez : nftsite serve --port {port + 1}",
                file=sys.stderr,
            )
            return 2
        raise
    finally:
        for watcher in watchers:
            watcher.stop()
    if not quiet:
        print("Aperçu arrêté.", file=sys.stderr)
    return 0


def report_server_defect(root: Path, details: str) -> None:
    """An exception the web server did not catch: logged like a crashed rebuild, said in French."""
    where = record_crash(root, details)
    print(
        "nftsite : erreur inattendue du serveur de l'aperçu — c'est un défaut de nftsite ; "
        f"le détail est dans {where}.",
        file=sys.stderr,
        flush=True,
    )
