"""No injection through bodies and media: what HTML a body may hold, the page's
Content-Security-Policy, scripts in SVG and HTML media, and bodies too deep to convert.

A refused body is a positioned French error (never a silent change), the build exits 1 and
output/ is left as it was. What is published is judged with html5lib, and in Chromium:
no page of the site breaks its own policy, and no payload ever runs.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import icalendar
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nftsite.content.sanitize import TAGS
from nftsite.core import parallel
from nftsite.render.markdown import MarkdownRenderer

from .conftest import REPO, ContentEntry, InlineSite, served
from .test_authoring import fetch, preview  # noqa: F401  (the live preview fixture)
from .test_browser import DevTools, find_chromium
from .test_errors import EVENT, PLACE, assert_reported, break_and_build, headlines

HEADER = "---\ntitle: Essai\nstart: 2015-10-01\n---\n"
"""An event's front matter: its body starts on line 5."""
BODY_LINE = 5
FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "object", "embed", "form", "input"}
FORBIDDEN_TAGS |= {"base", "meta", "link", "svg", "math", "main", "body", "html", "h1"}


@pytest.fixture
def built(make_site) -> InlineSite:
    """A valid site, built once: the output/ a refused body must leave untouched."""
    site = make_site({"places/seine-innopolis.md": PLACE, "events/2015/visite.md": EVENT})
    run = site.run()
    assert run.exit_code == 0, run.stderr
    return site


def event_with(body: str) -> str:
    return HEADER + body


def parse(path: Path) -> Element:
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def prose(page: Element) -> Element:
    """The body's container on an entry page."""
    found = [div for div in page.iter("div") if "prose" in (div.get("class") or "").split()]
    assert len(found) == 1, f"{len(found)} .prose blocks"
    return found[0]


def dangerous(root: Element) -> list[str]:
    """Everything in a parsed tree that could run a script or leave the page's structure."""
    found = []
    for element in root.iter():
        tag = str(element.tag).rpartition("}")[2]
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = str(name).rpartition("}")[2].lower()
            if name.startswith("on") or name == "style":
                found.append(f"{tag}[{name}]")
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in {"href", "src", "cite", "action", "formaction", "xlink:href"} and (
                squeezed.startswith(("javascript:", "data:", "vbscript:"))
            ):
                found.append(f"{tag}[{name}={value}]")
    return found


# --- DEF-13: HTML in bodies -------------------------------------------------------------------

PAYLOADS = [
    ("<script>alert(1)</script>", "balise <script> non permise", "<script"),
    ('<img src="/media/x.svg" onerror="alert(2)" alt="x">', "« onerror » non permis", "onerror"),
    ('<a href="javascript:alert(3)">a</a>', "adresse « javascript:alert(3) » non permise", "href"),
    ("[x](javascript:alert(4))", "adresse « javascript:alert(4) » non permise", "javascript"),
    ('<iframe src="data:text/html,x"></iframe>', "balise <iframe> non permise", "<iframe"),
    ('<svg onload="alert(5)"></svg>', "balise <svg> non permise", "<svg"),
    ('<p style="background:url(javascript:alert(6))">p</p>', "« style » non permis", "style"),
    ("<style>body { color: red }</style>", "balise <style> non permise", "<style"),
    ('<form action="https://evil.example/"><input name="q"></form>', "balise <form>", "<form"),
    ('<form><input name="q"></form>', "balise <input> non permise", "<input"),
    (
        '<details ontoggle="alert(7)" open><summary>s</summary>d</details>',
        "« ontoggle »",
        "ontoggle",
    ),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "balise <meta>", "<meta"),
    ('<base href="https://evil.example/">', "balise <base> non permise", "<base"),
    ('Texte <span onmouseover="alert(8)">survol</span>.', "« onmouseover »", "onmouseover"),
    ('<a href=" &#106;avascript:alert(9)">b</a>', "adresse « javascript:alert(9) »", "href"),
    (
        '<img src="data:image/png;base64,AAAA" alt="d">',
        "adresse « data:image/png;base64,AAAA »",
        "src",
    ),
    ('<a href="vbscript:msgbox(1)">c</a>', "adresse « vbscript:msgbox(1) » non permise", "href"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "balise <link>", "<link"),
    ('<object data="x.swf"></object>', "balise <object> non permise", "<object"),
    ('<embed src="x.swf">', "balise <embed> non permise", "<embed"),
]


