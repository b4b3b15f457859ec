"""Japanese texts of the case messages, keyed by the English template as the source writes it.

Each `{expression}` is a variable part: it is copied from the English message into the Japanese text as it came
(see conformance/report/messages.py). tests/test_messages.py fails when a message template of the cases or the
harness has no entry here, when an entry names no template any more, or when the two texts differ in their fields.
"""

from __future__ import annotations

MESSAGES_JA: dict[str, str] = {
    # cases/access.py
    '{what} answered 403 but carried `data`':
        '{what} が 403 を返しましたが `data` を含んでいました',
    '{what} answered 403 with error code {str(code)[:80]}, expected {ACCESS_DENIED}':
        '{what} が 403 とエラーコード {str(code)[:80]} を返しました (期待値: {ACCESS_DENIED})',
    'ListFootprints gave the restricted client {len(leaked)} footprint(s) the first client sees (e.g. {leaked[:3]}); access management must filter them or deny the request with 403 AccessDenied':
        'ListFootprints が制限付きクライアントに、最初のクライアントが見えるフットプリントを {len(leaked)} 件返しました (例: {leaked[:3]})。アクセス管理はそれらを除外するか、403 AccessDenied でリクエストを拒否しなければなりません',
    "the restricted client's request was fulfilled with {len(delivered)} footprint(s) (e.g. {delivered[:3]}); a recipient without grants must be rejected with AccessDenied":
        '制限付きクライアントのリクエストに {len(delivered)} 件のフットプリントが提供されました (例: {delivered[:3]})。権限のない受信者は AccessDenied で拒否されなければなりません',
    "not run: needs a second client granted none of the first client's footprints (--restricted-client-id and PACT_RESTRICTED_CLIENT_SECRET)":
        '未実施: 最初のクライアントのフットプリントに一切権限のない 2 つ目のクライアントが必要です (--restricted-client-id と PACT_RESTRICTED_CLIENT_SECRET)',
    "the first client's listing has no footprint with an id, so there is nothing to withhold":
        '最初のクライアントの一覧に ID を持つフットプリントがないため、差し止める対象がありません',
    'GetFootprint answered 404 but carried `data`':
        'GetFootprint が 404 を返しましたが `data` を含んでいました',
    "the first client's listing has no footprint with productIds to request":
        '最初のクライアントの一覧に、リクエストに使える productIds を持つフットプリントがありません',
    'the restricted client could not authenticate: {exc}':
        '制限付きクライアントが認証できませんでした: {exc}',
    # cases/auth.py
    '{_describe(response)}: token response is not a JSON object':
        '{_describe(response)}: トークン応答が JSON オブジェクトではありません',
    '{_describe(response)}: token response has no non-empty access_token string':
        '{_describe(response)}: トークン応答に空でない access_token 文字列がありません',
    '{_describe(response)} issued an access_token although the request must be refused':
        '{_describe(response)} が access_token を発行しました。このリクエストは拒否されなければなりません',
    '{_describe(response)}: HTTP {response.status} without an RFC 6749 §5.2 JSON body with `error`':
        '{_describe(response)}: HTTP {response.status} に、`error` を含む RFC 6749 §5.2 の JSON ボディがありません',
    "{_describe(response)}: error is {str(body['error'])[:80]}, expected {' or '.join(sorted(errors))}":
        "{_describe(response)}: error が {str(body['error'])[:80]} です (期待値: {' or '.join(sorted(errors))})",
    '{_describe(response)} with {what} answered HTTP {response.status}, expected {wanted}':
        '{_describe(response)} ({what}) が HTTP {response.status} を返しました (期待値: {wanted})',
    '{_describe(response)} with {what} returned `data`':
        '{_describe(response)} ({what}) が `data` を返しました',
    'token response has no token_type string':
        'トークン応答に token_type 文字列がありません',
    "token_type is {str(token_type)[:40]}, expected 'bearer' (case-insensitive, A-05)":
        "token_type が {str(token_type)[:40]} です (期待値: 'bearer'、大文字小文字は区別しない、A-05)",
    'expires_in is {str(expires_in)[:40]}, expected a positive integer when present':
        'expires_in が {str(expires_in)[:40]} です。指定する場合は正の整数でなければなりません',
    "Cache-Control is {response.headers.get('cache-control', 'missing')}, expected no-store (RFC 6749 §5.1)":
        "Cache-Control が {response.headers.get('cache-control', 'missing')} です (期待値: no-store、RFC 6749 §5.1)",
    'expires_in is {str(expires_in)[:40]}: tokens SHOULD expire and the response should say when':
        'expires_in が {str(expires_in)[:40]} です。トークンには有効期限を設けるべきで (SHOULD)、応答はそれを示すべきです',
    'OpenID Connect discovery answered HTTP {response.status} without a JSON object':
        'OpenID Connect ディスカバリーが JSON オブジェクトなしで HTTP {response.status} を返しました',
    'the discovery document has no absolute https token_endpoint ({str(endpoint)[:120]}); credentials were not sent':
        'ディスカバリー文書に https の絶対 URL の token_endpoint がありません ({str(endpoint)[:120]})。資格情報は送信していません',
    'the discovery document is not a JSON object':
        'ディスカバリー文書が JSON オブジェクトではありません',
    "discovery document: {'; '.join(problems)}":
        "ディスカバリー文書: {'; '.join(problems)}",
    '{_describe(response)} with {what} answered 403, expected {wanted}: since 2.2, 403 AccessDenied means a valid token without permission, and the official tool fails 403 here (ambiguity A-02)':
        '{_describe(response)} ({what}) が 403 を返しました (期待値: {wanted})。2.2 以降、403 AccessDenied は権限のない有効なトークンを意味し、公式ツールはここでの 403 を不合格とします (曖昧さ A-02)',
    'the host offers no OpenID Connect discovery document (optional)':
        'ホストは OpenID Connect ディスカバリー文書を提供していません (任意)',
    'tokens live {lifetime} (waited out only up to {MAX_EXPIRY_WAIT_S} s); supply an expired token to test expiry':
        'トークンの有効期間は {lifetime} です (待機は最大 {MAX_EXPIRY_WAIT_S} 秒まで)。有効期限切れの試験には期限切れのトークンを指定してください',
    '{exc.message} (AUTH-OIDC-TOKEN reports it)':
        '{exc.message} (AUTH-OIDC-TOKEN が報告)',
    # cases/datamodel.py
    "{len(errors)} MUST violation(s) in {footprints} footprint(s) ({_per_rule(errors)}); first: {first.rule} at {first.pointer or '/'} of {first.footprint_id}: {first.message}":
        "{footprints} 件のフットプリントに MUST 違反が {len(errors)} 件 ({_per_rule(errors)})。最初の違反: {first.footprint_id} の {first.pointer or '/'} で {first.rule}: {first.message}",
    # cases/errors.py
    '{what} answered HTTP {response.status} with an empty body; expected a JSON {{code, message}} error body':
        '{what} が空のボディで HTTP {response.status} を返しました。JSON の {{code, message}} エラーボディが必要です',
    "{what} answered HTTP {response.status} with a malformed error body: {'; '.join(problems)}":
        "{what} が不正な形式のエラーボディで HTTP {response.status} を返しました: {'; '.join(problems)}",
    'none of the provoked errors carried a PACT error body with a code (ERR-BODY-SHAPE judges bodies)':
        '誘発したエラーのどれにも、コード付きの PACT エラーボディがありませんでした (ボディは ERR-BODY-SHAPE が判定)',
    'GetFootprint for an unknown id answered HTTP {response.status}, no error to inspect (GET-NOT-FOUND judges the status)':
        '存在しない ID の GetFootprint が HTTP {response.status} を返し、調べるエラーがありません (ステータスは GET-NOT-FOUND が判定)',
    "{label} answered HTTP {status} with error code {code}; that code belongs to HTTP {' or '.join((str(s) for s in sorted(allowed)))}":
        "{label} が HTTP {status} とエラーコード {code} を返しました。このコードは HTTP {' or '.join((str(s) for s in sorted(allowed)))} のものです",
    "{label} answered HTTP {status} with error code {code}, the name of another spec version; {session.version.spec} uses {', '.join(sorted(own))} (A-09)":
        "{label} が HTTP {status} とエラーコード {code} を返しました。これは別の仕様バージョンの名前です。{session.version.spec} では {', '.join(sorted(own))} を使います (A-09)",
    '{label} answered HTTP {response.status} with a `data` member; error answers must not carry data':
        '{label} が `data` メンバー付きで HTTP {response.status} を返しました。エラー応答に data を含めてはいけません',
    'ListFootprints with an invalid token answered HTTP {response.status} (the AUTH cases judge it)':
        '無効なトークンでの ListFootprints が HTTP {response.status} を返しました (AUTH ケースが判定)',
    "{label} answered HTTP {status} with error code {code}, which is not a PACT error code ({', '.join(sorted(STATUS_OF_CODE))})":
        "{label} が HTTP {status} とエラーコード {code} を返しました。これは PACT のエラーコードではありません ({', '.join(sorted(STATUS_OF_CODE))})",
    # cases/events.py
    'ListFootprints returned no footprint with productIds, so no request event can name a product':
        'ListFootprints が productIds を持つフットプリントを返さなかったため、リクエストイベントで製品を指定できません',
    'the request event {request.id} was answered HTTP {status}, so no answer event can follow (EVT-23); see the request case':
        'リクエストイベント {request.id} への応答が HTTP {status} だったため、回答イベントは続きません (EVT-23)。リクエストのケースを参照してください',
    "the answer event came with a {answer.bearer} bearer token; a sender must first obtain a token at the recipient's auth endpoint (AUTH-R1)":
        '回答イベントに {answer.bearer} の Bearer トークンが付いていました。送信者はまず受信者の認証エンドポイントでトークンを取得しなければなりません (AUTH-R1)',
    "the answer event's Content-Type is {answer.content_type or 'missing'}, expected {EVENT_MEDIA_TYPE}":
        "回答イベントの Content-Type が {answer.content_type or 'missing'} です (期待値: {EVENT_MEDIA_TYPE})",
    "the answer event is not a valid {session.version.event_types[kind]}: {'; '.join(problems)}":
        "回答イベントが有効な {session.version.event_types[kind]} ではありません: {'; '.join(problems)}",
    'data.pfs is not an array':
        'data.pfs が配列ではありません',
    'no delivered footprint has the requested productIds {product_ids}; delivered productIds: {sorted(delivered)[:10]}':
        '要求した productIds {product_ids} を持つフットプリントが提供されていません。提供された productIds: {sorted(delivered)[:10]}',
    'the target fulfilled a request for the unknown product {UNKNOWN_PRODUCT}':
        '試験対象が存在しない製品 {UNKNOWN_PRODUCT} へのリクエストに応じました',
    'data.error must be an object with a code and a message, got {str(error)[:120]}':
        'data.error はコードとメッセージを持つオブジェクトでなければなりませんが、{str(error)[:120]} でした',
    'POST {url} over plain HTTP answered HTTP {response.status}: the event was accepted without TLS':
        '平文 HTTP での POST {url} が HTTP {response.status} を返しました: イベントが TLS なしで受理されました',
    'the published event with pfIds {[MALFORMED_PF_ID]} was answered HTTP {response.status}; a malformed event is refused with a 4xx':
        'pfIds {[MALFORMED_PF_ID]} のイベントへの応答が HTTP {response.status} でした。不正なイベントは 4xx で拒否されます',
    'the accepted event was answered with a {len(response.body)}-byte body; the Events action answers 200 with an empty body (v2 MUST, v3 SHOULD)':
        '受理されたイベントへの応答に {len(response.body)} バイトのボディがありました。Events アクションは空のボディで 200 を返します (v2 では MUST、v3 では SHOULD)',
    "malformed events were not rejected with 4xx: {'; '.join(accepted)}":
        "不正なイベントが 4xx で拒否されませんでした: {'; '.join(accepted)}",
    'an event of type {other} on {session.version.path_prefix}/events was answered HTTP {response.status}, expected 4xx':
        '{session.version.path_prefix}/events への種類 {other} のイベントに HTTP {response.status} が返されました (期待値: 4xx)',
    "events answering an unknown request must be accepted (200) or refused (4xx, A-19), never crash the host: {'; '.join(wrong)}":
        "未知のリクエストに回答するイベントは受理 (200) または拒否 (4xx、A-19) されなければならず、ホストが異常終了してはいけません: {'; '.join(wrong)}",
    'two answer events share the id {ids[0]}':
        '2 つの回答イベントが同じ ID {ids[0]} を持っています',
    "the rejection of a request for an unknown product has code {str(error['code'])[:80]}, expected {expected} (EVT-41, A-09)":
        "存在しない製品へのリクエストの拒否のコードが {str(error['code'])[:80]} です (期待値: {expected}、EVT-41、A-09)",
    "each accepted request must be answered by exactly one event (a retry only follows a failed delivery): {'; '.join(extra)}":
        "受理された各リクエストには、ちょうど 1 つのイベントで回答しなければなりません (再送は配信に失敗した場合のみ): {'; '.join(extra)}",
    "no event answering request {request.id} (data.requestEventId) arrived at {listener.url} within {session.options.event_timeout_s} s (EVT-24); the harness's events host received: {heard}":
        'リクエスト {request.id} に回答するイベント (data.requestEventId) が {session.options.event_timeout_s} 秒以内に {listener.url} に届きませんでした (EVT-24)。試験ツールのイベントホストが受信したもの: {heard}',
    'data.pfs is empty, although the request named the productIds of a listed footprint ({rule})':
        'リクエストは一覧にあるフットプリントの productIds を指定しましたが、data.pfs が空です ({rule})',
    'data.pfs[{index}] is not a footprint with an id and productIds':
        'data.pfs[{index}] が ID と productIds を持つフットプリントではありません',
    "{len(errors)} data-model error(s) in the delivered footprints (see findings), e.g. footprint {first.footprint_id}: {first.rule} at {first.pointer or '/'}: {first.message}":
        "提供されたフットプリントにデータモデルのエラーが {len(errors)} 件 (検出事項を参照)。例: フットプリント {first.footprint_id} の {first.pointer or '/'} で {first.rule}: {first.message}",
    'ListFootprints returned no footprint to put into a fulfilled event':
        'ListFootprints が、応答イベントに入れるフットプリントを返しませんでした',
    'no answer event arrived (see EVT-REQUEST-FULFILLED and EVT-REQUEST-REJECTED)':
        '回答イベントが届きませんでした (EVT-REQUEST-FULFILLED と EVT-REQUEST-REJECTED を参照)',
    "the answer to request {request.id} was POSTed to {answer.path or '/'}; the recipient's Events action is the request's source ({listener.url}) or {{source}}{path} (A-27)":
        "リクエスト {request.id} への回答が {answer.path or '/'} に POST されました。受信者の Events アクションはリクエストの source ({listener.url}) または {{source}}{path} です (A-27)",
    "the answer event reuses the request's id {request.id}; every event needs a fresh id":
        '回答イベントがリクエストの ID {request.id} を再利用しています。イベントごとに新しい ID が必要です',
    'no fulfilled event with footprint ids arrived (see EVT-REQUEST-FULFILLED)':
        'フットプリント ID 付きの応答イベントが届きませんでした (EVT-REQUEST-FULFILLED を参照)',
    'GetFootprint({footprint_id}) returned id {str(got)[:80]}':
        'GetFootprint({footprint_id}) が ID {str(got)[:80]} を返しました',
    'the target refused the request at once (A-18); there is no rejection event to check':
        '試験対象はリクエストを即座に拒否しました (A-18)。確認する拒否イベントはありません',
    'no rejected event with an error code arrived (see EVT-REQUEST-REJECTED)':
        'エラーコード付きの拒否イベントが届きませんでした (EVT-REQUEST-REJECTED を参照)',
    # cases/filters.py
    '{query} matches no footprint, yet {len(data)} footprint(s) were returned':
        '{query} に一致するフットプリントはないはずですが、{len(data)} 件返されました',
    "no footprint on the target's first ListFootprints page has a value for `{name}`, so there is no known match to filter for":
        '試験対象の ListFootprints の最初のページに `{name}` の値を持つフットプリントがないため、一致が分かっている絞り込み値がありません',
    'no listed footprint has a determinable validity period (explicit, or referencePeriodEnd)':
        '有効期間を判定できるフットプリント (明示的、または referencePeriodEnd) が一覧にありません',
    '{query} returned {len(wrong)} footprint(s) that do not satisfy {meaning}, e.g. id {_id(wrong[0])}':
        '{query} が {meaning} を満たさないフットプリントを {len(wrong)} 件返しました。例: ID {_id(wrong[0])}',
    '{query} did not return footprint {_id(missing[0])}, which the unfiltered listing contains and which satisfies {meaning}':
        '{query} がフットプリント {_id(missing[0])} を返しませんでした。これは絞り込みなしの一覧にあり、{meaning} を満たします',
    "{query} matches no footprint and was answered HTTP {response.status}; expected 200 with `data: []`{' (or 400 for an invalid value)' if also else ''}":
        "{query} に一致するフットプリントはありませんが、HTTP {response.status} が返されました。`data: []` 付きの 200 が必要です{' (or 400 for an invalid value)' if also else ''}",
    'no listed footprint has a geography (country, subdivision or region), so there is no known match':
        '地理情報 (国、地域区分、地域) を持つフットプリントが一覧にないため、一致が分かっている値がありません',
    'no listed footprint has a status, so there is no known match':
        '状態 (status) を持つフットプリントが一覧にないため、一致が分かっている値がありません',
    'no listed footprint has both a status and a productId':
        '状態 (status) と productId の両方を持つフットプリントが一覧にありません',
    'no listed footprint has a productId, companyId, classification, geography or status':
        'productId、companyId、分類、地理情報、状態のいずれかを持つフットプリントが一覧にありません',
    'no criterion value is shared by two listed footprints, so a filtered listing cannot span pages':
        '2 件のフットプリントに共通する条件値がないため、絞り込んだ一覧が複数ページにわたることはありません',
    '$filter={expression} refused with HTTP 400 and code {code}; a host that refuses a filter must answer with code NotImplemented':
        '$filter={expression} が HTTP 400 とコード {code} で拒否されました。絞り込みを拒否するホストはコード NotImplemented で応答しなければなりません',
    'no listed footprint has a valid `created` date-time':
        '有効な `created` 日時を持つフットプリントが一覧にありません',
    'no listed footprint has a productId or a pcf.geographyCountry':
        'productId または pcf.geographyCountry を持つフットプリントが一覧にありません',
    'no listed footprint has a productId, companyId, classification or status to probe near':
        '近傍を試す productId、companyId、分類、状態のいずれかを持つフットプリントが一覧にありません',
    # cases/fuzz.py
    '{len(problems)} fuzzing failure(s): {shown}{more}. Each finding has a reproducing curl line.':
        'ファジングの不合格が {len(problems)} 件: {shown}{more}。各検出事項に再現用の curl コマンドがあります。',
    'fuzzing was interrupted (Ctrl-C); nothing failed in the partial results':
        'ファジングが中断されました (Ctrl-C)。途中までの結果に不合格はありません',
    '{silent[0]} while fuzzing':
        'ファジング中に {silent[0]}',
    "nothing was fuzzed: {'; '.join((n for r in reports for n in r.notes)) or 'no operation'}":
        "何もファジングしませんでした: {'; '.join((n for r in reports for n in r.notes)) or 'no operation'}",
    'fuzzing is disabled (--no-fuzz)':
        'ファジングは無効です (--no-fuzz)',
    # cases/get.py
    "GetFootprint returned id {str(data.get('id'))[:80]}, expected {footprint_id}":
        "GetFootprint が ID {str(data.get('id'))[:80]} を返しました (期待値: {footprint_id})",
    "GetFootprint for an unknown id answered HTTP {response.status} with error code {str(code)[:80]}; expected one of {', '.join(accepted)} (A-09, A-24)":
        "存在しない ID の GetFootprint が HTTP {response.status} とエラーコード {str(code)[:80]} を返しました。期待値は {', '.join(accepted)} のいずれかです (A-09、A-24)",
    "GetFootprint does not return the listed document for {len(mismatches)} footprint(s): {'; '.join(mismatches[:5])}":
        "GetFootprint が {len(mismatches)} 件のフットプリントについて、一覧と同じ文書を返しません: {'; '.join(mismatches[:5])}",
    'ListFootprints returned no footprint with an id':
        'ListFootprints が ID を持つフットプリントを返しませんでした',
    # cases/gxd.py
    'the target serves no GxD footprint (no GxD extension and no product of the chain)':
        '試験対象は GxD フットプリントを提供していません (GxD 拡張もチェーンの製品もありません)',
    "{len(errors)} GxD rule violation(s); first: {first.rule} at {first.pointer or '/'} of {first.footprint_id}: {first.message}":
        "GxD 規則の違反が {len(errors)} 件。最初の違反: {first.footprint_id} の {first.pointer or '/'} で {first.rule}: {first.message}",
    'no served footprint carries a GxD extension in ProductFootprint.extensions':
        'ProductFootprint.extensions に GxD 拡張を持つフットプリントが提供されていません',
    'the target serves no footprint of the supply chain in the bill of materials':
        '試験対象は部品表 (BOM) のサプライチェーンのフットプリントを提供していません',
    '{len(errors)} chain inconsistency(ies); first: {errors[0].message}':
        'チェーンの不整合が {len(errors)} 件。最初の不整合: {errors[0].message}',
    "{NO_BOM}: the fixture chain is the embedded host's, and the target serves no buyer of it together with its suppliers":
        '{NO_BOM}: フィクスチャのチェーンは組み込みホストのもので、試験対象はその購入者とサプライヤーを併せて提供していません',
    'the host answers an unsolicited fulfilled event with {control} even without extensions (allowed, A-19), so acceptance of extensions cannot be observed this way':
        'ホストは拡張なしでも、求められていない応答イベントに {control} を返します (許容、A-19)。そのため、この方法では拡張の受理を確認できません',
    'the host accepted the event without extensions (200) but answered {status} when the footprint carried data model extensions; hosts MUST accept extensions they do not support':
        'ホストは拡張なしのイベントを受理しました (200) が、フットプリントにデータモデル拡張があると {status} を返しました。ホストは対応していない拡張も受理しなければなりません (MUST)',
    # cases/list.py
    "ListFootprints returned {len(data)} footprints, the run's first ListFootprints returned {earlier}; identical requests must give the same result":
        'ListFootprints が {len(data)} 件のフットプリントを返しましたが、この実行で最初の ListFootprints は {earlier} 件でした。同一のリクエストは同じ結果を返さなければなりません',
    'ListFootprints without a filter answered HTTP 202 (incomplete result); 202 is only allowed when a filter was given (v2 MUST NOT; v3 lists 200 only, A-11)':
        '絞り込みなしの ListFootprints が HTTP 202 (不完全な結果) を返しました。202 は絞り込みを指定した場合のみ許されます (v2 では MUST NOT、v3 は 200 のみ、A-11)',
    "ListFootprints does not return the latest version of {len(stale)} footprint(s): {'; '.join(stale[:5])}":
        "ListFootprints が {len(stale)} 件のフットプリントの最新版を返しません: {'; '.join(stale[:5])}",
    'no GetFootprint answer carried a version to compare with the list':
        '一覧と比べるバージョンを含む GetFootprint の応答がありませんでした',
    # cases/official.py
    "PACT's official tool reports FAILURE: {judgement.message}":
        'PACT 公式ツールの判定は FAILURE: {judgement.message}',
    'the official tool stops before its test cases: ListFootprints returned no footprint ("No footprint data returned from the API")':
        '公式ツールは試験ケースの前に停止します: ListFootprints がフットプリントを返しませんでした ("No footprint data returned from the API")',
    "PACT's official tool reports FAILURE: ListFootprints ?limit=1 sent no Link header ({error or 'none'}), so the tool requests {base}undefined":
        "PACT 公式ツールの判定は FAILURE: ListFootprints ?limit=1 が Link ヘッダーを送りませんでした ({error or 'none'})。そのためツールは {base}undefined をリクエストします",
    'the official tool stops before its test cases: {exc}':
        '公式ツールは試験ケースの前に停止します: {exc}',
    # cases/pagination.py
    'ListFootprints ?limit=1 answered HTTP {response.status} without a Link header with rel="next" although the host lists at least 2 footprints (Link: {response.headers.get(\'link\', \'absent\')})':
        'ListFootprints ?limit=1 が rel="next" の Link ヘッダーなしで HTTP {response.status} を返しました。ホストは少なくとも 2 件のフットプリントを一覧に持っています (Link: {response.headers.get(\'link\', \'absent\')})',
    'the pagination link {link[:200]} is not an absolute URL':
        'ページネーションのリンク {link[:200]} が絶対 URL ではありません',
    'the pagination link {link[:200]} points to another origin (scheme, host or port) than the request; it is not called with the access token':
        'ページネーションのリンク {link[:200]} がリクエストとは別のオリジン (スキーム、ホスト、ポート) を指しています。アクセストークン付きでは呼び出しません',
    'the paged traversal ({walk.describe()}) differs from the unpaged list of {len(expected)} footprints: {len(missing)} missing {missing[:5]}, {len(extra)} not in the unpaged list {extra[:5]}. A Link rel="next" must be sent while more footprints remain and must lead to the next footprints.':
        'ページをたどった結果 ({walk.describe()}) が、{len(expected)} 件のフットプリントのページなし一覧と異なります: 不足 {len(missing)} 件 {missing[:5]}、ページなし一覧にないもの {len(extra)} 件 {extra[:5]}。フットプリントが残っている間は Link rel="next" を送り、それが次のフットプリントへ導かなければなりません。',
    'the paged traversal ({walk.describe()}) returns {len(repeated)} footprint(s) more than once: {repeated[:5]}':
        'ページをたどった結果 ({walk.describe()}) に、2 回以上現れるフットプリントが {len(repeated)} 件あります: {repeated[:5]}',
    'the traversal does not end ({walk.describe()}): page {last.number} still links to {link[:200]}; the last page must carry no rel="next"':
        'ページのたどりが終わりません ({walk.describe()}): ページ {last.number} がまだ {link[:200]} にリンクしています。最後のページには rel="next" を付けてはいけません',
    'the pagination link {link[:200]} returned {calls[0][:5]} on the first call and {calls[1][:5]} on the second; a link must return the same set each time (v2 MUST, implied in v3)':
        'ページネーションのリンク {link[:200]} が、1 回目の呼び出しで {calls[0][:5]}、2 回目で {calls[1][:5]} を返しました。リンクは毎回同じ集合を返さなければなりません (v2 では MUST、v3 では暗黙)',
    'the host lists {len(dataset.footprints)} footprint(s); pagination needs at least 2':
        'ホストの一覧にあるフットプリントは {len(dataset.footprints)} 件です。ページネーションには少なくとも 2 件必要です',
    'ListFootprints ?limit=1 sent no Link rel="next" to call (PAGE-LINK reports this)':
        'ListFootprints ?limit=1 が呼び出せる Link rel="next" を送りませんでした (PAGE-LINK が報告)',
    'the pagination link points to another host ({link[:200]}); credentials are not sent there':
        'ページネーションのリンクが別のホストを指しています ({link[:200]})。そこへは資格情報を送りません',
    'page {page.number} (GET {page.response.url}) holds {len(page.data)} footprints for limit={walk.limit}':
        'ページ {page.number} (GET {page.response.url}) に limit={walk.limit} に対して {len(page.data)} 件のフットプリントがあります',
    'page {page.number} (GET {page.response.url}) sends the relative pagination link {str(link)[:200]}; the Link target must be an absolute URL':
        'ページ {page.number} (GET {page.response.url}) が相対のページネーションリンク {str(link)[:200]} を送っています。Link の対象は絶対 URL でなければなりません',
    'page {page.number} links to host {host}:{port} ({link[:200]}), but the request went to {expected[0]}:{expected[1]}':
        'ページ {page.number} がホスト {host}:{port} にリンクしています ({link[:200]}) が、リクエストの送り先は {expected[0]}:{expected[1]} でした',
    'the unpaged list reached the page cap ({unpaged.description}); completeness cannot be judged: raise --max-pages':
        'ページなし一覧がページ数の上限に達しました ({unpaged.description})。完全性は判定できません: --max-pages を増やしてください',
    'the traversal reached the page cap ({walk.describe()}); completeness cannot be judged':
        'ページのたどりがページ数の上限に達しました ({walk.describe()})。完全性は判定できません',
    "the host's unpaged list changed during the test; completeness cannot be judged":
        '試験中にホストのページなし一覧が変わりました。完全性は判定できません',
    'the traversal goes on past the {len(listed)} footprints of the unpaged list ({unpaged.description}): {walk.describe()}, {len(walked - listed)} footprint(s) the unpaged list does not hold, and page {len(walk.pages)} still links on; a traversal must end with a page without rel="next"':
        'ページのたどりが、ページなし一覧の {len(listed)} 件のフットプリント ({unpaged.description}) を超えて続きます: {walk.describe()}。ページなし一覧にないフットプリントが {len(walked - listed)} 件あり、ページ {len(walk.pages)} がまだ先へリンクしています。たどりは rel="next" のないページで終わらなければなりません',
    'not run: it waits minutes for a link to age; pass --link-wait 170 to check PAGE-11 (180 s)':
        '未実施: リンクが古くなるまで数分待ちます。PAGE-11 (180 秒) を確認するには --link-wait 170 を指定してください',
    "the pagination link called {label} answered HTTP {response.status}{' with data' if body and 'data' in body else ''}; expected a 4xx error without data":
        "{label} で呼び出したページネーションのリンクが HTTP {response.status}{' with data' if body and 'data' in body else ''} を返しました。data なしの 4xx エラーが必要です",
    'ListFootprints ?limit={value} answered HTTP {response.status}; an invalid limit should get 400 BadRequest or be ignored, never a server error':
        'ListFootprints ?limit={value} が HTTP {response.status} を返しました。不正な limit には 400 BadRequest を返すか無視すべきで、サーバーエラーは不可です',
    'the traversal reached the page cap of {len(walk.pages)} pages before its end ({walk.describe()}); raise --max-pages to judge it':
        'ページのたどりが終わる前にページ数の上限 {len(walk.pages)} ページに達しました ({walk.describe()})。判定するには --max-pages を増やしてください',
    # cases/transport.py
    '{action} over plain HTTP ({response.url}) answered HTTP {response.status} with `{member}`: the action is offered without TLS':
        '平文 HTTP ({response.url}) での {action} が `{member}` 付きで HTTP {response.status} を返しました: このアクションは TLS なしで提供されています',
    'the configured {name} {url} is not https: PACT actions are offered over HTTPS only':
        '設定された {name} {url} が https ではありません: PACT のアクションは HTTPS でのみ提供されます',
    'the discovered token_endpoint {endpoint[:200]} is not an https URL: recipients would authenticate in clear':
        'ディスカバリーで得た token_endpoint {endpoint[:200]} が https の URL ではありません: 受信者が平文で認証することになります',
    # conformance/expect.py
    '{response.exchange.method} {_path(response)} answered HTTP {response.status}, expected {wanted}':
        '{response.exchange.method} {_path(response)} が HTTP {response.status} を返しました (期待値: {wanted})',
    "{_path(response)}: Content-Type is {response.content_type or 'missing'}, expected application/json":
        "{_path(response)}: Content-Type が {response.content_type or 'missing'} です (期待値: application/json)",
    '{_path(response)}: body is not a JSON object':
        '{_path(response)}: ボディが JSON オブジェクトではありません',
    '{_path(response)}: body has no `data` member':
        '{_path(response)}: ボディに `data` メンバーがありません',
    "{_path(response)}: `data` is {type(data).__name__}, expected {'array' if kind is list else 'object'}":
        "{_path(response)}: `data` が {type(data).__name__} です (期待値: {'array' if kind is list else 'object'})",
    '{response.exchange.method} {_path(response)}: {exc}':
        '{response.exchange.method} {_path(response)}: {exc}',
    # conformance/session.py
    'ListFootprints returned no footprint with an id, so GetFootprint cannot be tested':
        'ListFootprints が ID を持つフットプリントを返さなかったため、GetFootprint を試験できません',
    # conformance/probes.py
    "{len(accepted)} of {len(log.rows)} {what} probes were accepted: {'; '.join(accepted)}":
        "{len(log.rows)} 件の {what} プローブのうち {len(accepted)} 件が受理されました: {'; '.join(accepted)}",
    # conformance/auth.py
    'token request answered HTTP {response.status}, expected 200':
        'トークンリクエストが HTTP {response.status} を返しました (期待値: 200)',
    'token response is not a JSON object':
        'トークン応答が JSON オブジェクトではありません',
    'token response has no access_token string':
        'トークン応答に access_token 文字列がありません',
    "token response's access_token holds characters an HTTP Authorization header cannot carry (only printable ASCII, RFC 6749 Appendix A.12)":
        'トークン応答の access_token に、HTTP の Authorization ヘッダーに入れられない文字があります (印字可能な ASCII のみ、RFC 6749 Appendix A.12)',
    "not run: no credentials are sent to {url.split('?')[0][:200]}, on another origin than the auth URL (--same-origin-token-endpoint)":
        "未実施: 認証 URL と別のオリジンである {url.split('?')[0][:200]} には資格情報を送りません (--same-origin-token-endpoint)",
    'token response: {exc}':
        'トークン応答: {exc}',
    # conformance/client.py
    'TLS certificate not trusted ({detail}); pass --ca-cert for a private CA':
        'TLS 証明書が信頼されていません ({detail})。プライベート CA の場合は --ca-cert を指定してください',
    'TLS handshake failed: the server did not answer with TLS':
        'TLS ハンドシェイクに失敗しました: サーバーが TLS で応答しませんでした',
    'connection failed: {text}':
        '接続に失敗しました: {text}',
    '{exc.__class__.__name__}: {text}':
        '{exc.__class__.__name__}: {text}',
    'protocol error from target: {text}':
        '試験対象からのプロトコルエラー: {text}',
    "the target's data cannot be used in a request ({type(exc).__name__}: {self.secrets.excerpt(clean(str(exc)), 300)[0]}); request to {shown}{f' ({len(url)} characters)' if len(url) > 200 else ''} not sent":
        "試験対象のデータをリクエストに使えません ({type(exc).__name__}: {self.secrets.excerpt(clean(str(exc)), 300)[0]})。{shown}{f' ({len(url)} characters)' if len(url) > 200 else ''} へのリクエストは送信していません",
    'response body exceeds the size cap or was cut off; it is not parsed':
        'レスポンスボディがサイズ上限を超えたか途中で切れました。解析していません',
    'response body JSON is nested deeper than {MAX_JSON_DEPTH} levels':
        'レスポンスボディの JSON の入れ子が {MAX_JSON_DEPTH} 階層を超えています',
    'not sent: the last {SILENT_AFTER_TIMEOUTS} requests to {origin} got no complete answer within the timeout ({self.timeout_s} s); the target is treated as not answering for {RETRY_AFTER_S} s':
        '未送信: {origin} への直近 {SILENT_AFTER_TIMEOUTS} 件のリクエストがタイムアウト ({self.timeout_s} 秒) 内に完全な応答を得られませんでした。試験対象は {RETRY_AFTER_S} 秒間応答しないものとして扱います',
    'not sent: the last {SILENT_AFTER_TIMEOUTS} requests to {path} got no complete answer within the timeout ({self.timeout_s} s); it is treated as not answering for {RETRY_AFTER_S} s':
        '未送信: {path} への直近 {SILENT_AFTER_TIMEOUTS} 件のリクエストがタイムアウト ({self.timeout_s} 秒) 内に完全な応答を得られませんでした。{RETRY_AFTER_S} 秒間応答しないものとして扱います',
    'not sent: the last {SILENT_AFTER_TIMEOUTS} responses from {resource} never finished within {self.timeout_s * 3} s; it is treated as not answering for {RETRY_AFTER_S} s':
        '未送信: {resource} からの直近 {SILENT_AFTER_TIMEOUTS} 件の応答が {self.timeout_s * 3} 秒以内に終わりませんでした。{RETRY_AFTER_S} 秒間応答しないものとして扱います',
    'response body is not valid UTF-8 (byte {exc.start})':
        'レスポンスボディが有効な UTF-8 ではありません (バイト {exc.start})',
    'response body JSON is nested too deeply to process':
        'レスポンスボディの JSON の入れ子が深すぎて処理できません',
    'response body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}':
        'レスポンスボディが有効な JSON ではありません: {exc.lineno} 行 {exc.colno} 列で {exc.msg}',
    'response body JSON holds a value the harness cannot process: {exc}':
        'レスポンスボディの JSON に試験ツールが処理できない値があります: {exc}',
    'response headers still incomplete after {self.timeout_s * 3} s; reading stopped':
        '{self.timeout_s * 3} 秒経ってもレスポンスヘッダーが揃いません。読み取りを中止しました',
    'response body still streaming after {self.timeout_s * 3} s; reading stopped':
        '{self.timeout_s * 3} 秒経ってもレスポンスボディの送信が続いています。読み取りを中止しました',
    'response body broken off: {_describe_transport_error(exc)}':
        'レスポンスボディが途中で切れました: {_describe_transport_error(exc)}',
    'no response within {self.timeout_s} s (timeout)':
        '{self.timeout_s} 秒以内に応答がありません (タイムアウト)',
    'response body stalled for more than {self.timeout_s} s (timeout)':
        'レスポンスボディが {self.timeout_s} 秒を超えて止まりました (タイムアウト)',
    "response body is not valid {response.headers.get('content-encoding')}: {exc}":
        "レスポンスボディが有効な {response.headers.get('content-encoding')} ではありません: {exc}",
    # conformance/listener.py
    "no callback can reach the harness: the embedded host's run CA has no loopback certificate for the harness's events host":
        '試験ツールへのコールバックが届きません: 組み込みホストの実行用 CA に、試験ツールのイベントホスト用のループバック証明書がありません',
    "no callback can reach the harness: the target is external and neither --listen (where the harness's events host listens, HTTPS) nor --callback-url (its public https URL) was given":
        '試験ツールへのコールバックが届きません: 試験対象は外部にあり、--listen (試験ツールのイベントホストが待ち受ける場所、HTTPS) も --callback-url (その公開 https URL) も指定されていません',
    'no callback can reach the harness: its events host could not start ({exc})':
        '試験ツールへのコールバックが届きません: イベントホストを起動できませんでした ({exc})',
    'no callback can reach the harness: --listen must be HOST:PORT, got {options.listen}':
        '試験ツールへのコールバックが届きません: --listen は HOST:PORT でなければなりませんが、{options.listen} でした',
    'no callback can reach the harness: --listen {options.listen} binds every interface, so give --callback-url, the https URL the target calls':
        '試験ツールへのコールバックが届きません: --listen {options.listen} はすべてのインターフェースで待ち受けるため、試験対象が呼び出す https URL である --callback-url を指定してください',
    # conformance/fuzz.py
    '{where} cannot be loaded for fuzzing: {str(exc).splitlines()[0][:300]}':
        '{where} をファジング用に読み込めません: {str(exc).splitlines()[0][:300]}',
    'the OpenAPI document has no operation to fuzz':
        'OpenAPI 文書にファジングする操作がありません',
    # conformance/plugin.py
    'blocked by {RUN_TOKEN_CASE}: {message}':
        '{RUN_TOKEN_CASE} によりブロック: {message}',
    'blocked by {TLS_TRUST_BLOCKER}: {message}':
        '{TLS_TRUST_BLOCKER} によりブロック: {message}',
    'harness error ({name}): {exc}':
        '試験ツールのエラー ({name}): {exc}',
    'target unreachable or broken: {exc}':
        '試験対象に接続できないか異常です: {exc}',
    # words a field of a template can show
    "'missing'": "'なし'",
    'none': 'なし',
    'no operation': '操作なし',
    ' with data': ' (data 付き)',
    ' (or 400 for an invalid value)': ' (不正な値なら 400 も可)',
    'array': '配列',
    'object': 'オブジェクト',
    ' ({len(url)} characters)': ' ({len(url)} 文字)',
}

# Cells of the GxD tables that the harness writes in English (conformance/rules/gxd_chain.py: LABELS, TOTAL_LABEL).
VALUES_JA: dict[str, str] = {
    "Tier {tier} gate-to-gate": "Tier {tier} の Gate-to-Gate",
    "Upstream of Tier {tier}": "Tier {tier} の上流",
    "Inputs from non-participating suppliers": "参加していないサプライヤーからの投入",
    "Unexplained residual": "説明できない残差",
    "Total = Tier 0 Cradle-to-Gate per piece": "合計 = Tier 0 の 1 個あたり Cradle-to-Gate",
}
