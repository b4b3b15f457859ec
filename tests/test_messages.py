"""Case messages in Japanese: every message template the cases and the harness can produce has a Japanese text
(found statically, tests/message_sites.py), and a `--lang ja` report shows it with the variable parts kept as
data, still escaped; report.json keeps the English message."""

from __future__ import annotations

import time

import pytest
from markupsafe import escape

from conformance.catalog import CaseSpec
from conformance.engine.progress import CaseFinished
from conformance.report.html import render_html
from conformance.report.labels import labels_for
from conformance.report.messages import fields, parse, render_message, translate
from conformance.report.messages_ja import MESSAGES_JA
from conformance.report.summary_md import summary_markdown
from conformance.results import CaseOutcome, Outcome, RunResult
from conformance.terminal_progress import case_line
from tests.harness import executable_content
from tests.message_sites import PASS_THROUGH, message_sites, templates

HOSTILE = "<script>alert(1)</script>"


def test_every_message_template_has_a_japanese_text() -> None:
    found = templates()
    missing = {text: where for text, where in found.items() if not MESSAGES_JA.get(text, "").strip()}
    assert not missing, f"message templates without a Japanese text (add them to messages_ja.py): {missing}"


def test_no_japanese_text_of_a_template_that_no_longer_exists() -> None:
    stale = sorted(set(MESSAGES_JA) - set(templates()))
    assert not stale, f"Japanese texts of message templates the source no longer makes: {stale}"


def test_a_message_made_elsewhere_is_passed_on_by_a_known_name() -> None:
    """A message that is neither a literal nor an f-string escapes the catalogue check unless it is known to be
    made at another site; a new one has to be written as a template or added to PASS_THROUGH."""
    unknown = sorted(f"{module}:{line}: {source}" for module, line, text, source in message_sites()
                     if text is None and source not in PASS_THROUGH)
    assert not unknown, unknown


def test_the_sites_are_found() -> None:
    found = templates()
    assert "token request answered HTTP {response.status}, expected 200" in found  # conformance/auth.py
    assert "{response.exchange.method} {_path(response)} answered HTTP {response.status}, expected {wanted}" in found
    assert "blocked by {RUN_TOKEN_CASE}: {message}" in found  # the plugin's wrapper
    assert len(found) > 150


@pytest.mark.parametrize("english", sorted(MESSAGES_JA))
def test_both_texts_have_the_same_fields(english: str) -> None:
    japanese = MESSAGES_JA[english]
    assert sorted(fields(english)) == sorted(fields(japanese))
    # fields with no text between them can only be told apart by their order: the Japanese keeps them together
    for before, after in zip(parse(english), parse(english)[1:]):
        if before[1] and after[1]:
            assert "{" + before[0] + "}{" + after[0] + "}" in japanese, (english, japanese)


@pytest.mark.parametrize("english", sorted(MESSAGES_JA))
def test_each_template_is_recognised_in_a_message_made_from_it(english: str) -> None:
    """Filled with distinct markers, the English text comes back as the Japanese text with the same markers."""
    markers = {name: f"⟦{number}⟧" for number, name in enumerate(dict.fromkeys(fields(english)))}
    adjacent = {after[0] for before, after in zip(parse(english), parse(english)[1:]) if before[1] and after[1]}
    fill = {name: "" if name in adjacent else marker for name, marker in markers.items()}

    def made(template: str) -> str:
        return "".join(fill[text] if is_field else text for text, is_field in parse(template))

    message = made(english)
    if not any(c.isalpha() for c in message):
        pytest.skip("a template of punctuation only is recognised around another message")
    assert translate(message) == made(MESSAGES_JA[english])


def test_a_wrapper_around_a_known_message_translates_both() -> None:
    message = "blocked by AUTH-TOKEN: token request answered HTTP 401, expected 200"
    assert render_message(message, "ja") == "AUTH-TOKEN によりブロック: トークンリクエストが HTTP 401 を返しました (期待値: 200)"
    assert render_message("GET /2/footprints: response body is not valid JSON: Expecting value at line 1 column 1",
                          "ja") == "GET /2/footprints: レスポンスボディが有効な JSON ではありません: 1 行 1 列で Expecting value"


def test_unknown_shortened_and_english_messages() -> None:
    assert render_message("a message no template makes", "ja") == "a message no template makes"
    assert render_message("token request answered HTTP 401, expected 200", "en") == (
        "token request answered HTTP 401, expected 200")
    long = "ListFootprints does not return the latest version of 9 footprint(s): " + "x; " * 50 + " …"
    assert render_message(long, "ja").startswith("ListFootprints が 9 件のフットプリントの最新版を返しません: x; ")
    assert render_message(long, "ja").endswith(" …")


