"""« Proposer un événement » (/agenda/proposer/), driven in Debian's Chromium.

The built sample site is served on 127.0.0.1; the form is filled in the browser, the file it
composes is written into a copy of the sample project and judged by `nftsite check` (the
build's own validation of what the comms team would merge) and by PyYAML. Without
JavaScript, the page must still say what to send and where (read with html5lib from
Chromium's DOM with scripts disabled). axe-core checks the page in each of its states.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import html5lib
import pytest
import yaml

from nftsite.commands.cli import main
from nftsite.content.config import new_file_url

from .conftest import NOW_ARG, REPO, InlineSite
from .test_accessibility import AXE, AXE_RUN, WCAG_AA, require
from .test_browser import DevTools, one_chromium, private_context, text_of

pytestmark = pytest.mark.system_deps  # Chromium, and axe-core from npm

PAGE = "/agenda/proposer/"
TITLE = "Atelier « Données & IA » à l'Hôtel de ville"
DESCRIPTION = (
    "Deux heures pour découvrir l'open data normand.\n\nEntrée libre : venez avec vos questions !"
)


def evaluate(browser: DevTools, session: str, expression: str) -> Any:
    answer = browser.call(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session=session,
    )
    assert "exceptionDetails" not in answer, answer["exceptionDetails"]
    return answer["result"].get("value")


def type_into(browser: DevTools, session: str, element_id: str, text: str) -> None:
    """Text as a keyboard would enter it: focus the field, then insert the characters."""
    evaluate(browser, session, f"document.getElementById({json.dumps(element_id)}).focus()")
    browser.call("Input.insertText", {"text": text}, session=session)


def set_value(browser: DevTools, session: str, element_id: str, value: str) -> None:
    """A date, time or list choice, which the browser's own pickers would set."""
    evaluate(
        browser,
        session,
        f"(e => {{ e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change')); }})"
        f"(document.getElementById({json.dumps(element_id)}))",
    )


def submit(browser: DevTools, session: str) -> dict[str, Any]:
    """Press « Préparer la fiche » and read what the page shows."""
    return dict(
        evaluate(
            browser,
            session,
            """(() => {
              document.querySelector('#proposer button[type=submit]').click();
              const text = id => document.getElementById(id).textContent;
              return {
                file: document.getElementById('proposer-fiche').value,
                result_hidden: document.getElementById('proposer-resultat').hidden,
                github: document.getElementById('proposer-github').href,
                github_hidden: document.getElementById('proposer-github-item').hidden,
                mail: document.getElementById('proposer-courriel').href,
                status: text('proposer-erreurs'),
                errors: Object.fromEntries(['title', 'start', 'end', 'city', 'place',
                  'registration', 'themes'].map(n => [n, text('p-' + n + '-erreur')])),
                invalid: [...document.querySelectorAll('[aria-invalid=true]')].map(e => e.id),
                focused: document.activeElement.id,
              };
            })()""",
        )
    )


def axe_violations(browser: DevTools, session: str) -> list[dict[str, Any]]:
    evaluate(browser, session, require(AXE).read_text(encoding="utf-8"))
    return list(json.loads(evaluate(browser, session, AXE_RUN % json.dumps(WCAG_AA))))


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    with one_chromium(tmp_path_factory.mktemp("chromium") / "profile") as browser:
        yield browser


@pytest.fixture
def browser(chromium: DevTools) -> Iterator[DevTools]:
    """This module's Chromium, the test's pages in a browser context of their own."""
    with private_context(chromium) as browser:
        yield browser


def fill_valid_event(browser: DevTools, session: str) -> None:
    type_into(browser, session, "p-title", TITLE)
    type_into(browser, session, "p-description", DESCRIPTION)
    type_into(browser, session, "p-organizer", "La Cantine numérique")
    type_into(browser, session, "p-registration", "https://exemple.fr/inscription?x=1#form")
    set_value(browser, session, "p-start-date", "2027-03-18")
    set_value(browser, session, "p-start-time", "18:30")
    set_value(browser, session, "p-end-date", "2027-03-18")
    set_value(browser, session, "p-end-time", "20:30")
    set_value(browser, session, "p-city", "caen")
    set_value(browser, session, "p-place", "mri-caen")
    evaluate(browser, session, "document.getElementById('p-theme-smart-city').click()")


def sample_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def nftsite(command: str, root: Path, *args: str) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main([command, "--root", str(root), "--now", NOW_ARG, *args])
    return code, stderr.getvalue()


