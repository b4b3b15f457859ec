"""The round report's words in English and Japanese (`round --lang ja`); verdict words come from
conformance/report/labels.py, shared with the solution reports."""

from __future__ import annotations

from conformance.report.labels import labels_for

# key -> (English, Japanese): each phrase beside its translation.
_WORDS: dict[str, tuple[str, str]] = {
    "title": ("PACT conformance round {name}", "PACT 適合性試験ラウンド {name}"),
    "conformant_of": ("{conformant} of {total} solutions conformant",
                      "{total} ソリューション中 {conformant} 件が適合"),
    "round": ("round", "ラウンド"),
    "workers": ("workers", "並列数"),
    "shard": ("shard", "シャード"),
    "solutions": ("Solutions", "ソリューション"),
    "solution": ("Solution", "ソリューション"),
    "spec": ("Spec", "仕様"),
    "profiles": ("Profiles", "プロファイル"),
    "status": ("Status", "状態"),
    "verdict": ("Verdict", "判定"),
    "official": ("Official cases", "公式テストケース"),
    "per_profile": ("Per profile", "プロファイル別"),
    "mandatory_counts": ("Mandatory passed / failed / not run", "必須 合格 / 不合格 / 未実施"),
    "duration": ("Duration", "所要時間"),
    "newly_passing": ("Newly passing", "新たに合格"),
    "regressed": ("Regressed", "後退"),
    "report": ("Report", "レポート"),
    "certificate": ("Certificate", "証明書"),
    "note": ("Note", "備考"),
    "failed_mandatory": ("Failed mandatory", "不合格の必須ケース"),
    "self_signed": ("self-signed", "自己署名"),
    "public_key": ("public key", "公開鍵"),
    "chains": ("GxD supply chains across solutions", "ソリューション間の GxD サプライチェーン"),
    "chain": ("Chain", "チェーン"),
    "tier": ("Tier", "ティア"),
    "gxd_footprints": ("GxD footprints", "GxD フットプリント数"),
    "tier_table": ("Per-tier reconciliation", "ティア別の照合"),
    "hotspots": ("Hotspots (share of the Tier-0 Cradle-to-Gate)",
                 "ホットスポット (Tier-0 Cradle-to-Gate に占める割合)"),
    "findings": ("Findings", "指摘事項"),
    "matrix": ("Matrix: solutions × areas", "マトリクス: ソリューション × 区分"),
    "matrix_note": ("One cell per area: how many of its cases passed, failed and did not run; open a cell for its "
                    "cases. Bold cases are mandatory for that solution; an empty cell means no case of the area "
                    "applies to its spec version or profiles. round.csv has one column per case.",
                    "区分ごとに 1 セル: その区分のケースのうち合格・不合格・未実施の件数です。セルを開くとケースの"
                    "一覧が表示されます。太字のケースはそのソリューションで必須です。空のセルは、その仕様バージョン"
                    "またはプロファイルに該当するケースが区分にないことを示します。ケースごとの列は round.csv に"
                    "あります。"),
    "mandatory_failed": ("mandatory failed", "必須の不合格"),
    "partial_rows": ("A partial run (-k selection, --no-fuzz, ...) is shown as partial, never as conformant.",
                     "部分実行 (-k による選択、--no-fuzz など) は適合ではなく部分実行と表示します。"),
    "chain_line": ("GxD chain", "GxD チェーン"),
    "cli_done": ("round {name}{shard}: {conformant} of {total} solutions conformant",
                "ラウンド {name}{shard}: {total} ソリューション中 {conformant} が適合"),
    "cli_report": ("round report: {path}", "ラウンドレポート: {path}"),
}


def round_labels(lang: str) -> dict[str, str]:
    """The round report's words plus the shared verdict and outcome words, in `lang`."""
    column = 1 if lang == "ja" else 0
    return {**labels_for(lang), **{key: pair[column] for key, pair in _WORDS.items()}}
