"""Hostile front matter and bodies, generated: a build ends in 0 or 1, never in a defect.

Hypothesis writes event files the way a hurried author or an adversary would: control
characters and line breaks in one-line fields, YAML's special characters at the start of
values, dates in year 1 or 9999, impossible offsets, hostile recurrence rules, very long or
deeply nested values, raw HTML and script in bodies, deep lists, odd links. For each one the
real command builds a valid site that the file joins. The build must end with 0 (built) or 1
(content errors), never 3 (a defect); on 1, every error is positioned in its file and written
in French, and output/ is byte-identical to what it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import string

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nftsite.commands.cli import main

from .conftest import MINIMAL_SITE_YAML, NOW_ARG, REPO, InlineSite
from .test_errors import PLACE

NASTY_CHARACTERS = "\x00\x01\x07\x0b\x0c\r\n\t\x1b\x7f\x85\u2028\u2029\ufeff\uffff\u200b"
YAML_STARTS = ["!", "&", "*", "%", "@", "`", "|", ">", "'", '"', "{", "[", "-", "? ", "#", ": "]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">x</a>',
    "[x](javascript:alert(4))",
    '<iframe src="data:text/html,x"></iframe>',
    "</main></body></html><div hidden>",
    '<a href="/nulle-part/">cassé</a>',
    '<img src="https://tracker.example/p.gif" alt="t">',
    "<!-- jamais fermé",
    "<svg onload=alert(5)>",
    '<form action="https://evil.example/"><input></form>',
    "{{ 7*7 }} {% raw %}",
    "![i](media/../../etc/passwd)",
    "[y](/agenda/%00/)",
]

text = st.text(
    alphabet=st.one_of(
        st.sampled_from(NASTY_CHARACTERS),
        st.sampled_from(string.printable),
        st.characters(min_codepoint=0xA0, max_codepoint=0x2FFF),
    ),
    max_size=40,
)
one_line_value = st.one_of(
    text,
    st.builds(lambda start, rest: start + rest, st.sampled_from(YAML_STARTS), text),
    st.builds(
        lambda rest: f'"{rest}"',
        st.sampled_from(["A\\0B", "A\\x01B", "A\\uFFFFB", "A\\nB", "A\\rB", "A\\u2028B"]),
    ),
    st.builds(lambda rest: f"|\n  {rest}\n  suite", text),
    st.builds(lambda first, second: f"{first}\n  {second}", text, text),
    st.just("x" * 5000),
)
year = st.sampled_from(["0001", "1000", "1899", "1969", "1970", "2026", "2199", "2200", "9999"])
moment = st.one_of(
    st.builds(lambda y: f"{y}-12-10", year),
    st.builds(lambda y: f"{y}-12-10 10:00", year),
    st.builds(
        lambda y, offset: f"{y}-12-10 10:00{offset}",
        year,
        st.sampled_from(["+24:00", "+99:00", "-14:00", "+14:00", "+14:01", "Z", "+01:00"]),
    ),
    st.sampled_from(["2026-03-29 02:30", "2026-10-25 02:30", "2026-02-30", "10/12/2026", "~"]),
)
recurrence = st.sampled_from(
    [
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MINUTELY;BYYEARDAY=366;BYMONTH=2",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;COUNT=-1",
        "FREQ=WEEKLY;BYDAY=99MO",
        "FREQ=YEARLY;COUNT=100000",
        "FREQ=DAILY;UNTIL=99991231",
        "FREQ=WEEKLY;COUNT=3",
        "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=5",
    ]
)
body = st.lists(
    st.one_of(
        st.sampled_from(HTML),
        text,
        st.integers(min_value=1, max_value=300).map(
            lambda depth: "\n".join("    " * i + "- x" for i in range(depth))
        ),
    ),
    max_size=4,
).map("\n\n".join)


@st.composite
def event_file(draw: st.DrawFn) -> str:
    fields = {
        "title": draw(one_line_value),
        "start": draw(moment),
    }
    if draw(st.booleans()):
        fields["end"] = draw(moment)
    for name in ("summary", "location", "organizer"):
        if draw(st.booleans()):
            fields[name] = draw(one_line_value)
    if draw(st.booleans()):
        fields["recurrence"] = draw(recurrence)
    if draw(st.booleans()):
        fields["image"] = draw(
            st.sampled_from(["media/x\\0.png", '"media/x\\0.png"', "../../etc/passwd", "media/"])
        )
    front = "\n".join(f"{name}: {value}" for name, value in fields.items())
    return f"---\n{front}\n---\n{draw(body)}\n"


@pytest.fixture(scope="module")
def make_site_once(tmp_path_factory: pytest.TempPathFactory) -> InlineSite:
    """One valid site, built once, that each generated file joins and leaves."""
    root = tmp_path_factory.mktemp("hostile") / "project"
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    site = InlineSite(root)
    site.write({"site.yaml": MINIMAL_SITE_YAML, "places/seine-innopolis.md": PLACE})
    assert site.run().exit_code == 0
    return site


ENGLISH = re.compile(r"\b(Traceback|Error|Exception|invalid|cannot|must|object)\b")


def outside_parentheses(message: str) -> str:
    """The message without the library's own explanation, which it quotes in parentheses."""
    return re.sub(r"\([^()]*\)", "", message)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=event_file())
def test_hostile_event_files_end_in_0_or_1_never_a_defect(make_site_once, document: str) -> None:
    site: InlineSite = make_site_once
    path = site.root / "content" / "events" / "hostile.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(document, encoding="utf-8", errors="surrogatepass")
    before = site.snapshot()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["build", "--root", str(site.root), "--now", NOW_ARG, "--format", "json"])
    path.unlink()
    event(f"exit {code}")
    assert code in (0, 1), f"exit {code} for:\n{document!r}\n{stderr.getvalue()}"
    assert "Traceback" not in stderr.getvalue()
    if code == 0:
        return
    assert site.snapshot() == before, f"a failed build changed output/ for:\n{document!r}"
    problems = [p for p in json.loads(stdout.getvalue()) if p["severity"] == "error"]
    assert problems, "exit 1 without an error"
    for problem in problems:
        assert problem["path"], problem
        if problem["path"].endswith("hostile.md"):
            assert problem["line"] >= 1, f"not positioned: {problem} for:\n{document!r}"
        assert not ENGLISH.search(outside_parentheses(problem["message"])), problem
