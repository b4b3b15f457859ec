"""The web console in a real browser (Playwright, the system's chromium): sign in, start a run and watch it,
read a faulty host's failure and download its report, access rules, escaping, history, Japanese.

Every page is also shot full-page in both languages at 1280 and 390 px into $PACT_SCREENSHOTS (else a temporary
folder) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import playwright.sync_api as playwright_sync  # noqa: E402 - the browser extra; .ci/run installs it

from conformance.service.limits import Limits  # noqa: E402
from tests.faults import all_faults  # noqa: E402
from tests.harness import faulty_host  # noqa: E402
from tests.service_kit import Client, account, running_service  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
FAST = "auth and not fuzz"
FAULT = "token-type-not-bearer"  # fails AUTH-TOKEN-RESPONSE
MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
WIDTHS = (1280, 390)



@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The service with a vendor, a second vendor, the secretariat; a faulty host the vendor tests."""
    fault = next(f for f in all_faults() if f.name == FAULT)
    with running_service(tmp_path_factory.mktemp("console"), limits=Limits(workers=2)) as (running, admin), \
            faulty_host(fault, "2.3") as host:
        acme = account(running, admin, "acme", "vendor")
        faulty = {"base_url": host.url, "client_id": host.config.client_id, "client_secret": host.config.client_secret,
                  "ca_cert_pem": host.ca.ca_pem.read_text(), "select": "AUTH-TOKEN-RESPONSE", "no_fuzz": True,
                  "solution": "faulty"}
        runs = {"embedded_run": acme.post("/api/v1/runs", json={"select": FAST, "no_fuzz": True,
                                                                  "solution": "embedded"}).json()["id"],
                "faulty_run": acme.post("/api/v1/runs", json=faulty).json()["id"],
                "faulty_rerun": acme.post("/api/v1/runs", json=faulty).json()["id"]}
        for run_id in runs.values():  # every test finds these, whichever worker runs it and in whatever order
            acme.wait(run_id)
        yield {"service": running, "admin": admin, "acme": acme, "globex": account(running, admin, "globex", "vendor"),
               "secretariat": account(running, admin, "secretariat", "secretariat"), "host": host, **runs}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), f"no system chromium at {CHROMIUM} (.ci/run installs it)"
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("PACT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser: Any, world: dict[str, Any], client: Client | None, width: int = 1280, lang: str = "en") -> Any:
    context = browser.new_context(base_url=world["service"].url, ignore_https_errors=True, accept_downloads=True,
                                  viewport={"width": width, "height": 900}, locale="en-US")
    if lang != "en":
        context.add_cookies([{"name": "pcc_lang", "value": lang, "url": world["service"].url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    if client is not None:
        page.goto("/console/signin")
        page.get_by_label("API token" if lang == "en" else "API トークン").fill(client.token)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(re.compile(r"/console/runs"))
    return page


def _finished(page: Any, timeout_ms: int = 120_000) -> None:
    """Wait on the run page until the run ended (the page's script reloads it at the stream's end)."""
    page.wait_for_selector(".facts .s-finished, .facts .s-interrupted", timeout=timeout_ms)


def _start_in_form(page: Any, fields: dict[str, str], checks: tuple[str, ...] = ()) -> str:
    page.goto("/console/runs/new")
    for name, value in fields.items():
        page.locator(f"#f-{name}").fill(value)
    for name in checks:
        page.locator(f"#f-{name}").check()
    page.get_by_role("button", name="Start the run").click()
    page.wait_for_url(re.compile(r"/console/runs/[0-9a-f]{16}\?created=1"))
    return page.url.rsplit("/", 1)[-1].split("?")[0]


def test_a_vendor_starts_a_run_watches_it_and_reads_a_failure(browser: Any, world: dict[str, Any], shots: Path) -> None:
    page = _page(browser, world, world["acme"])
    # The form checks on the server, one message per field, and never sends a secret back.
    page.goto("/console/runs/new")
    page.locator("#f-client_secret").fill("do-not-echo-me")
    page.locator("#f-fuzz_budget").fill("many")
    page.get_by_role("button", name="Start the run").click()
    assert page.locator("#err-fuzz_budget").is_visible()
    assert page.locator("#f-client_secret").input_value() == "" and "do-not-echo-me" not in page.content()
    page.locator("#f-fuzz_budget").fill("")
    page.locator("#f-base_url").fill("https://example.test")
    page.get_by_role("button", name="Start the run").click()
    assert "cannot be used" in page.locator("#form-problem").inner_text()
    # A run against the embedded host: the callback URL, live progress, the verdict.
    _start_in_form(page, {"select": FAST, "solution": "embedded"}, ("no_fuzz",))
    assert page.locator("#callback-url").inner_text().startswith(world["service"].public_url + "/callbacks/")
    _finished(page)
    assert page.locator(".facts .v-partial").count() == 1  # -k and no fuzzing: partial, never plain conformant
    assert page.get_by_text("No mandatory case failed.").is_visible()
    # The faulty host: its failure comes first, with the requirement, the evidence and a curl line.
    host = world["host"]
    _start_in_form(page, {"base_url": host.url, "client_id": host.config.client_id,
                                   "client_secret": host.config.client_secret, "select": "AUTH-TOKEN-RESPONSE",
                                   "ca_cert_pem": host.ca.ca_pem.read_text(), "solution": "faulty"}, ("no_fuzz",))
    assert host.config.client_secret not in page.url and host.config.client_secret not in page.content()
    _finished(page)
    card = page.locator("#f-case-AUTH-TOKEN-RESPONSE")
    assert card.is_visible() and "AUTH-03" in card.inner_text()
    deciding = card.locator(".exchange").last  # the token request that decided the case
    assert deciding.locator(".curl pre").inner_text().startswith("curl -X POST")
    assert "token_type" in deciding.locator(".pair pre").nth(1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="report.json", exact=True).click()
    report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {c["id"]: c["outcome"] for c in report["cases"]}["AUTH-TOKEN-RESPONSE"] == "failed"
    # Re-running only the failed cases selects exactly them.
    page.get_by_label("Client secret for the re-run").fill(host.config.client_secret)  # secrets are never kept
    page.locator("#rerun-failed").click()
    page.wait_for_url(re.compile(r"\?created=1"))
    again = world["acme"].get(f"/api/v1/runs/{page.url.rsplit('/', 1)[-1].split('?')[0]}").json()
    assert again["options"]["select"].startswith("(AUTH-TOKEN-RESPONSE)") or again["options"]["select"] == "AUTH-TOKEN-RESPONSE"
    world["acme"].wait(again["id"])
    page.context.close()


def test_a_vendor_cannot_open_another_vendors_run(browser: Any, world: dict[str, Any]) -> None:
    run = world["acme"].post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json()
    page = _page(browser, world, world["globex"])
    answer = page.goto(f"/console/runs/{run['id']}")
    assert answer.status == 404 and page.get_by_text("No such run.").is_visible()
    assert page.request.get(f"/api/v1/runs/{run['id']}/files/report.json").status == 404
    assert page.request.get(f"/api/v1/runs/{run['id']}/events").status == 404
    assert run["id"] not in page.goto("/console/runs").text()
    page.context.close()
    anonymous = _page(browser, world, None)
    anonymous.goto(f"/console/runs/{run['id']}")
    assert "/console/signin" in anonymous.url
    assert anonymous.request.get(f"/api/v1/runs/{run['id']}").status == 401
    anonymous.context.close()


def test_markup_from_a_target_shows_as_text(browser: Any, world: dict[str, Any]) -> None:
    run = world["acme"].post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True, "solution": MARKUP}).json()
    world["acme"].wait(run["id"])
    page = _page(browser, world, world["acme"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/console/runs/{run['id']}", "/console/runs"):
        page.goto(path)
        assert page.get_by_text(MARKUP).first.is_visible()
        assert page.evaluate("window.__pwned") is None and page.locator("img[src=x]").count() == 0
    assert not dialogs
    headers = page.request.get("/console/runs").headers
    assert headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    page.context.close()


def test_the_secretariat_sees_every_solutions_history(browser: Any, world: dict[str, Any]) -> None:
    page = _page(browser, world, world["secretariat"])
    page.goto("/console/history")
    matrix = page.locator("table.matrix")
    assert matrix.locator("th[scope=row]", has_text="embedded").count() == 1
    assert matrix.locator("th[scope=row]", has_text="faulty").count() == 1
    row = matrix.locator("tr", has=page.locator("th", has_text="faulty"))
    assert row.locator(".v-not-conformant").count() >= 1
    page.context.close()
    vendor = _page(browser, world, world["acme"])
    assert vendor.goto("/console/history").status == 403
    vendor.context.close()


def test_the_japanese_switch_is_remembered(browser: Any, world: dict[str, Any]) -> None:
    page = _page(browser, world, world["acme"])
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "実行一覧" and page.locator("html").get_attribute("lang") == "ja"
    page.goto("/console/runs/new")
    assert page.get_by_label("API ベース URL").is_visible()
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Start a run"
    page.context.close()


def test_screenshots_of_every_page(browser: Any, world: dict[str, Any], shots: Path) -> None:
    """Full-page shots of each page, both languages, both widths (after the runs above made the data)."""
    faulty = world["faulty_run"]
    pages = {"signin": (None, "/console/signin"), "runs": ("acme", "/console/runs"), "new-run": ("acme", "/console/runs/new"),
             "run": ("acme", f"/console/runs/{faulty}"),
             "compare": ("acme", f"/console/compare?a={faulty}&b={world['faulty_rerun']}"),
             "history": ("secretariat", "/console/history"), "accounts": ("admin", "/console/accounts")}
    for lang in ("en", "ja"):
        for width in WIDTHS:
            for name, (who, path) in pages.items():
                page = _page(browser, world, world[who] if who else None, width=width, lang=lang)
                assert page.goto(path).status == 200, path
                page.screenshot(path=str(shots / f"{name}-{lang}-{width}.png"), full_page=True)
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 1, (name, lang, width, overflow)  # nothing wider than the screen
                if lang == "en" and width == 1280 and name in ("runs", "run"):  # the README's pictures
                    page.set_viewport_size({"width": 1100, "height": 760})
                    page.screenshot(path=str(shots / f"console-{name}.png"))
                page.context.close()