def test_the_form_composes_an_event_file_that_nftsite_check_accepts(
    site_url: str, browser: DevTools, tmp_path: Path, sample_site_yaml: dict[str, Any]
) -> None:
    session = browser.open_page()
    requests = browser.load(session, site_url + PAGE)
    assert any(r["url"] == f"{site_url}/static/propose.js" for r in requests), requests
    fill_valid_event(browser, session)
    shown = submit(browser, session)
    assert shown["errors"] == dict.fromkeys(shown["errors"], ""), shown
    assert not shown["result_hidden"] and not shown["github_hidden"], shown
    text = shown["file"]

    # (a) GitHub's "new file" page in this year's folder, with the very same text
    link = urlsplit(shown["github"])
    repository = sample_site_yaml["repository"]
    assert f"{link.scheme}://{link.netloc}{link.path}" == (
        repository + "/new/main/content/events/2027"
    )
    query = parse_qs(link.query, strict_parsing=True)
    slug = "atelier-donnees-ia-a-l-hotel-de-ville"
    assert query == {"filename": [f"{slug}.md"], "value": [text]}
    # (b) an e-mail to site.yaml's contact carrying the file
    mail = urlsplit(shown["mail"])
    assert mail.scheme == "mailto" and unquote(mail.path) == sample_site_yaml["contact"]
    assert text in parse_qs(mail.query)["body"][0]

    # what the file says, read by PyYAML
    head, _, body = text.removeprefix("---\n").partition("\n---\n")
    fields = yaml.safe_load(head)
    assert "draft" not in fields
    assert fields["title"] == TITLE
    assert str(fields["start"]) == "2027-03-18 18:30" and str(fields["end"]) == "2027-03-18 20:30"
    assert (fields["city"], fields["place"], fields["themes"]) == (
        "caen",
        "mri-caen",
        ["smart-city"],
    )
    assert fields["organizer"] == "La Cantine numérique"
    assert fields["registration"] == "https://exemple.fr/inscription?x=1#form"
    assert fields["uid"].endswith("@www.normandyfrenchtech.fr")
    assert body.strip() == DESCRIPTION

    # the comms team merges it: the build accepts it and publishes the event
    root = sample_project(tmp_path)
    path = root / "content" / "events" / "2027" / f"{slug}.md"
    assert not path.exists()
    code, before = nftsite("check", root)
    assert code == 0, before
    path.write_text(text, encoding="utf-8")
    code, report = nftsite("check", root)
    assert code == 0, report
    # no new problem: the report is the sample's own (a copy without git history warns
    # about it), with more pages (its own, and the combination pages its city and themes
    # now fill: their number is the facets' business, not the form's)
    assert "erreur" not in report.replace("erreurs", ""), report
    count = re.compile(r"Contenu valide : (\d+) pages")
    assert count.sub("", report) == count.sub("", before), report
    assert int(count.findall(report)[0]) > int(count.findall(before)[0]), report
    code, report = nftsite("build", root, "--output", str(tmp_path / "output"))
    assert code == 0, report
    page = tmp_path / "output" / "agenda" / slug / "index.html"
    assert "Données &amp; IA" in page.read_text(encoding="utf-8")


def test_a_wrong_input_shows_french_errors_tied_to_their_fields(
    site_url: str, browser: DevTools
) -> None:
    session = browser.open_page()
    browser.load(session, site_url + PAGE)
    set_value(browser, session, "p-start-date", "2027-03-18")
    set_value(browser, session, "p-start-time", "18:30")
    set_value(browser, session, "p-end-date", "2027-03-17")
    set_value(browser, session, "p-end-time", "20:30")
    type_into(browser, session, "p-registration", "exemple.fr")
    shown = submit(browser, session)
    assert shown["result_hidden"] and shown["file"] == "", shown
    assert shown["errors"]["title"] == "Indiquez le titre de l'événement."
    assert shown["errors"]["end"] == "La fin doit venir après le début."
    assert shown["errors"]["city"] == "Choisissez la ville de l'événement."
    assert "https://" in shown["errors"]["registration"]
    assert shown["status"].startswith("La fiche n'est pas prête : 4 erreurs."), shown["status"]
    assert set(shown["invalid"]) == {
        "p-title", "p-end-date", "p-end-time", "p-city", "p-registration",
    }  # fmt: skip
    assert shown["focused"] == "p-title"
    described = evaluate(
        browser,
        session,
        "[...document.querySelectorAll('[aria-invalid=true]')].map(e => "
        "[e.id, e.getAttribute('aria-describedby')])",
    )
    for element_id, describedby in described:
        message = evaluate(
            browser, session, f"document.getElementById('{describedby}').textContent"
        )
        assert message, f"{element_id} is described by an empty {describedby}"
    live = evaluate(
        browser, session, "document.getElementById('proposer-erreurs').getAttribute('aria-live')"
    )
    assert live == "polite"

    # a place in another city than the chosen one
    type_into(browser, session, "p-title", "Café numérique")
    set_value(browser, session, "p-end-date", "2027-03-18")
    set_value(browser, session, "p-city", "rouen")
    set_value(browser, session, "p-place", "mri-caen")
    set_value(browser, session, "p-registration", "")
    shown = submit(browser, session)
    assert shown["errors"]["place"] == (
        "Ce lieu n'est pas dans la ville choisie : corrigez la ville ou le lieu."
    )
    assert shown["invalid"] == ["p-place"], shown

    # corrected, the same form gives a file
    set_value(browser, session, "p-place", "seine-innopolis")
    shown = submit(browser, session)
    assert not shown["result_hidden"] and shown["invalid"] == [], shown
    assert 'title: "Café numérique"' in shown["file"]