def test_def_13_each_forbidden_construct_is_an_error_on_its_line_and_column(built):
    body = "Introduction.\n\n" + "\n\n".join(payload for payload, _, _ in PAYLOADS) + "\n"
    run = break_and_build(built, {"events/x.md": event_with(body)})
    lines = (HEADER + body).split("\n")
    for payload, message, marker in PAYLOADS:
        line, column = lines.index(payload) + 1, payload.index(marker) + 1
        headline = assert_reported(run, "content/events/x.md", line, "texte", message)
        assert headline.startswith(f"content/events/x.md:{line}:{column}: texte: "), headline
    assert "aide : " in run.stderr


def test_def_13_a_hint_says_what_to_do_for_each_kind_of_refusal(built):
    body = (
        "<script>x()</script>\n\n<iframe></iframe>\n\n<form></form>\n\n<h1>Titre</h1>\n\n"
        '<span onclick="x()">s</span>\n'
    )
    run = break_and_build(built, {"events/x.md": event_with(body)})
    for hint in (
        "les pages n'exécutent aucun programme venu du texte",
        "pour une vidéo ou un document d'un autre site, mettez un lien",
        "pour une inscription, mettez un lien vers le formulaire",
        "le titre de la page est déjà le titre principal : écrivez ## pour un intertitre",
        "un attribut on… lance un programme",
    ):
        assert f"aide : {hint}" in run.stderr, hint


def test_def_13_raw_html_links_and_images_get_the_same_checks_as_markdown_ones(built):
    body = (
        "Du texte.\n\n"
        '<img src="https://tracker.example/p.gif" alt="t">\n\n'
        '<a href="/nulle-part/">cassé en HTML brut</a>\n\n'
        '<img src="media/absente.png" alt="absente">\n'
    )
    run = break_and_build(built, {"events/x.md": event_with(body)})
    path = "content/events/x.md"
    assert_reported(run, path, BODY_LINE + 2, "texte", "image sur un autre site")
    assert_reported(run, path, BODY_LINE + 4, "texte", "lien cassé : « /nulle-part/ »")
    assert_reported(run, path, BODY_LINE + 6, "texte", "image introuvable : « /media/absente.png »")


def test_def_13_closing_the_page_from_a_body_is_refused_and_never_published(built):
    """Case 66: `</main></body></html>` then `<div hidden>`."""
    body = "Texte </main></body></html>\n\n<div hidden>\n\nCaché ?\n"
    run = break_and_build(built, {"events/x.md": event_with(body)})
    path = "content/events/x.md"
    assert_reported(run, path, BODY_LINE, "texte", "balise </main> non permise")
    assert_reported(run, path, BODY_LINE, "texte", "balise </body> non permise")
    assert_reported(run, path, BODY_LINE + 2, "texte", "attribut « hidden » non permis sur <div>")


def test_def_13_sanitized_body_keeps_the_page_structure_whole():
    """What the renderer hands to the page, even for a refused body, cannot end <main>."""
    rendered = MarkdownRenderer().render("Texte </main></body></html>\n\n<div hidden>\n\nx\n")
    assert rendered.problems
    page = f"<!DOCTYPE html><html><body><main><div class=prose>{rendered.html}</div></main>"
    page += "<footer>pied</footer></body></html>"
    root = html5lib.parse(page, namespaceHTMLElements=False)
    main = root.find(".//main")
    assert main is not None and main.find(".//footer") is None
    assert root.find("./body/footer") is not None, "the footer left the body"
    assert not [e for e in root.iter() if e.get("hidden") is not None]