def test_a_hostile_message_is_translated_quickly() -> None:
    hostile = ("GET / answered HTTP : expected with error code , " * 40)[:2000]
    started = time.monotonic()
    render_message(hostile, "ja")
    render_message("blocked by AUTH-TOKEN: " + hostile, "ja")
    assert time.monotonic() - started < 2


def _run(message: str) -> RunResult:
    spec = CaseSpec(id="GET-BROKEN", title="title", requirements=("GET-06",), mandatory="all", area="get")
    case = CaseOutcome(spec=spec, mandatory=True, outcome=Outcome.FAILED, message=message, failed_requirements=["GET-06"])
    return RunResult(tool_version="0", target={"base_url": "https://t.example", "spec_version": "2.3"}, spec="2.3",
                     profiles=[], started_at="s", finished_at="f", cases=[case], run_id="messages")


def test_japanese_reports_show_japanese_messages_with_the_target_strings_escaped() -> None:
    message = f"GET /2/footprints/{HOSTILE} answered HTTP 500, expected 200 or 404"
    run = _run(message)
    japanese = f"GET /2/footprints/{HOSTILE} が HTTP 500 を返しました (期待値: 200 or 404)"
    html = render_html(run, lang="ja")
    assert str(escape(japanese)) in html and "answered HTTP" not in html
    assert HOSTILE not in html and not executable_content(html)
    markdown = summary_markdown(run, lang="ja")
    assert "が HTTP 500 を返しました" in markdown and HOSTILE not in markdown
    assert run.to_dict()["cases"][0]["message"] == message  # report.json keeps the English message
    assert "answered HTTP 500" in render_html(run, lang="en")


def test_cli_progress_shows_the_japanese_message() -> None:
    event = CaseFinished("AUTH-TOKEN", "title", None, "failed", True, False,
                         "token request answered HTTP 401, expected 200", 1, 1)
    line = case_line(event, "ja", labels_for("ja"))
    assert "トークンリクエストが HTTP 401 を返しました" in line
    assert "token request answered" in case_line(event, "en", labels_for("en"))


def test_every_gxd_table_text_of_the_harness_has_a_japanese_text() -> None:
    from conformance.report.messages_ja import VALUES_JA
    from conformance.rules.gxd_chain import LABELS, TOTAL_LABEL

    for english in (*LABELS.values(), TOTAL_LABEL):
        assert VALUES_JA.get(english, "").strip(), f"GxD table text without a Japanese text: {english!r}"
        assert sorted(fields(english)) == sorted(fields(VALUES_JA[english]))


def test_japanese_gxd_tables_and_hotspot_legend() -> None:
    run = _run("")
    hotspots = [{"root_product_id": "p", "contribution": "Tier 0 gate-to-gate", "kgco2e_per_piece": 2.0},
                {"root_product_id": "p", "contribution": f"Upstream of Tier 1 {HOSTILE}", "kgco2e_per_piece": 1.0},
                {"root_product_id": "p", "contribution": "Total = Tier 0 Cradle-to-Gate per piece", "kgco2e_per_piece": 3.0}]
    run.cases[0].tables = {"hotspots": hotspots}
    html = render_html(run, lang="ja")
    assert "Tier 0 の Gate-to-Gate: 2.0 kgCO2e" in html  # the legend
    assert "合計 = Tier 0 の 1 個あたり Cradle-to-Gate" in html and "gate-to-gate" not in html
    assert str(escape(f"Tier 1 {HOSTILE} の上流")) in html and HOSTILE not in html
    assert run.cases[0].tables["hotspots"][0]["contribution"] == "Tier 0 gate-to-gate"  # the run's data is untouched


def test_a_transport_error_of_an_exchange_is_shown_in_japanese() -> None:
    run = _run("target unreachable or broken: connection failed: refused")
    run.cases[0].evidence = [{"method": "GET", "url": "https://t.example/2/footprints", "request": {"headers": {}},
                              "response": None, "error": f"connection failed: {HOSTILE}"}]
    html = render_html(run, lang="ja")
    assert str(escape(f"接続に失敗しました: {HOSTILE}")) in html and "connection failed" not in html
    assert "試験対象に接続できないか異常です: 接続に失敗しました: refused" in html