def test_end_time_without_start_time_is_refused(site_url: str, browser: DevTools) -> None:
    session = browser.open_page()
    browser.load(session, site_url + PAGE)
    type_into(browser, session, "p-title", "Hackathon")
    set_value(browser, session, "p-start-date", "2027-02-30")
    set_value(browser, session, "p-city", "caen")
    evaluate(browser, session, "document.getElementById('p-start-date').type = 'text'")
    set_value(browser, session, "p-start-date", "2027-02-30")
    shown = submit(browser, session)
    assert shown["errors"]["start"].startswith("La date de début n'est pas une date valide")
    set_value(browser, session, "p-start-date", "2027-02-27")
    set_value(browser, session, "p-end-time", "18:00")
    shown = submit(browser, session)
    assert shown["errors"]["end"] == "Pour une heure de fin, indiquez aussi l'heure de début."


def test_axe_core_finds_no_violation_on_the_page_in_any_state(
    site_url: str, browser: DevTools
) -> None:
    session = browser.open_page()
    browser.load(session, site_url + PAGE)
    found = {"empty": axe_violations(browser, session)}
    submit(browser, session)
    found["errors"] = axe_violations(browser, session)
    fill_valid_event(browser, session)
    shown = submit(browser, session)
    assert not shown["result_hidden"]
    found["ready"] = axe_violations(browser, session)
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)


def test_without_javascript_the_page_lists_what_to_send_and_the_address(
    site_url: str, browser: DevTools, sample_site_yaml: dict[str, Any]
) -> None:
    session = browser.open_page()
    browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
    requests = browser.load(session, site_url + PAGE)
    # scripts are off indeed: the browser does not even fetch the form's script
    assert not any(r["url"].endswith("/static/propose.js") for r in requests), requests
    document = browser.call("DOM.getDocument", session=session)["root"]["nodeId"]
    html = browser.call("DOM.getOuterHTML", {"nodeId": document}, session=session)["outerHTML"]
    root = html5lib.parse(html, namespaceHTMLElements=False)
    form = root.find(".//form[@id='proposer']")
    assert form is not None and form.get("hidden") is not None, "the form shows without JavaScript"
    items = [text_of(li) for li in root.iterfind(".//ul[@class='list proposal-fields']/li")]
    names = [code.text for code in root.iterfind(".//ul[@class='list proposal-fields']/li//code")]
    assert names == [
        "title", "start", "end", "city", "place", "themes", "organizer", "registration",
    ], names  # fmt: skip
    assert items[0].startswith("Titre (obligatoire) :"), items
    assert any(item.startswith("Description") for item in items), items
    contact = sample_site_yaml["contact"]
    mailtos = [a for a in root.iter("a") if (a.get("href") or "").startswith(f"mailto:{contact}?")]
    assert mailtos and text_of(mailtos[0]) == contact
    for declared in sample_site_yaml["cities"].values():  # a name, or a name with its forms
        city = declared if isinstance(declared, str) else declared["name"]
        assert city in text_of(root.find(".//main")), city


def test_the_agenda_links_to_the_proposal_page(sample_output: Path) -> None:
    root = html5lib.parse(
        (sample_output / "agenda" / "index.html").read_bytes(), namespaceHTMLElements=False
    )
    assert any(
        a.get("href") == PAGE and text_of(a) == "Proposer un événement" for a in root.iter("a")
    )


@pytest.mark.parametrize(
    ("repository", "url"),
    [
        ("https://github.com/nft/site", "https://github.com/nft/site/new/main/content/events/"),
        ("https://github.com/nft/site.git", "https://github.com/nft/site/new/main/content/events/"),
        (
            "https://github.com/nft/site/tree/publication",
            "https://github.com/nft/site/new/publication/content/events/",
        ),
    ],
)
def test_new_file_url_from_the_repository_address(repository: str, url: str) -> None:
    assert new_file_url(repository, "content/events") == url


def proposal_form(site: InlineSite) -> Any:
    root = html5lib.parse(
        (site.output / "agenda" / "proposer" / "index.html").read_bytes(),
        namespaceHTMLElements=False,
    )
    return root.find(".//form[@id='proposer']")


def test_without_a_repository_the_page_offers_no_github_link(make_site: Any) -> None:
    site = make_site()
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert proposal_form(site).get("data-new-file") == ""


def test_the_repository_of_site_yaml_gives_the_new_file_page(make_site: Any) -> None:
    site = make_site()
    site_yaml = (site.root / "content" / "site.yaml").read_text(encoding="utf-8")
    site.write({"site.yaml": site_yaml + "repository: https://github.com/nft/site/tree/prod\n"})
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert proposal_form(site).get("data-new-file") == (
        "https://github.com/nft/site/new/prod/content/events/"
    )


def test_a_repository_that_is_not_on_github_is_a_french_error(make_site: Any) -> None:
    site = make_site()
    site_yaml = (site.root / "content" / "site.yaml").read_text(encoding="utf-8")
    site.write({"site.yaml": site_yaml + "repository: https://gitlab.com/nft/site\n"})
    run = site.run()
    assert run.exit_code != 0
    assert "« https://gitlab.com/nft/site » n'est pas l'adresse d'un dépôt GitHub" in run.stderr