ALLOWED_BODY = """\
Le <abbr title="Centre d'innovation">CI</abbr> ouvre le 1<sup>er</sup> mars ; H<sub>2</sub>O.<br>
Appuyez sur <kbd>Ctrl</kbd> + <kbd>S</kbd>, c'est <mark>important</mark> et <em>utile</em>,
<span lang="en">for real</span>, <q cite="https://example.org/">citation</q>, <s>barré</s>.

<details>
<summary>Programme détaillé</summary>

Accueil à 9 h, <strong>ouverture</strong> à 9 h 30.
</details>

<figure>
<img src="media/lieux/seine-innopolis.svg" alt="Seine Innopolis" width="320" height="200">
<figcaption>Le bâtiment totem</figcaption>
</figure>

<table>
<caption>Horaires</caption>
<thead><tr><th scope="col">Heure</th><th scope="col">Séance</th></tr></thead>
<tbody><tr><td>9 h</td><td colspan="1">Accueil</td></tr></tbody>
</table>

| Gauche | Centre | Droite |
|:--|:-:|--:|
| a | b | c |

<dl><dt>Lieu</dt><dd>Seine Innopolis</dd></dl>

[Écrire](mailto:contact@normandyfrenchtech.fr), [appeler](tel:+33200000000),
[un site](https://www.example.org/), <a href="/lieux/seine-innopolis/" title="Le lieu">le lieu</a>.

<!-- Note pour l'équipe : à relire. -->
"""


def test_def_13_the_html_the_guide_allows_is_published_as_written(make_site):
    site: InlineSite = make_site(
        {
            "places/seine-innopolis.md": "---\nname: Seine Innopolis\nkind: totem\n"
            "address: 72 rue de la République\ncity: rouen\n---\nBâtiment.\n",
            "events/x.md": event_with(ALLOWED_BODY),
        }
    )
    svg = site.root / "content/media/lieux/seine-innopolis.svg"
    svg.parent.mkdir(parents=True)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert not headlines(run), run.stderr
    body = prose(parse(site.output / "agenda/x/index.html"))
    tags = {str(e.tag) for e in body.iter()}
    for tag in ("abbr", "sup", "sub", "br", "kbd", "mark", "span", "q", "s", "details"):
        assert tag in tags, tag
    for tag in ("summary", "figure", "figcaption", "img", "table", "caption", "dl", "dd"):
        assert tag in tags, tag
    # a title attribute is human text: French typography applies (render/typography.py)
    assert body.find(".//abbr").get("title") == "Centre d’innovation"
    assert body.find(".//span").get("lang") == "en"
    image = body.find(".//figure/img")
    assert image is not None
    assert (image.get("src"), image.get("width"), image.get("alt")) == (
        "/media/lieux/seine-innopolis.svg",
        "320",
        "Seine Innopolis",
    )
    aligned = [td.get("class") for td in body.iter("td") if td.get("class")]
    assert aligned == ["align-left", "align-center", "align-right"]
    hrefs = [a.get("href") for a in body.iter("a")]
    assert hrefs == [
        "mailto:contact@normandyfrenchtech.fr",
        "tel:+33200000000",
        "https://www.example.org/",
        "/lieux/seine-innopolis/",
    ]
    assert not dangerous(body)
    assert "Note pour l'équipe" not in (site.output / "agenda/x/index.html").read_text()


def test_def_13_the_guide_lists_exactly_the_html_a_body_may_hold():
    guide = (REPO / "docs/guide-contenu.md").read_text(encoding="utf-8")
    section = guide.split("### Le HTML permis dans le texte", 1)[1]
    allowed, refused = section.split("Ne sont **jamais** permis", 1)
    refused = refused.split("\n\n")[1]  # the bulleted list
    named = set(re.findall(r"`[^`]*?<([a-z][a-z0-9]*)", allowed))
    named |= {tag for tag in re.findall(r"`<([a-z0-9]+)>` à `<([a-z0-9]+)>`", allowed)[0]}
    named |= {f"h{n}" for n in range(2, 7)}
    assert named == set(TAGS), (sorted(named - TAGS), sorted(TAGS - named))
    assert not set(re.findall(r"`<([a-z][a-z0-9]*)", refused)) & TAGS


