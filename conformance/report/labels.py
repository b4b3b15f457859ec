"""Every label the HTML report and CLI summary print, per language.

Keys are the same in every language; a test checks that no language misses one.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "PACT conformance report",
        "verdict": "Verdict",
        "conformant": "conformant",
        "not-conformant": "not conformant",
        "incomplete": "incomplete",
        "target": "Target",
        "spec": "Spec version",
        "profiles": "Profiles",
        "none": "none",
        "started": "Started",
        "finished": "Finished",
        "tool": "Tool",
        "insecure_tls": "TLS verification was switched OFF for this run (--insecure-tls). This result must not be used for certification.",
        "summary": "Summary",
        "mandatory": "mandatory",
        "optional": "optional",
        "cases": "Cases",
        "case": "Case",
        "official": "Official",
        "outcome": "Outcome",
        "requirements": "Requirements",
        "message": "Message",
        "duration": "Duration (s)",
        "details": "Details and evidence",
        "notes": "Notes",
        "findings": "Findings",
        "evidence": "Exchanges (secrets redacted)",
        "request": "Request",
        "response": "Response",
        "error": "Error",
        "passed": "passed",
        "failed": "failed",
        "skipped": "not run",
        "beyond_official": "beyond the official tool",
        "verdicts": "Verdict per part",
        "pact": "PACT",
        "gxd": "GxD",
        "yes": "yes",
        "no": "no",
        "rule": "Rule",
        "pointer": "Location",
        "severity": "Severity",
        "footprint": "Footprint",
        "truncated": "(truncated)",
        "cli_summary": "Verdict: {verdict} — mandatory {passed} passed, {failed} failed, {error} error, {skipped} not run; optional warnings {warnings}",
        "cli_reports": "Reports: {path} (also report.json, summary.md, badge.json, junit.xml, allure-results/)",
        "cli_baseline": "Baseline {path}: {new_failures} new failures ({new_mandatory_failures} mandatory), {fixed} fixed, "
                        "{still_failing} still failing, {newly_skipped} newly not run, {new_cases} new cases, "
                        "{removed_cases} removed cases; findings: {new_findings} new ({new_error_findings} error level "
                        "in mandatory cases), {fixed_findings} fixed",
        "md_heading": "PACT conformance {spec}",
        "md_counts": "Mandatory cases: {passed} passed, {failed} failed, {error} error, {skipped} not run; optional warnings: {warnings}",
        "failed_mandatory": "Failed mandatory cases",
        "baseline": "Changes since the baseline",
        "baseline_run": "Baseline run",
        "regression": "regression: a mandatory case fails that did not fail in the baseline, or holds an "
                      "error-level finding the baseline did not have",
        "no_regression": "no regression: no mandatory case fails that did not fail in the baseline, and no "
                         "mandatory case holds a new error-level finding",
        "findings_line": "Findings (distinct by rule, footprint and pointer): {failed} failed (error level), "
                         "{warnings} warnings, {info} info",
        "new_findings": "New findings",
        "fixed_findings": "Fixed findings",
        "new_failures": "New failures",
        "new_failure": "new",
        "fixed": "Fixed",
        "still_failing": "Still failing",
        "newly_skipped": "Newly not run",
        "new_cases": "New cases",
        "removed_cases": "Removed cases",
        "cli_run": "PACT {spec} conformance run against {where}",
        "embedded_host": "embedded reference host",
    },
    "ja": {
        "title": "PACT 適合性試験レポート",
        "verdict": "判定",
        "conformant": "適合",
        "not-conformant": "不適合",
        "incomplete": "未完了",
        "target": "試験対象",
        "spec": "仕様バージョン",
        "profiles": "プロファイル",
        "none": "なし",
        "started": "開始",
        "finished": "終了",
        "tool": "ツール",
        "insecure_tls": "この実行では TLS 検証が無効でした (--insecure-tls)。この結果を認証に使用してはいけません。",
        "summary": "概要",
        "mandatory": "必須",
        "optional": "任意",
        "cases": "試験ケース",
        "case": "ケース",
        "official": "公式ケース",
        "outcome": "結果",
        "requirements": "要件",
        "message": "メッセージ",
        "duration": "所要時間 (秒)",
        "details": "詳細と証跡",
        "notes": "注記",
        "findings": "検出事項",
        "evidence": "通信記録 (秘密情報は伏字)",
        "request": "リクエスト",
        "response": "レスポンス",
        "error": "エラー",
        "passed": "合格",
        "failed": "不合格",
        "skipped": "未実施",
        "beyond_official": "公式ツール対象外",
        "verdicts": "区分ごとの判定",
        "pact": "PACT",
        "gxd": "GxD",
        "yes": "はい",
        "no": "いいえ",
        "rule": "規則",
        "pointer": "位置",
        "severity": "重大度",
        "footprint": "フットプリント",
        "truncated": "(以下省略)",
        "cli_summary": "判定: {verdict} — 必須 合格 {passed}、不合格 {failed}、エラー {error}、未実施 {skipped}; 任意ケースの警告 {warnings}",
        "cli_reports": "レポート: {path} (report.json、summary.md、badge.json、junit.xml、allure-results/ も出力)",
        "cli_baseline": "ベースライン {path}: 新たな不合格 {new_failures} (うち必須 {new_mandatory_failures})、解消 {fixed}、"
                        "引き続き不合格 {still_failing}、新たに未実施 {newly_skipped}、新規ケース {new_cases}、"
                        "削除されたケース {removed_cases}; 指摘: 新規 {new_findings} (うち必須ケースのエラー "
                        "{new_error_findings})、解消 {fixed_findings}",
        "md_heading": "PACT {spec} 適合性試験",
        "md_counts": "必須ケース: 合格 {passed}、不合格 {failed}、エラー {error}、未実施 {skipped}; 任意ケースの警告 {warnings}",
        "failed_mandatory": "不合格の必須ケース",
        "baseline": "ベースラインからの変化",
        "baseline_run": "ベースラインの実行",
        "regression": "後退あり: ベースラインで不合格でなかった必須ケースが不合格、またはベースラインになかった"
                      "エラーの指摘が必須ケースにある",
        "no_regression": "後退なし: ベースラインで不合格でなかった必須ケースに不合格はなく、必須ケースに新たな"
                         "エラーの指摘もない",
        "findings_line": "指摘 (規則・フットプリント・位置ごと): 不合格 (エラー) {failed}、警告 {warnings}、情報 {info}",
        "new_findings": "新たな指摘",
        "fixed_findings": "解消した指摘",
        "new_failures": "新たな不合格",
        "new_failure": "新規",
        "fixed": "解消",
        "still_failing": "引き続き不合格",
        "newly_skipped": "新たに未実施",
        "new_cases": "新規ケース",
        "removed_cases": "削除されたケース",
        "cli_run": "PACT {spec} 適合性試験 対象: {where}",
        "embedded_host": "組み込みリファレンスホスト",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


def case_title(case_id: str, english_title: str, lang: str) -> str:
    """A case's title in the report language; English is the declaration itself."""
    if lang == "ja":
        from conformance.report.titles_ja import CASE_TITLES_JA

        return CASE_TITLES_JA.get(case_id, english_title)
    return english_title
