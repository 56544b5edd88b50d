"""Image sizes and the SVG logos written into pages (nftsite/content/media_images.py)."""

from __future__ import annotations

import struct
import zlib

import html5lib

from nftsite.content.media_images import read_facts

PLAIN = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60" role="img">'
    b"<title>Logo</title><rect width='120' height='60' fill='#123456'/>"
    b"<text x='10' y='30' fill='#fff'>A &amp; B</text></svg>"
)


def test_a_plain_svg_logo_is_inlined_without_its_title_and_keeps_its_size() -> None:
    facts = read_facts("media/logos/x.svg", PLAIN)
    assert facts is not None and (facts.width, facts.height) == (120, 60)
    tree = html5lib.parse(f"<p>{facts.inline_svg}</p>", namespaceHTMLElements=False)
    tags = [e.tag.rsplit("}", 1)[-1] for e in tree.iter()]
    assert "svg" in tags and "rect" in tags and "title" not in tags
    assert "A & B" in "".join(tree.itertext())


def test_an_svg_with_anything_but_drawing_stays_a_file() -> None:
    hostile = [
        PLAIN.replace(b"</svg>", b"<script>alert(1)</script></svg>"),
        PLAIN.replace(b"<rect ", b"<rect onload='alert(1)' "),
        PLAIN.replace(b"</svg>", b"<a href='javascript:alert(1)'><rect/></a></svg>"),
        PLAIN.replace(b"fill='#123456'", b"fill='url(https://x.example/a)'"),
        PLAIN.replace(b"</svg>", b"<foreignObject><p>x</p></foreignObject></svg>"),
        PLAIN.replace(b"<rect ", b"<rect style='fill:red' "),
    ]
    for data in hostile:
        facts = read_facts("media/logos/x.svg", data)
        assert facts is not None and facts.inline_svg == "", data


def test_a_big_svg_is_not_inlined_and_a_broken_one_has_no_facts() -> None:
    big = PLAIN.replace(b"</svg>", b"<g>" + b"<rect width='1' height='1'/>" * 200 + b"</g></svg>")
    facts = read_facts("media/logos/x.svg", big)
    assert facts is not None and facts.inline_svg == ""
    assert read_facts("media/logos/x.svg", b"<svg") is None


def test_raster_sizes_are_read_from_the_header() -> None:
    ihdr = struct.pack(">IIBBBBB", 640, 360, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
    png += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    facts = read_facts("media/a.png", png)
    assert facts is not None and (facts.width, facts.height) == (640, 360)
    gif = b"GIF89a" + struct.pack("<HH", 33, 44)
    facts = read_facts("media/a.gif", gif)
    assert facts is not None and (facts.width, facts.height) == (33, 44)
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"JF"
    jpeg += b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 300, 500) + b"\x03"
    facts = read_facts("media/a.jpg", jpeg)
    assert facts is not None and (facts.width, facts.height) == (500, 300)