def test_def_13_html_blocks_read_as_separate_lines_in_the_calendar(built):
    body = "<details>\n<summary>Programme</summary>\n\nAccueil à 9 h.\n</details>\n"
    built.write({"events/x.md": event_with(body)})
    run = built.run()
    assert run.exit_code == 0, run.stderr
    calendar = icalendar.Calendar.from_ical((built.output / "agenda/x/x.ics").read_bytes())
    description = str(next(iter(calendar.walk("VEVENT")))["DESCRIPTION"])
    assert "Programme\n\nAccueil à 9 h." in description, description


def test_def_13_the_sample_site_bodies_hold_nothing_dangerous(sample_output: Path):
    bodies = [
        (page, block)
        for page in sorted(sample_output.rglob("*.html"))
        for block in parse(page).iter("div")
        if "prose" in (block.get("class") or "").split()
    ]
    assert len(bodies) > 20
    failures = [f"{p.relative_to(sample_output)}: {d}" for p, b in bodies for d in dangerous(b)]
    assert not failures, failures


# fmt: off
MARKUP_PIECES = [
    "<b>", "</b>", "<div>", "</div>", "<p>", "</p>", "<em>", "</em>", "<table>", "<tr>", "<td>",
    "</table>", "<details>", "<summary>", "</details>", "<span title='t'>", "</span>",
    "<a href='/x/'>", "<a href='javascript:x'>", "</a>", "<img src=x alt=y>", "<script>",
    "</script>", "<!--", "-->", "<![CDATA[", "]]>", "<![#", "<br>", "<br/>", "<pre>", "</pre>",
    "<h1>", "<sup>", "</sup>", " onclick=x ", "\n", "\n\n", "- ", "> ", "    ", "*", "`",
    "[l](/y/)", "<", ">", "&", "&amp;", "&#60;", '"', "'", "é", "\u00a0", "|", "x", "texte ",
    "<svg>", "<math>", "<style>", "<!DOCTYPE html>", "<?php ?>", "</main>",
    "<a href='media/z.svg'>", "<td class=align-left>", "<ol start=3>", "<li>", "&nbsp;",
    "<img src='media/q.png'>", "<img alt='a>b' src=\"/q?a=1&amp;b=2\">", "![i](media/r.png)",
    "[m](<media/s t.pdf>)", "<abbr title=\"a\u00a0b\">", "<a title='x\"y' href=/z/>",
    "<span title='<a href=/w/>'>",
]
# fmt: on
"""Bits of Markdown and HTML, the harmless and the hostile, joined at random."""
MARKUP = st.sampled_from(MARKUP_PIECES)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKUP, max_size=40).map("".join))
@example("<pre><![CDATA[<b>\n<b>")  # the line break after a comment in <pre> is kept
@example("<pre><!-- x -->\n<b>")
def test_def_13_any_body_is_either_refused_or_published_unchanged(text: str) -> None:
    """Judged by html5lib: when a body is accepted, the published HTML reads exactly as the
    HTML Markdown made of it; whatever the body, nothing dangerous is published."""
    renderer = MarkdownRenderer()
    rendered = renderer.render(text)
    assert not dangerous(in_page(rendered.html))
    if rendered.problems:
        for problem in rendered.problems:
            assert 1 <= problem.line <= text.count("\n") + 1, problem
        return
    made = renderer._markdown.reset().convert(text)  # what the author's text means
    assert fragment_tree(rendered.html) == fragment_tree(made)
    published = in_page(rendered.html)
    assert list(rendered.links) == [
        a.get("href") for a in published.iter("a") if a.get("href") is not None
    ]
    images = [
        (i.get("src"), i.get("alt") or "")
        for i in published.iter("img")
        if i.get("src") is not None
    ]
    assert list(rendered.images) == images


def media(address: str) -> str:
    return "/" + address if address.startswith("media/") else address


