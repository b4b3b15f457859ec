"""The HTML report reads top-down: verdicts, then what failed and how to fix it (requirement text with spec link,
message, deciding exchange pretty-printed, curl lines without credentials, fix hint), then every case grouped by
area in a <details> per area. Everything from the target stays escaped and no script is present."""

from __future__ import annotations

import shlex

from conformance.catalog import CaseSpec
from conformance.report.failures import curl_line, pretty
from conformance.report.html import render_html
from conformance.requirements import catalogue
from conformance.results import CaseOutcome, Outcome, RunResult
from tests.harness import executable_content

HOSTILE = '<script>alert(1)</script>'


def _exchange(body: str = '{"code":"BadRequest","message":"' + HOSTILE + '"}') -> dict:
    return {"method": "GET", "url": "https://t.example/2/footprints?limit=1&x='y'",
            "request": {"headers": {"authorization": "Bearer «redacted bearer credential, 36 chars»",
                                    "accept": "application/json"}, "body": None},
            "response": {"status": 400, "headers": {"content-type": "application/json"}, "body": body,
                         "body_truncated": False}, "error": None, "duration_s": 0.1, "note": None}


def _case(case_id: str, area: str, outcome: str, mandatory: bool = True, requirements: tuple[str, ...] = ("GET-06",),
          **extra: object) -> CaseOutcome:
    spec = CaseSpec(id=case_id, title=f"title {case_id}", requirements=requirements,
                    mandatory="all" if mandatory else "none", area=area, official="TC8")
    return CaseOutcome(spec=spec, mandatory=mandatory, outcome=Outcome(outcome), **extra)  # type: ignore[arg-type]


def _result() -> RunResult:
    cases = [
        _case("AUTH-OK", "auth", "passed"),
        _case("GET-BROKEN", "get", "failed", message=f"status 400 {HOSTILE}", failed_requirements=["GET-06"],
              evidence=[_exchange("{}"), _exchange()]),
        _case("LIST-WARN", "list", "failed", mandatory=False, requirements=("AUTH-04",), message="no-store missing"),
        _case("GET-NOT-RUN", "get", "skipped", message="no footprint to get"),
    ]
    return RunResult(tool_version="0", target={"base_url": "https://t.example", "spec_version": "2.3"}, spec="2.3",
                     profiles=[], started_at="s", finished_at="f", cases=cases, run_id="html")


def test_failures_come_first_with_requirement_text_link_and_fix() -> None:
    html = render_html(_result())
    entry = catalogue()["GET-06"]
    order = [html.index(marker) for marker in (
        'class="verdict v-not-conformant"', "What failed and how to fix it", "GET-BROKEN", "could not run",
        "Optional warnings", "LIST-WARN", '<details class="area"')]
    assert order == sorted(order), order
    assert f'<a href="{entry.url("2.3")}">GET-06</a>' in html and entry.text["en"] in html
    assert "How to fix it" in html and entry.fix["en"].replace('"', "&#34;") in html
    assert catalogue()["AUTH-04"].fix["en"] in html  # the optional warning has its card and hint


def test_deciding_exchange_is_pretty_printed_and_curl_lines_hold_no_credential() -> None:
    html = render_html(_result())
    assert "Deciding exchange" in html
    assert '&#34;code&#34;: &#34;BadRequest&#34;' in html  # indented JSON, escaped
    line = curl_line(_exchange())
    assert '"Authorization: Bearer $PACT_TOKEN"' in line and "redacted" not in line
    assert shlex.split(line)[:4] == ["curl", "-X", "GET", "https://t.example/2/footprints?limit=1&x='y'"]
    assert pretty('{"a":1}') == '{\n  "a": 1\n}' and pretty("not json") == "not json"


def test_full_table_is_grouped_by_area_and_open_where_a_mandatory_case_failed() -> None:
    html = render_html(_result())
    assert '<details class="area" open>\n<summary><span class="area-name">GetFootprint' in html
    assert '<details class="area">\n<summary><span class="area-name">Authentication' in html


def test_target_strings_stay_inert() -> None:
    html = render_html(_result())
    assert executable_content(html) == [] and HOSTILE not in html and "&lt;script&gt;" in html


def test_japanese_cards_use_japanese_requirement_texts() -> None:
    html = render_html(_result(), lang="ja")
    assert catalogue()["GET-06"].text["ja"] in html and "不合格の内容と修正方法" in html
    assert catalogue()["GET-06"].text["en"] not in html


def test_cases_failing_with_the_same_message_share_one_card() -> None:
    token_error = "POST /auth/token answered HTTP 401, expected 200"
    result = _result()
    result.cases += [_case(f"SAME-{n}", "auth", "failed", message=token_error) for n in range(3)]
    html = render_html(result)
    assert html.count(f'<p class="message">{token_error}</p>') == 1
    assert "2 more cases failed with the same message" in html and "SAME-2: title SAME-2" in html
    assert html.count('<tr id="case-') == len(result.cases)  # the full table keeps every case
