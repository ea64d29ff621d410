<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AdvisoriesPage</name>
    <message>
        <location filename="../ui/advisories.py" line="199" />
        <location filename="../ui/advisories.py" line="276" />
        <location filename="../ui/advisories.py" line="277" />
        <source>Advisories</source>
        <translation>注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="273" />
        <source>&amp;Executive view</source>
        <translation>経営層向け表示(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="274" />
        <source>A&amp;nalyst view</source>
        <translation>分析者向け表示(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="275" />
        <source>Advisory views</source>
        <translation>注意喚起の表示</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="278" />
        <source>Advisory summary</source>
        <translation>注意喚起の要約</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="279" />
        <source>Technical annex</source>
        <translation>技術付録</translation>
    </message>
</context>
<context>
    <name>AdvisoryListModel</name>
    <message>
        <location filename="../ui/models.py" line="277" />
        <source>Severity</source>
        <translation>深刻度</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277" />
        <source>Title</source>
        <translation>件名</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277" />
        <source>Marking</source>
        <translation>区分</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277" />
        <source>Published</source>
        <translation>発行日時</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="278" />
        <source>Official</source>
        <translation>公式</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="287" />
        <source>Signed by the publisher</source>
        <translation>発行者の署名あり</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="287" />
        <source>Not verified</source>
        <translation>未検証</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../app.py" line="55" />
        <source>Renkei</source>
        <translation>連携 Renkei</translation>
    </message>
</context>
<context>
    <name>BriefListModel</name>
    <message>
        <location filename="../ui/models.py" line="151" />
        <source>acknowledged</source>
        <translation>確認済み</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="151" />
        <source>not acknowledged</source>
        <translation>未確認</translation>
    </message>
</context>
<context>
    <name>BriefsPage</name>
    <message>
        <location filename="../ui/briefs.py" line="88" />
        <location filename="../ui/briefs.py" line="217" />
        <source>Briefs</source>
        <translation>ブリーフィング</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="176" />
        <source>Not yet acknowledged.</source>
        <translation>まだ確認していません。</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="178" />
        <source>Read and understood on %1.</source>
        <translation>%1 に読了・理解を記録しました。</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="213" />
        <location filename="../ui/briefs.py" line="214" />
        <location filename="../ui/briefs.py" line="216" />
        <source>Search briefs</source>
        <translation>ブリーフィングを検索</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="215" />
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="218" />
        <source>Brief text</source>
        <translation>ブリーフィング本文</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="219" />
        <source>Read and &amp;understood</source>
        <translation>読了・理解しました(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="220" />
        <source>Acknowledge: read and understood</source>
        <translation>確認: 読了・理解しました</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="221" />
        <source>Acknowledgement</source>
        <translation>確認状況</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <location filename="../ui/advisories.py" line="115" />
        <source>Affects us</source>
        <translation>当組織に影響あり</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="117" />
        <source>Does not affect us</source>
        <translation>当組織に影響なし</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="118" />
        <source>Impact on us not yet known</source>
        <translation>当組織への影響は未確定</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/advisories.py" line="123" />
        <source>%n action(s)</source>
        <translation><numerusform>対応 %n 件</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="128" />
        <source>Overdue since %1: %2</source>
        <translation>%1 から期限超過: %2</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="130" />
        <source>Due %1: %2</source>
        <translation>期限 %1: %2</translation>
    </message>
</context>
<context>
    <name>ClassificationBanner</name>
    <message>
        <location filename="../ui/marks.py" line="108" />
        <source>Classification banner (top)</source>
        <translation>区分バナー(上)</translation>
    </message>
    <message>
        <location filename="../ui/marks.py" line="109" />
        <source>Classification banner (bottom)</source>
        <translation>区分バナー(下)</translation>
    </message>
</context>
<context>
    <name>ComposePanel</name>
    <message>
        <location filename="../ui/compose.py" line="43" />
        <source>Confirm downgrade</source>
        <translation>格下げの確認</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="44" />
        <source>You are posting content marked %1 at the lower marking %2.
This is recorded in the audit log. Justification:</source>
        <translation>%1 の内容を、より低い区分 %2 で投稿しようとしています。
この操作は監査ログに記録されます。理由:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="168" />
        <source>Quoting %1: %2</source>
        <translation>%1 の投稿を引用: %2</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="179" />
        <source>A member's key changed: accept it before sending.</source>
        <translation>メンバーの鍵が変更されました。送信する前に承認してください。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="194" />
        <source>This marking is below the quoted content's.</source>
        <translation>この区分は引用した内容の区分より低くなっています。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="199" />
        <source>Not sent: the downgrade was not confirmed.</source>
        <translation>送信していません: 格下げが確認されませんでした。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="211" />
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="219" />
        <source>Sent.</source>
        <translation>送信しました。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="226" />
        <source>Not sent: %1</source>
        <translation>送信できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="229" />
        <source>Write a message…</source>
        <translation>メッセージを入力…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="230" />
        <source>Message text</source>
        <translation>メッセージ本文</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="231" />
        <source>&amp;Send</source>
        <translation>送信(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="232" />
        <source>Send message</source>
        <translation>メッセージを送信</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="233" />
        <location filename="../ui/compose.py" line="234" />
        <source>Remove quote</source>
        <translation>引用を外す</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="235" />
        <source>Quoted message</source>
        <translation>引用したメッセージ</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="236" />
        <source>Compose status</source>
        <translation>作成の状態</translation>
    </message>
</context>
<context>
    <name>CopyGuard</name>
    <message>
        <location filename="../ui/guard.py" line="54" />
        <source>Copying is blocked: this content carries no marking that would allow it.</source>
        <translation>コピーできません: この内容には、コピーを許可する区分が付いていません。</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="63" />
        <source>Copying is blocked: this content is marked %1, and content marked %2 or higher may not be copied.</source>
        <translation>コピーできません: この内容の区分は %1 です。%2 以上の区分の内容はコピーできません。</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="82" />
        <source>Copied. The clipboard will be cleared in %1 seconds.</source>
        <translation>コピーしました。クリップボードは %1 秒後に消去されます。</translation>
    </message>
</context>
<context>
    <name>DirectoryModel</name>
    <message>
        <location filename="../ui/directory.py" line="40" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40" />
        <source>Organisation</source>
        <translation>組織</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40" />
        <source>Clearance</source>
        <translation>資格</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40" />
        <source>Roles</source>
        <translation>役割</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="41" />
        <source>Verified devices</source>
        <translation>検証済み端末</translation>
    </message>
</context>
<context>
    <name>DirectoryPage</name>
    <message>
        <location filename="../ui/directory.py" line="103" />
        <source>Directory</source>
        <translation>名簿と端末検証</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="144" />
        <source>%1 — device %2</source>
        <translation>%1 — 端末 %2</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="150" />
        <source>Fingerprint</source>
        <translation>フィンガープリント</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="153" />
        <source>✔ Verified</source>
        <translation>✔ 検証済み</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="153" />
        <source>Not verified</source>
        <translation>未検証</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="154" />
        <source>Verification state</source>
        <translation>検証の状態</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="155" />
        <source>Unmark verified</source>
        <translation>検証済みを取り消す</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="156" />
        <source>Mark as &amp;verified</source>
        <translation>検証済みにする(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="161" />
        <source>Compare these numbers with %1 in person or by phone:</source>
        <translation>この数字を %1 さんと対面または電話で照合してください:</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="177" />
        <source>No key changes to review.</source>
        <translation>確認が必要な鍵の変更はありません。</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/directory.py" line="181" />
        <source>%n key change(s) to review. %1 has a new key: %2</source>
        <translation><numerusform>確認が必要な鍵の変更が %n 件あります。%1 さんの新しい鍵: %2</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="196" />
        <source>Your device's fingerprint:</source>
        <translation>この端末のフィンガープリント:</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="198" />
        <source>Your device's fingerprint</source>
        <translation>この端末のフィンガープリント</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="199" />
        <source>People</source>
        <translation>利用者</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="200" />
        <source>Key changes</source>
        <translation>鍵の変更</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="201" />
        <location filename="../ui/directory.py" line="202" />
        <source>Accept new key</source>
        <translation>新しい鍵を承認</translation>
    </message>
</context>
<context>
    <name>Documents</name>
    <message>
        <location filename="../ui/docview.py" line="43" />
        <source>No section of this brief is readable at your clearance.</source>
        <translation>あなたの資格で閲覧できる節はこのブリーフィングにありません。</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="50" />
        <source>Official: signed by the publisher</source>
        <translation>公式: 発行者の署名を確認済み</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="52" />
        <source>Not verified as official: no valid publisher signature</source>
        <translation>公式と確認できません: 発行者の有効な署名がありません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="63" />
        <source>Yes, this affects us</source>
        <translation>はい、当組織に影響があります</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="65" />
        <source>No, this does not affect us</source>
        <translation>いいえ、当組織に影響はありません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="67" />
        <source>Not yet known whether this affects us</source>
        <translation>当組織への影響はまだ分かっていません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="69" />
        <source>What happened</source>
        <translation>何が起きたか</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="71" />
        <source>Does it affect us?</source>
        <translation>当組織への影響</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="74" />
        <source>What to do</source>
        <translation>取るべき対応</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="81" />
        <source>overdue since %1</source>
        <translation>%1 から期限超過</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="83" />
        <source>due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="104" />
        <source>Indicators</source>
        <translation>痕跡情報(IoC)</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="105" />
        <source>ATT&amp;CK techniques</source>
        <translation>ATT&amp;CK 手法</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="106" />
        <source>Vulnerabilities (CVE)</source>
        <translation>脆弱性(CVE)</translation>
    </message>
</context>
<context>
    <name>ForwardDialog</name>
    <message>
        <location filename="../ui/compose.py" line="265" />
        <source>Forward message</source>
        <translation>メッセージを転送</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="267" />
        <source>Target room</source>
        <translation>転送先のルーム</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="272" />
        <source>Note</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="273" />
        <source>Optional note</source>
        <translation>メモ(任意)</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="276" />
        <source>Forwarding rule</source>
        <translation>転送ルール</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="280" />
        <source>Room:</source>
        <translation>ルーム:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="282" />
        <source>Note:</source>
        <translation>メモ:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="309" />
        <source>TLP:RED content is never forwarded.</source>
        <translation>TLP:RED の内容は転送できません。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="311" />
        <source>TLP:%1 does not allow sharing with: %2</source>
        <translation>TLP:%1 では次の組織と共有できません: %2</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="314" />
        <source>Choose a room with members.</source>
        <translation>メンバーのいるルームを選んでください。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="316" />
        <source>This room's ceiling is below the message's marking.</source>
        <translation>このルームの上限区分はメッセージの区分より低くなっています。</translation>
    </message>
</context>
<context>
    <name>GuardedTextView</name>
    <message>
        <location filename="../ui/guard.py" line="137" />
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="140" />
        <source>Select all</source>
        <translation>すべて選択</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <location filename="../ui/home.py" line="38" />
        <source>Critical and high advisories (30 days)</source>
        <translation>緊急・重要の注意喚起(30日間)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="39" />
        <source>Advisories that affect us</source>
        <translation>当組織に影響する注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="40" />
        <source>Actions overdue</source>
        <translation>期限超過の対応</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="41" />
        <source>Actions due within 7 days</source>
        <translation>7日以内に期限の対応</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="42" />
        <source>Briefs to acknowledge</source>
        <translation>確認待ちのブリーフィング</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="43" />
        <source>Advisories in the last 30 days</source>
        <translation>直近30日の注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="44" />
        <source>Search everything you may read</source>
        <translation>閲覧できるすべてを検索</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="45" />
        <source>Unread messages in joint rooms</source>
        <translation>共同ルームの未読メッセージ</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="46" />
        <source>Report an incident (coming in a later version)</source>
        <translation>インシデントの報告(今後のバージョンで対応)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="47" />
        <source>Compose an advisory (coming in a later version)</source>
        <translation>注意喚起の作成(今後のバージョンで対応)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="48" />
        <source>Key changes to review</source>
        <translation>確認が必要な鍵の変更</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../ui/home.py" line="90" />
        <source>Home</source>
        <translation>ホーム</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="140" />
        <source>Welcome, %1 (%2)</source>
        <translation>ようこそ、%1 さん(%2)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="145" />
        <source>&amp;View as:</source>
        <translation>表示する役割(&amp;V):</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="146" />
        <source>Home view for role</source>
        <translation>役割ごとのホーム表示</translation>
    </message>
</context>
<context>
    <name>KeyChangeBar</name>
    <message>
        <location filename="../ui/rooms.py" line="117" />
        <source>&amp;Accept new key</source>
        <translation>新しい鍵を承認(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="118" />
        <source>Accept new key</source>
        <translation>新しい鍵を承認</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="119" />
        <source>Key change warning</source>
        <translation>鍵の変更の警告</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="124" />
        <source>The key of %1 changed. Sending in this room is blocked until you accept it. Compare the new fingerprint with them first: %2</source>
        <translation>%1 さんの鍵が変更されました。承認するまでこのルームでは送信できません。先に本人と新しいフィンガープリントを照合してください: %2</translation>
    </message>
</context>
<context>
    <name>LabelPicker</name>
    <message>
        <location filename="../ui/labelpicker.py" line="212" />
        <source>The quoted content is marked above what you may post here.</source>
        <translation>引用した内容の区分は、ここに投稿できる区分を超えています。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="215" />
        <source>You may not post here.</source>
        <translation>ここには投稿できません。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="217" />
        <source>Below the marking of the quoted content: sending needs your confirmation and is recorded.</source>
        <translation>引用した内容の区分より低い区分です。送信には確認が必要で、記録されます。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="220" />
        <source>Marked at least as high as the quoted content.</source>
        <translation>引用した内容と同等以上の区分です。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="229" />
        <source>&amp;Marking:</source>
        <translation>区分(&amp;M):</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="230" />
        <source>Classification level</source>
        <translation>秘密区分</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="231" />
        <source>TLP</source>
        <translation>TLP</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="233" />
        <source>Compartment %1</source>
        <translation>コンパートメント %1</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="234" />
        <source>Label picker</source>
        <translation>区分の選択</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="235" />
        <source>Marking note</source>
        <translation>区分についての注記</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../ui/idle.py" line="162" />
        <source>Enter your passphrase, or unlock with the system keyring.</source>
        <translation>パスフレーズを入力するか、システムのキーリングで解除してください。</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="189" />
        <source>Renkei is locked</source>
        <translation>連携 Renkei はロックされています</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="190" />
        <source>Content is hidden and the vault key has been dropped from memory. Unlock to continue.</source>
        <translation>内容は非表示になり、保管庫の鍵はメモリから消去されました。続けるにはロックを解除してください。</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="192" />
        <location filename="../ui/idle.py" line="193" />
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="194" />
        <source>&amp;Unlock</source>
        <translation>ロック解除(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="195" />
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="196" />
        <source>Unlock with the system &amp;keyring</source>
        <translation>システムのキーリングで解除(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="197" />
        <source>Unlock with the system keyring</source>
        <translation>システムのキーリングで解除</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="198" />
        <source>Unlock error</source>
        <translation>ロック解除のエラー</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.py" line="309" />
        <source>Offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="310" />
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="311" />
        <source>Syncing</source>
        <translation>同期中</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="312" />
        <source>Up to date</source>
        <translation>最新の状態です</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="313" />
        <source>Sync problem: %1</source>
        <translation>同期の問題: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="314" />
        <source>Locked</source>
        <translation>ロック中</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="318" />
        <source>Syncing %1 of %2</source>
        <translation>同期中 %1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="342" />
        <source>Renkei</source>
        <translation>連携 Renkei</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="346" />
        <source>Alt+%1</source>
        <translation>Alt+%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="347" />
        <source>Navigation</source>
        <translation>ナビゲーション</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="348" />
        <source>Screens</source>
        <translation>画面</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="349" />
        <source>Sync status</source>
        <translation>同期の状態</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="350" />
        <source>Sync progress</source>
        <translation>同期の進捗</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="351" />
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="352" />
        <source>Lock now</source>
        <translation>今すぐロック</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="353" />
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="354" />
        <source>Dismiss notice</source>
        <translation>通知を閉じる</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="355" />
        <source>Notice</source>
        <translation>通知</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <location filename="../ui/models.py" line="250" />
        <source>Can read %1</source>
        <translation>%1 を閲覧可</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="251" />
        <source>Can read</source>
        <translation>閲覧可否</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252" />
        <source>Organisation</source>
        <translation>組織</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252" />
        <source>Clearance</source>
        <translation>資格</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="264" />
        <source>Yes</source>
        <translation>可</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="264" />
        <source>No</source>
        <translation>不可</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <location filename="../ui/notify.py" line="30" />
        <source>Urgent advisory: %1</source>
        <translation>緊急の注意喚起: %1</translation>
    </message>
    <message>
        <location filename="../ui/notify.py" line="34" />
        <source>Open Renkei to read it.</source>
        <translation>連携 Renkei を開いて確認してください。</translation>
    </message>
</context>
<context>
    <name>PortionChip</name>
    <message>
        <location filename="../ui/marks.py" line="142" />
        <source>Portion mark: %1</source>
        <translation>部分区分: %1</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../ui/home.py" line="27" />
        <source>Analyst</source>
        <translation>分析者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="28" />
        <source>Incident responder</source>
        <translation>インシデント対応者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="29" />
        <source>Executive</source>
        <translation>経営層</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="30" />
        <source>Reporting operator</source>
        <translation>報告担当者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="31" />
        <source>Publisher</source>
        <translation>発行者</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <location filename="../ui/models.py" line="126" />
        <source>%1, %2 unread</source>
        <translation>%1、未読 %2 件</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="129" />
        <source>Room ceiling: %1</source>
        <translation>ルームの上限区分: %1</translation>
    </message>
</context>
<context>
    <name>RoomsPage</name>
    <message>
        <location filename="../ui/rooms.py" line="207" />
        <source>Joint rooms</source>
        <translation>共同ルーム</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="307" />
        <source>No room selected</source>
        <translation>ルームが選択されていません</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="310" />
        <source>%1 — room ceiling %2</source>
        <translation>%1 — ルームの上限区分 %2</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="329" />
        <source>%1 of %2 members can read %3.</source>
        <translation>メンバー %2 人中 %1 人が %3 を閲覧できます。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="333" />
        <source>Cannot read: %1</source>
        <translation>閲覧できない人: %1</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="350" />
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="351" />
        <source>Quote in reply</source>
        <translation>引用して返信</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="352" />
        <source>Forward…</source>
        <translation>転送…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="381" />
        <source>Not forwarded: the marking is below the message's.</source>
        <translation>転送していません: 区分がメッセージの区分より低くなっています。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="394" />
        <source>Forwarded.</source>
        <translation>転送しました。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="399" />
        <source>&amp;Rooms</source>
        <translation>ルーム(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="400" />
        <source>Rooms</source>
        <translation>ルーム</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="401" />
        <source>Timeline</source>
        <translation>タイムライン</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="402" />
        <source>&amp;Members</source>
        <translation>メンバー(&amp;M)</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="403" />
        <source>Room members</source>
        <translation>ルームのメンバー</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="404" />
        <source>Who can read the chosen marking</source>
        <translation>選んだ区分を閲覧できる人</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="405" />
        <source>Room</source>
        <translation>ルーム</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <location filename="../ui/search.py" line="63" />
        <location filename="../ui/search.py" line="109" />
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="84" />
        <source>Searching…</source>
        <translation>検索中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/search.py" line="91" />
        <source>%n result(s)</source>
        <translation><numerusform>%n 件</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="106" />
        <source>Search everything you may read</source>
        <translation>閲覧できるすべてを検索</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="107" />
        <source>Search text</source>
        <translation>検索語</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="108" />
        <source>&amp;Search</source>
        <translation>検索(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="110" />
        <source>Search results</source>
        <translation>検索結果</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="111" />
        <source>Search status</source>
        <translation>検索の状態</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../ui/settings.py" line="49" />
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="53" />
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="56" />
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="57" />
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="58" />
        <source>&amp;Lock after idle (minutes):</source>
        <translation>無操作でロックするまで(分)(&amp;L):</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="59" />
        <source>Lock after idle, in minutes</source>
        <translation>無操作でロックするまでの分数</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="60" />
        <source>The markings policy allows at most %1 minutes.</source>
        <translation>区分ポリシーで許される上限は %1 分です。</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="62" />
        <source>Idle lock limit</source>
        <translation>自動ロックの上限</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../ui/models.py" line="52" />
        <source>Critical</source>
        <translation>緊急</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="53" />
        <source>High</source>
        <translation>重要</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="54" />
        <source>Medium</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="55" />
        <source>Low</source>
        <translation>注意</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="56" />
        <source>Informational</source>
        <translation>情報</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../ui/timeline.py" line="179" />
        <source>Warning: messages are missing (%1)</source>
        <translation>警告: 届いていないメッセージがあります(%1)</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="181" />
        <source>Warning: a message from %1 was rejected: %2</source>
        <translation>警告: %1 からのメッセージを拒否しました: %2</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="189" />
        <source>Missing messages</source>
        <translation>欠落したメッセージ</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="190" />
        <source>Rejected message: it failed verification and is not shown</source>
        <translation>拒否したメッセージ: 検証に失敗したため表示しません</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../ui/chart.py" line="47" />
        <source>No advisories in this period.</source>
        <translation>この期間の注意喚起はありません。</translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="50" />
        <location filename="../ui/chart.py" line="67" />
        <source>Advisories per week by severity</source>
        <translation>深刻度別の週ごとの注意喚起</translation>
    </message>
</context>
</TS>