def fragment_tree(markup: str) -> list[Any]:
    """Elements, attributes and text as html5lib reads them, comments left out, `media/…`
    addresses written as the site's `/media/…` (in raw HTML as in Markdown)."""

    def walk(element: Element) -> list[Any]:
        items: list[Any] = []
        if element.text:
            items.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                attributes = sorted((str(k), media(v)) for k, v in child.attrib.items())
                items.append((child.tag, attributes, walk(child)))
            if child.tail:
                items.append(child.tail)
        merged: list[Any] = []
        for item in items:  # a removed comment joins the texts around it
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            else:
                merged.append(item)
        return merged

    return walk(in_page(markup))


def in_page(markup: str) -> Element:
    """The body as a browser reads it in its page: inside the .prose block of <main>."""
    page = f"<!DOCTYPE html><html><body><main><div id=body>{markup}</div></main></body></html>"
    found = html5lib.parse(page, namespaceHTMLElements=False).find(".//div[@id='body']")
    assert found is not None, "the body closed its own container"
    return found


# --- DEF-13: Content-Security-Policy ---------------------------------------------------------


def policy_of(root: Element) -> dict[str, list[str]]:
    metas = [
        m
        for m in root.iter("meta")
        if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1, f"{len(metas)} CSP <meta>"
    directives: dict[str, list[str]] = {}
    for part in (metas[0].get("content") or "").split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_def_13_every_page_has_a_strict_content_security_policy_first_in_its_head(
    sample_output: Path,
):
    pages = sorted(sample_output.rglob("*.html"))
    failures = []
    for page in pages:
        root = parse(page)
        head = root.find("head")
        assert head is not None
        first = [str(e.tag) for e in head][:2]
        if first != ["meta", "meta"] or head[1].get("http-equiv") != "Content-Security-Policy":
            failures.append(f"{page}: the policy is not right after <meta charset>: {first}")
        policy = policy_of(root)
        if policy.get("default-src") != ["'none'"] or policy.get("base-uri") != ["'none'"]:
            failures.append(f"{page}: {policy}")
        for directive in ("script-src", "style-src", "img-src"):
            values = policy.get(directive, [])
            if not values or any(v in {"'unsafe-inline'", "'unsafe-eval'", "*"} for v in values):
                failures.append(f"{page}: {directive} {values}")
            if any(v.startswith(("http:", "https:", "data:")) for v in values):
                failures.append(f"{page}: {directive} allows another site: {values}")
    assert not failures, failures


def test_def_13_redirect_pages_carry_the_policy_too(built: InlineSite):
    template = (built.root / "templates/redirect.html").read_text(encoding="utf-8")
    assert '{% include "partials/csp.html" %}' in template
    base = (built.root / "templates/base.html").read_text(encoding="utf-8")
    assert '{% include "partials/csp.html" %}' in base


def test_def_13_preview_live_reload_loader_is_the_one_inline_script_the_policy_allows(
    preview,  # noqa: F811
):
    _, base, _ = preview
    status, _, page = fetch(base + "/agenda/visite/")
    assert status == 200
    root = html5lib.parse(page, namespaceHTMLElements=False)
    inline = [s.text or "" for s in root.iter("script") if not s.get("src") and not s.get("type")]
    inline += [
        s.text or ""
        for s in root.iter("script")
        if (s.get("type") or "") == "text/javascript" and not s.get("src")
    ]
    assert len(inline) == 1, f"expected livereload's loader only: {inline}"
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy_of(root)["script-src"]


# --- DEF-13: in a browser ------------------------------------------------------------------

RECORDER = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__problems.push('csp ' + e.violatedDirective + ' ' + e.blockedURI);
});
window.addEventListener('error', function (e) {
  var target = e.target && e.target !== window ? ' ' + (e.target.src || e.target.href) : '';
  window.__problems.push('error ' + (e.message || e.type) + target);
}, true);
"""


def evaluate(browser: DevTools, session: str, expression: str) -> Any:
    answer = browser.call(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
    )
    assert "exceptionDetails" not in answer, answer
    return answer["result"].get("value")


@contextmanager
def browser_session(profile: Path) -> Iterator[tuple[DevTools, str]]:
    browser = DevTools(find_chromium(), profile)
    try:
        session = browser.open_page()
        browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER}, session=session)
        yield browser, session
    finally:
        browser.close()


def one_page_of_each_kind(output: Path, entries: list[ContentEntry]) -> list[str]:
    """A page built from each template: the listings, and the first entry of each folder."""
    pages = ["/", "/agenda/", "/agenda/archives/", "/abonnement/", "/startups/", "/lieux/"]
    pages += ["/presse/", "/404.html"]
    for listing in ("agenda/ville", "agenda/theme", "startups/ville", "startups/theme"):
        first = sorted((output / listing).glob("*/index.html"))[0]
        pages.append(f"/{listing}/{first.parent.name}/")
    for folder in ("events", "startups", "places", "press", "pages"):
        pages.append(next(e.url for e in entries if e.folder == folder and not e.is_draft))
    return pages


@pytest.mark.system_deps  # Chromium
def test_def_13_no_page_of_any_kind_breaks_its_content_security_policy(
    sample_output: Path, site_url: str, tmp_path: Path, sample_entries: list[ContentEntry]
):
    pages = one_page_of_each_kind(sample_output, sample_entries)
    with browser_session(tmp_path / "profile") as (browser, session):
        failures = {}
        for path in pages:
            browser.load(session, site_url + path)
            problems = evaluate(browser, session, "window.__problems")
            if problems:
                failures[path] = problems
            has_policy = evaluate(
                browser,
                session,
                "!!document.querySelector('meta[http-equiv=Content-Security-Policy]')",
            )
            assert has_policy, path
    assert not failures, failures


@pytest.mark.system_deps  # Chromium
def test_def_13_preview_pages_run_live_reload_within_the_policy(
    preview,  # noqa: F811
    tmp_path: Path,
):
    _, base, _ = preview
    with browser_session(tmp_path / "profile") as (browser, session):
        browser.load(session, base + "/agenda/visite/")
        connected = "window.LiveReload && window.LiveReload.connector.socket.readyState === 1"
        for _ in range(50):
            if evaluate(browser, session, f"!!({connected})"):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("livereload.js did not connect its websocket")
        assert evaluate(browser, session, "window.__problems") == []


PAYLOAD_BODY = """\
<script>window.pwned = (window.pwned || []).concat('script');</script>

