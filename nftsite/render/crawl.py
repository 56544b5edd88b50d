"""What crawlers and hosts read: sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from nftsite.core.urls import absolute, base_path
from nftsite.render.pages import PageToRender


def sitemap(pages: list[PageToRender], base_url: str) -> bytes:
    """Every public page (not the 404, not drafts), in plan order."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        if page.in_sitemap and not page.meta.draft:
            lines.append(f"  <url><loc>{escape(absolute(base_url, page.url))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    """Crawlers read robots.txt only at the root of a host. A site published in a folder of
    one (`--base-url`) still gets its own, which allows that folder and names the sitemap:
    lines for whoever keeps the host's robots.txt to copy."""
    allow = base_path(base_url) + "/"
    return f"User-agent: *\nAllow: {allow}\n\nSitemap: {base_url}/sitemap.xml\n".encode()


def crawler_files(pages: list[PageToRender], base_url: str) -> dict[str, bytes]:
    return {"sitemap.xml": sitemap(pages, base_url), "robots.txt": robots(base_url)}