<img src="/nowhere.png" alt="x" onerror="window.pwned = (window.pwned || []).concat('onerror')">

<svg onload="window.pwned = (window.pwned || []).concat('svg')"><circle r="1"></circle></svg>

<details open ontoggle="window.pwned = (window.pwned || []).concat('ontoggle')"><summary>s</summary>d</details>

<a id="j" href="javascript:void(window.pwned = (window.pwned || []).concat('href'))">lien</a>

[md](javascript:void(window.pwned=(window.pwned||[]).concat('markdown')))

<iframe src="data:text/html,<script>parent.pwned = ['iframe']</script>"></iframe>

<base href="/ailleurs/">

<style>body { display: none }</style>

<span style="display: none" id="s">caché</span>
"""


@pytest.mark.system_deps  # Chromium
def test_def_13_payloads_never_run_neither_sanitized_nor_raw_under_the_policy(
    sample_output: Path, tmp_path: Path, upcoming_events: Any
):
    """Two layers, each alone: the sanitized body on a page without the policy, and the raw
    payload (as if the sanitizer let it through) on a page with it. The raw payload on a page
    without the policy is the control: there, it does run."""
    folder = tmp_path / "site"
    (folder / "static").mkdir(parents=True)
    for name in ("site.css", "favicon.svg"):
        (folder / "static" / name).write_bytes((sample_output / "static" / name).read_bytes())
    page = (sample_output / upcoming_events[0].url.strip("/") / "index.html").read_text()
    assert '<div class="prose">' in page
    policy = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', page)
    assert policy is not None
    unprotected = page.replace(policy[0], "")
    rendered = MarkdownRenderer().render(PAYLOAD_BODY)
    assert len(rendered.problems) >= 10
    layers = {
        "sanitized": unprotected.replace(
            '<div class="prose">', '<div class="prose">' + rendered.html
        ),
        "raw": page.replace('<div class="prose">', '<div class="prose">' + PAYLOAD_BODY),
        "control": unprotected.replace('<div class="prose">', '<div class="prose">' + PAYLOAD_BODY),
    }
    for name, text in layers.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    seen = {}
    with served(folder) as url, browser_session(tmp_path / "profile") as (browser, session):
        for name in layers:
            browser.load(session, f"{url}/{name}.html")
            links = "document.querySelectorAll('a[href^=\"javascript:\"]')"
            evaluate(browser, session, f"{links}.forEach(a => a.click())")
            seen[name] = {
                "pwned": evaluate(browser, session, "window.pwned || []"),
                "base": evaluate(browser, session, "document.baseURI"),
                "hidden": evaluate(
                    browser,
                    session,
                    "getComputedStyle(document.body).display === 'none' || "
                    "getComputedStyle(document.getElementById('s') || document.body).display === 'none'",
                ),
                "problems": evaluate(browser, session, "window.__problems") or [],
            }
    for name in ("sanitized", "raw"):
        assert seen[name]["pwned"] == [], (name, seen[name])
        assert seen[name]["base"] == f"{url}/{name}.html", (name, seen[name])
        assert not seen[name]["hidden"], (name, seen[name])
    assert any(p.startswith("csp script-src") for p in seen["raw"]["problems"]), seen["raw"]
    assert any(p.startswith("csp style-src") for p in seen["raw"]["problems"]), seen["raw"]
    control = seen["control"]
    assert {"script", "onerror", "href"} <= set(control["pwned"]), control
    assert control["base"] == f"{url}/ailleurs/" and control["hidden"], control


# --- Case 77: scripts in SVG and HTML media ---------------------------------------------------


def test_def_13_script_in_an_svg_or_html_media_file_is_a_positioned_error(built):
    media = built.root / "content/media"
    (media / "logos").mkdir(parents=True)
    (media / "docs").mkdir(parents=True)
    (media / "logos/evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"\n'
        '     xmlns:xlink="http://www.w3.org/1999/xlink"\n'
        '     onload="alert(1)">\n'
        "  <script>alert(2)</script>\n"
        '  <a xlink:href="jav&#x61;script:alert(3)"><text>t</text></a>\n'
        "  <style><svg:script xmlns:svg='http://www.w3.org/2000/svg'>alert(4)</svg:script></style>\n"
        "</svg>\n"
    )
    (media / "docs/page.html").write_text(
        "<!DOCTYPE html>\n<title>Doc</title>\n<p>Texte</p>\n"
        '<img src="x" alt="" onerror="alert(5)">\n<SCRIPT SRC="/x.js"></SCRIPT>\n'
    )
    with gzip.open(media / "logos/packed.svgz", "wt") as packed:
        packed.write('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(6)</script></svg>')
    (media / "logos/entity.svg").write_text(
        '<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;alert(7)&#60;/script&#62;">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>\n'
    )
    (media / "logos/fine.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><title>Logo</title>'
        '<a href="https://example.org/"><rect width="1" height="1" opacity="0.5"/></a></svg>\n'
    )
    run = break_and_build(built, {})
    svg, page = "content/media/logos/evil.svg", "content/media/docs/page.html"
    assert_reported(run, svg, 3, "", "attribut « onload » interdit")
    assert_reported(run, svg, 4, "", "balise <script> interdite")
    assert_reported(run, svg, 5, "", "adresse « javascript:alert(3) » interdite")
    assert_reported(run, svg, 6, "", "balise <script> interdite")
    assert_reported(run, page, 4, "", "attribut « onerror » interdit")
    assert_reported(run, page, 5, "", "balise <script> interdite")
    assert_reported(run, "content/media/logos/packed.svgz", 1, "", "balise <script> interdite")
    assert_reported(run, "content/media/logos/entity.svg", 1, "", "déclaration <!ENTITY>")
    assert "fine.svg" not in run.stderr
    assert headlines(run)[0].startswith(f"{svg}:3:6: ") or any(
        h.startswith(f"{svg}:3:6: ") for h in headlines(run)
    ), run.stderr


# --- DEF-17 and case 14: text the converter cannot take ---------------------------------------


def nested_list(depth: int) -> str:
    return "\n".join("    " * i + "- x" for i in range(depth)) + "\n"


def test_def_17_a_250_deep_list_is_a_positioned_error_not_a_traceback(built):
    run = break_and_build(built, {"events/x.md": event_with(nested_list(250))})
    headline = assert_reported(
        run, "content/events/x.md", BODY_LINE + 249, "texte", "texte trop imbriqué"
    )
    assert headline.endswith("texte: texte trop imbriqué"), headline
    assert "aide : une liste ou une citation se lit mal" in run.stderr


def test_def_17_a_deep_list_in_a_forked_worker_comes_back_as_a_problem(built, monkeypatch):
    """Enough bodies for the Markdown stage to fork workers: the error crosses back."""
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    files = {
        f"events/e{i:03}.md": f"---\ntitle: E{i}\nstart: 2015-10-01\n---\nCorps {i}.\n"
        for i in range(2 * parallel.MIN_PER_WORKER + 10)
    }
    files["events/zz.md"] = event_with(nested_list(300))
    run = break_and_build(built, files)
    assert_reported(run, "content/events/zz.md", BODY_LINE + 299, "texte", "texte trop imbriqué")
    assert len([h for h in headlines(run) if "texte trop imbriqué" in h]) == 1, run.stderr


def test_def_17_raw_html_nested_deeper_than_browsers_nest_is_refused_too(built):
    deep_html = "Début.\n\n" + "<div>\n" * 600 + "x\n" + "</div>\n" * 600
    run = break_and_build(built, {"events/x.md": event_with(deep_html)})
    # The 513th <div> (one more than browsers nest) is on the body's line 515.
    headline = assert_reported(
        run, "content/events/x.md", BODY_LINE + 514, "texte", "texte trop imbriqué"
    )
    assert headline.startswith(f"content/events/x.md:{BODY_LINE + 514}:1: "), headline


def test_def_17_many_items_and_paragraphs_without_end_tags_are_not_nesting(built):
    body = "<ul>\n" + "<li>point\n" * 700 + "</ul>\n\n<div>\n" + "<p>para\n" * 700 + "</div>\n"
    built.write({"events/x.md": event_with(body)})
    run = built.run()
    assert run.exit_code == 0, run.stderr
    assert len(list(prose(parse(built.output / "agenda/x/index.html")).iter("li"))) == 700


def test_def_17_a_list_ten_levels_deep_still_builds(built):
    built.write({"events/x.md": event_with(nested_list(10))})
    run = built.run()
    assert run.exit_code == 0, run.stderr
    items = prose(parse(built.output / "agenda/x/index.html")).iter("li")
    assert len(list(items)) == 10


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\r", "\uffff"]
)
def test_case_14_a_control_character_in_a_body_is_an_error_at_its_column(built, character):
    body = f"Première ligne.\n\nDeux{character}ième ligne.\n"
    run = break_and_build(built, {"events/x.md": event_with(body)})
    code = f"U+{ord(character):04X}"
    headline = assert_reported(
        run,
        "content/events/x.md",
        BODY_LINE + 2,
        "texte",
        f"caractère de contrôle invisible ({code})",
    )
    assert headline.startswith(f"content/events/x.md:{BODY_LINE + 2}:5: "), headline
    assert character not in run.stderr, "the raw character reached the terminal"


def test_case_14_tabs_and_ordinary_text_stay_allowed(built):
    body = "\tColonne\tcolonne.\n\n« Guillemets », espaces\u00a0insécables et emoji 🎉.\n"
    built.write({"events/x.md": event_with(body)})
    run = built.run()
    assert run.exit_code == 0, run.stderr
    text = html.unescape("".join(prose(parse(built.output / "agenda/x/index.html")).itertext()))
    assert "colonne." in text and "espaces\u00a0insécables" in text and "🎉" in text
