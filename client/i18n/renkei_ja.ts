<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AccountPage</name>
    <message>
        <location filename="../ui/wizard_pages.py" line="129"/>
        <source>The server address must start with https:// (or http:// for a server on this computer).</source>
        <translation>サーバのアドレスは https:// で始めてください（この端末上のサーバに限り http:// も可）。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="133"/>
        <source>Plain http:// is only accepted for a server on this computer; use https://.</source>
        <translation>暗号化されない http:// はこの端末上のサーバにのみ使えます。https:// を使ってください。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="143"/>
        <source>The authority fingerprint has 64 hexadecimal digits (groups of four).</source>
        <translation>認証局の指紋は16進数64桁です（4桁ずつの組）。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="152"/>
        <source>The server&apos;s authority key has the fingerprint %1, not the one you gave. Nothing was created: check the fingerprint with the authority; the server may be impersonated.</source>
        <translation>サーバが示す認証局の鍵の指紋は %1 で、入力された指紋と一致しません。何も作成していません。認証局に指紋を確認してください。サーバがなりすまされている可能性があります。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="169"/>
        <source>Your account</source>
        <translation>アカウント</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="170"/>
        <source>Where your organisation&apos;s sharing server is, how to trust its authority, and who you are.</source>
        <translation>所属組織の共有サーバ、認証局の確認方法、あなたの情報を入力します。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="172"/>
        <source>&amp;Server:</source>
        <translation>サーバ(&amp;S):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="172"/>
        <source>Authority &amp;fingerprint:</source>
        <translation>認証局の指紋(&amp;F):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="173"/>
        <source>Authority key &amp;file:</source>
        <translation>認証局の鍵ファイル(&amp;F):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="173"/>
        <source>&amp;User id:</source>
        <translation>利用者ID(&amp;U):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="174"/>
        <source>&amp;Display name:</source>
        <translation>表示名(&amp;D):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="174"/>
        <source>&amp;Organisation:</source>
        <translation>組織(&amp;O):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="182"/>
        <source>Trust the authority by its fingerprint</source>
        <translation>指紋で認証局を確認する</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="184"/>
        <source>Trust the authority key file</source>
        <translation>認証局の鍵ファイルを使う</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="186"/>
        <source>&amp;Browse…</source>
        <translation>参照(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="187"/>
        <source>Choose the authority key file</source>
        <translation>認証局の鍵ファイルを選ぶ</translation>
    </message>
</context>
<context>
    <name>AdvisoriesPage</name>
    <message>
        <location filename="../ui/advisories.py" line="199"/>
        <location filename="../ui/advisories.py" line="276"/>
        <location filename="../ui/advisories.py" line="277"/>
        <source>Advisories</source>
        <translation>注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="273"/>
        <source>&amp;Executive view</source>
        <translation>経営層向け表示(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="274"/>
        <source>A&amp;nalyst view</source>
        <translation>分析者向け表示(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="275"/>
        <source>Advisory views</source>
        <translation>注意喚起の表示</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="278"/>
        <source>Advisory summary</source>
        <translation>注意喚起の要約</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="279"/>
        <source>Technical annex</source>
        <translation>技術付録</translation>
    </message>
</context>
<context>
    <name>AdvisoryListModel</name>
    <message>
        <location filename="../ui/models.py" line="277"/>
        <source>Severity</source>
        <translation>深刻度</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277"/>
        <source>Title</source>
        <translation>件名</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277"/>
        <source>Marking</source>
        <translation>区分</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="277"/>
        <source>Published</source>
        <translation>発行日時</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="278"/>
        <source>Official</source>
        <translation>公式</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="287"/>
        <source>Signed by the publisher</source>
        <translation>発行者の署名あり</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="287"/>
        <source>Not verified</source>
        <translation>未検証</translation>
    </message>
</context>
<context>
    <name>Affects</name>
    <message>
        <location filename="../ui/store_backend_docs.py" line="55"/>
        <source>the advisory names no CVE</source>
        <translation>注意喚起に CVE が記載されていません</translation>
    </message>
    <message>
        <location filename="../ui/store_backend_docs.py" line="56"/>
        <source>no product inventory on this device</source>
        <translation>この端末には製品一覧（インベントリ）がありません</translation>
    </message>
    <message>
        <location filename="../ui/store_backend_docs.py" line="58"/>
        <source>none of the products in the inventory matches the advisory&apos;s CVEs</source>
        <translation>インベントリのどの製品も注意喚起の CVE に該当しません</translation>
    </message>
    <message>
        <location filename="../ui/store_backend_docs.py" line="60"/>
        <source>some of the advisory&apos;s CVEs are in no catalog held here</source>
        <translation>注意喚起の CVE の一部が、この端末のどのカタログにもありません</translation>
    </message>
    <message>
        <location filename="../ui/store_backend_docs.py" line="67"/>
        <source>probably affected, check versions: %1</source>
        <translation>影響を受ける可能性が高いです。バージョンを確認してください: %1</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../app.py" line="95"/>
        <source>Renkei</source>
        <translation>連携 Renkei</translation>
    </message>
</context>
<context>
    <name>AttachmentList</name>
    <message>
        <location filename="../ui/compose_parts.py" line="108"/>
        <source>Files to send</source>
        <translation>送信するファイル</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="109"/>
        <source>Remove file</source>
        <translation>ファイルを外す</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="110"/>
        <source>Remove the chosen file</source>
        <translation>選んだファイルを外す</translation>
    </message>
</context>
<context>
    <name>BriefListModel</name>
    <message>
        <location filename="../ui/models.py" line="151"/>
        <source>acknowledged</source>
        <translation>確認済み</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="151"/>
        <source>not acknowledged</source>
        <translation>未確認</translation>
    </message>
</context>
<context>
    <name>BriefsPage</name>
    <message>
        <location filename="../ui/briefs.py" line="88"/>
        <location filename="../ui/briefs.py" line="216"/>
        <source>Briefs</source>
        <translation>ブリーフィング</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="178"/>
        <source>Not yet acknowledged.</source>
        <translation>まだ確認していません。</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="180"/>
        <source>Read and understood on %1.</source>
        <translation>%1 に読了・理解を記録しました。</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="212"/>
        <location filename="../ui/briefs.py" line="213"/>
        <location filename="../ui/briefs.py" line="215"/>
        <source>Search briefs</source>
        <translation>ブリーフィングを検索</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="214"/>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="217"/>
        <source>Brief text</source>
        <translation>ブリーフィング本文</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="218"/>
        <source>Read and &amp;understood</source>
        <translation>読了・理解しました(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="219"/>
        <source>Acknowledge: read and understood</source>
        <translation>確認: 読了・理解しました</translation>
    </message>
    <message>
        <location filename="../ui/briefs.py" line="220"/>
        <source>Acknowledgement</source>
        <translation>確認状況</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <location filename="../ui/advisories.py" line="116"/>
        <source>Affects us</source>
        <translation>当組織に影響あり</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="118"/>
        <source>Does not affect us</source>
        <translation>当組織に影響なし</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="119"/>
        <source>Impact on us not yet known</source>
        <translation>当組織への影響は未確定</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/advisories.py" line="124"/>
        <source>%n action(s)</source>
        <translation>
            <numerusform>対応 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="129"/>
        <source>Overdue since %1: %2</source>
        <translation>%1 から期限超過: %2</translation>
    </message>
    <message>
        <location filename="../ui/advisories.py" line="131"/>
        <source>Due %1: %2</source>
        <translation>期限 %1: %2</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <location filename="../ui/kev.py" line="71"/>
        <source>overdue since %1</source>
        <translation>%1 から期限超過</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="73"/>
        <source>due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="75"/>
        <source>added %1</source>
        <translation>%1 追加</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="81"/>
        <source>Affects us: matches %1 in our inventory</source>
        <translation>当組織に影響: インベントリの %1 に該当</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="85"/>
        <source>Known to be used in ransomware campaigns</source>
        <translation>ランサムウェア攻撃での悪用が確認されています</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="87"/>
        <source>Description</source>
        <translation>概要</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="88"/>
        <source>Required action</source>
        <translation>必要な対応</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="89"/>
        <source>Notes</source>
        <translation>備考</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="92"/>
        <source>domestic catalog</source>
        <translation>国内カタログ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="94"/>
        <source>Source: %1</source>
        <translation>出典: %1</translation>
    </message>
    <message>
        <location filename="../ui/store_backend_docs.py" line="307"/>
        <source>Imported %1 version %2: %3 entries (%4 new, %5 updated, %6 withdrawn).</source>
        <translation>%1 の版 %2 を取り込みました: %3 件（新規 %4、更新 %5、削除 %6）。</translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../ui/wizard.py" line="176"/>
        <source>The certificate from the authority</source>
        <translation>認証局が発行した証明書</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="177"/>
        <source>Certificate (*.json);;All files (*)</source>
        <translation>証明書 (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="199"/>
        <source>Certificate for %1 (%2), organisation %3.
Clearance: %4; compartments: %5; roles: %6.
Valid until %7.</source>
        <translation>%1（%2）、組織 %3 の証明書です。
資格: %4、区画: %5、役割: %6。
有効期限: %7。</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="208"/>
        <source>Certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="209"/>
        <source>Import the certificate the authority issued for this device.</source>
        <translation>認証局がこの端末に発行した証明書を取り込みます。</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="211"/>
        <source>&amp;Import certificate…</source>
        <translation>証明書を取り込む(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="212"/>
        <source>Import the certificate file</source>
        <translation>証明書ファイルを取り込む</translation>
    </message>
</context>
<context>
    <name>ClassificationBanner</name>
    <message>
        <location filename="../ui/marks.py" line="108"/>
        <source>Classification banner (top)</source>
        <translation>区分バナー(上)</translation>
    </message>
    <message>
        <location filename="../ui/marks.py" line="109"/>
        <source>Classification banner (bottom)</source>
        <translation>区分バナー(下)</translation>
    </message>
</context>
<context>
    <name>ComposePanel</name>
    <message>
        <location filename="../ui/compose.py" line="54"/>
        <source>Confirm downgrade</source>
        <translation>格下げの確認</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="55"/>
        <source>You are posting content marked %1 at the lower marking %2.
This is recorded in the audit log. Justification:</source>
        <translation>%1 の内容を、より低い区分 %2 で投稿しようとしています。
この操作は監査ログに記録されます。理由:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="214"/>
        <source>Not attached (not a file, already attached, or more than 20 files): %1</source>
        <translation>添付していません（ファイルでない、添付済み、または20個を超える）: %1</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="225"/>
        <source>Quoting %1: %2</source>
        <translation>%1 の投稿を引用: %2</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="240"/>
        <source>A member&apos;s key changed: accept it before sending.</source>
        <translation>メンバーの鍵が変更されました。送信する前に承認してください。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="248"/>
        <source>Not sent: TLP:RED goes to named people only. Tick at least one recipient besides yourself.</source>
        <translation>送信していません: TLP:RED は指名した人にだけ届きます。自分以外の受信者を一人以上選んでください。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="267"/>
        <source>This marking is below the quoted content&apos;s.</source>
        <translation>この区分は引用した内容の区分より低くなっています。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="272"/>
        <source>Not sent: the downgrade was not confirmed.</source>
        <translation>送信していません: 格下げが確認されませんでした。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="278"/>
        <source>Encrypting and sending files…</source>
        <translation>ファイルを暗号化して送信中…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="295"/>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="304"/>
        <source>Sent.</source>
        <translation>送信しました。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="313"/>
        <source>Upload cancelled: nothing was sent.</source>
        <translation>アップロードを取り消しました。何も送信していません。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="316"/>
        <source>Not sent: %1</source>
        <translation>送信できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="319"/>
        <source>Write a message…</source>
        <translation>メッセージを入力…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="320"/>
        <source>Message text</source>
        <translation>メッセージ本文</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="321"/>
        <source>&amp;Send</source>
        <translation>送信(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="322"/>
        <source>Send message</source>
        <translation>メッセージを送信</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="323"/>
        <source>A&amp;ttach…</source>
        <translation>添付(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="324"/>
        <location filename="../ui/compose_parts.py" line="38"/>
        <source>Attach files</source>
        <translation>ファイルを添付</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="325"/>
        <location filename="../ui/compose.py" line="326"/>
        <source>Remove quote</source>
        <translation>引用を外す</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="327"/>
        <source>Quoted message</source>
        <translation>引用したメッセージ</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="328"/>
        <source>Compose status</source>
        <translation>作成の状態</translation>
    </message>
</context>
<context>
    <name>CopyGuard</name>
    <message>
        <location filename="../ui/guard.py" line="54"/>
        <source>Copying is blocked: this content carries no marking that would allow it.</source>
        <translation>コピーできません: この内容には、コピーを許可する区分が付いていません。</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="63"/>
        <source>Copying is blocked: this content is marked %1, and content marked %2 or higher may not be copied.</source>
        <translation>コピーできません: この内容の区分は %1 です。%2 以上の区分の内容はコピーできません。</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="82"/>
        <source>Copied. The clipboard will be cleared in %1 seconds.</source>
        <translation>コピーしました。クリップボードは %1 秒後に消去されます。</translation>
    </message>
</context>
<context>
    <name>DirectoryModel</name>
    <message>
        <location filename="../ui/directory.py" line="40"/>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40"/>
        <source>Organisation</source>
        <translation>組織</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40"/>
        <source>Clearance</source>
        <translation>資格</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="40"/>
        <source>Roles</source>
        <translation>役割</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="41"/>
        <source>Verified devices</source>
        <translation>検証済み端末</translation>
    </message>
</context>
<context>
    <name>DirectoryPage</name>
    <message>
        <location filename="../ui/directory.py" line="103"/>
        <source>Directory</source>
        <translation>名簿と端末検証</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="144"/>
        <source>%1 — device %2</source>
        <translation>%1 — 端末 %2</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="150"/>
        <source>Fingerprint</source>
        <translation>フィンガープリント</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="153"/>
        <source>✔ Verified</source>
        <translation>✔ 検証済み</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="153"/>
        <source>Not verified</source>
        <translation>未検証</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="154"/>
        <source>Verification state</source>
        <translation>検証の状態</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="155"/>
        <source>Unmark verified</source>
        <translation>検証済みを取り消す</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="156"/>
        <source>Mark as &amp;verified</source>
        <translation>検証済みにする(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="161"/>
        <source>Compare these numbers with %1 in person or by phone:</source>
        <translation>この数字を %1 さんと対面または電話で照合してください:</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="177"/>
        <source>No key changes to review.</source>
        <translation>確認が必要な鍵の変更はありません。</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/directory.py" line="181"/>
        <source>%n key change(s) to review. %1 has a new key: %2</source>
        <translation>
            <numerusform>確認が必要な鍵の変更が %n 件あります。%1 さんの新しい鍵: %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="196"/>
        <source>Your device&apos;s fingerprint:</source>
        <translation>この端末のフィンガープリント:</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="198"/>
        <source>Your device&apos;s fingerprint</source>
        <translation>この端末のフィンガープリント</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="199"/>
        <source>People</source>
        <translation>利用者</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="200"/>
        <source>Key changes</source>
        <translation>鍵の変更</translation>
    </message>
    <message>
        <location filename="../ui/directory.py" line="201"/>
        <location filename="../ui/directory.py" line="202"/>
        <source>Accept new key</source>
        <translation>新しい鍵を承認</translation>
    </message>
</context>
<context>
    <name>Documents</name>
    <message>
        <location filename="../ui/docview.py" line="43"/>
        <source>No section of this brief is readable at your clearance.</source>
        <translation>あなたの資格で閲覧できる節はこのブリーフィングにありません。</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="50"/>
        <source>Official: signed by the publisher</source>
        <translation>公式: 発行者の署名を確認済み</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="52"/>
        <source>Not verified as official: no valid publisher signature</source>
        <translation>公式と確認できません: 発行者の有効な署名がありません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="63"/>
        <source>Yes, this affects us</source>
        <translation>はい、当組織に影響があります</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="65"/>
        <source>No, this does not affect us</source>
        <translation>いいえ、当組織に影響はありません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="67"/>
        <source>Not yet known whether this affects us</source>
        <translation>当組織への影響はまだ分かっていません</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="69"/>
        <source>What happened</source>
        <translation>何が起きたか</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="71"/>
        <source>Does it affect us?</source>
        <translation>当組織への影響</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="74"/>
        <source>What to do</source>
        <translation>取るべき対応</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="81"/>
        <source>overdue since %1</source>
        <translation>%1 から期限超過</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="83"/>
        <source>due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="104"/>
        <source>Indicators</source>
        <translation>痕跡情報(IoC)</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="105"/>
        <source>ATT&amp;CK techniques</source>
        <translation>ATT&amp;CK 手法</translation>
    </message>
    <message>
        <location filename="../ui/docview.py" line="106"/>
        <source>Vulnerabilities (CVE)</source>
        <translation>脆弱性(CVE)</translation>
    </message>
</context>
<context>
    <name>EnrolPage</name>
    <message>
        <location filename="../ui/wizard.py" line="102"/>
        <source>Creating this device&apos;s keys…</source>
        <translation>この端末の鍵を作成しています…</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="108"/>
        <source>The account could not be created: %1</source>
        <translation>アカウントを作成できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="115"/>
        <source>Device fingerprint</source>
        <translation>端末の指紋</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="117"/>
        <source>This device&apos;s keys are ready in %1.</source>
        <translation>この端末の鍵を %1 に作成しました。</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="127"/>
        <location filename="../ui/wizard.py" line="144"/>
        <source>Save the enrolment request</source>
        <translation>登録申請を保存</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="136"/>
        <source>Saved to %1.</source>
        <translation>%1 に保存しました。</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="139"/>
        <source>Enrolment request</source>
        <translation>登録申請</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="140"/>
        <source>The authority signs a certificate for this device.</source>
        <translation>認証局がこの端末の証明書に署名します。</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="141"/>
        <source>Device fingerprint (read it to the authority when they call you):</source>
        <translation>端末の指紋（認証局から連絡があったら読み上げてください）:</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="143"/>
        <source>&amp;Save enrolment request…</source>
        <translation>登録申請を保存(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="145"/>
        <source>1. Save the enrolment request and give it to the authority (clearance office).
2. Compare the device fingerprint with them.
3. When they send you the certificate, continue with Next. You can close Renkei meanwhile: it resumes here.</source>
        <translation>1. 登録申請を保存し、認証局（資格審査担当）に渡してください。
2. 端末の指紋を認証局と照合してください。
3. 証明書が届いたら「次へ」で続けます。その間 Renkei を閉じても、ここから再開できます。</translation>
    </message>
</context>
<context>
    <name>Exchange</name>
    <message>
        <location filename="../ui/stix_dialogs.py" line="59"/>
        <source>Save STIX bundle</source>
        <translation>STIX バンドルの保存</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="65"/>
        <source>Import STIX bundle</source>
        <translation>STIX バンドルの取り込み</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="72"/>
        <source>The public (anyone; TLP:CLEAR only)</source>
        <translation>一般公開（誰でも。TLP:CLEAR のみ）</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="74"/>
        <source>The community (every certified user; up to TLP:GREEN)</source>
        <translation>コミュニティ（認証済みの全利用者。TLP:GREEN まで）</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="80"/>
        <source>My organisation %1 (up to %2)</source>
        <translation>自組織 %1（%2 まで）</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="82"/>
        <source>Organisation %1 (up to %2)</source>
        <translation>組織 %1（%2 まで）</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="96"/>
        <source>Exported</source>
        <translation>書き出す部分</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="97"/>
        <source>Left out: this audience may not have it</source>
        <translation>除外: この宛先には渡せない部分</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="103"/>
        <source>Wrote %1 STIX objects to %2 (markings: %3).</source>
        <translation>%2 に STIX オブジェクトを %1 件書き出しました（区分: %3）。</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="109"/>
        <source>%1 new, %2 updated, %3 unchanged; %4 withheld (marked above your clearance, not kept).</source>
        <translation>新規 %1 件、更新 %2 件、変更なし %3 件。保留 %4 件（あなたの資格を超える区分のため保存していません）。</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="114"/>
        <source>Markings found</source>
        <translation>見つかった区分</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="115"/>
        <source>Objects by type</source>
        <translation>種類別のオブジェクト数</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="116"/>
        <source>Not imported (type not supported)</source>
        <translation>取り込まなかったもの（未対応の種類）</translation>
    </message>
</context>
<context>
    <name>ExchangeActions</name>
    <message>
        <location filename="../ui/stix_dialogs.py" line="359"/>
        <location filename="../ui/stix_dialogs.py" line="372"/>
        <source>Export STIX 2.1</source>
        <translation>STIX 2.1 の書き出し</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="383"/>
        <source>Import STIX 2.1</source>
        <translation>STIX 2.1 の取り込み</translation>
    </message>
</context>
<context>
    <name>ExchangeButtons</name>
    <message>
        <location filename="../ui/stix_dialogs.py" line="442"/>
        <source>E&amp;xport STIX…</source>
        <translation>STIX 書き出し(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="443"/>
        <source>Export this document as STIX</source>
        <translation>この文書を STIX で書き出す</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="444"/>
        <source>&amp;Import STIX…</source>
        <translation>STIX 取り込み(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="445"/>
        <source>Import a STIX bundle</source>
        <translation>STIX バンドルを取り込む</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="446"/>
        <source>TAXII…</source>
        <translation>TAXII…</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="447"/>
        <source>Push to or pull from a TAXII server</source>
        <translation>TAXII サーバへ送信、または取得</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../ui/stix_dialogs.py" line="156"/>
        <source>Export STIX 2.1</source>
        <translation>STIX 2.1 の書き出し</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="157"/>
        <source>Export “%1”</source>
        <translation>「%1」を書き出す</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="158"/>
        <source>Export %1 message(s)</source>
        <translation>メッセージ %1 件を書き出す</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="161"/>
        <source>Audience</source>
        <translation>宛先</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="166"/>
        <source>What is exported and what is left out</source>
        <translation>書き出す部分と除外する部分</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="168"/>
        <source>File to write</source>
        <translation>書き出すファイル</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="169"/>
        <source>Choose…</source>
        <translation>選ぶ…</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="170"/>
        <source>Choose the file to write</source>
        <translation>書き出すファイルを選ぶ</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="174"/>
        <location filename="../ui/stix_dialogs.py" line="176"/>
        <source>Export</source>
        <translation>書き出す</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="181"/>
        <source>Audience:</source>
        <translation>宛先:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="182"/>
        <source>File:</source>
        <translation>ファイル:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="203"/>
        <source>Nothing of this may leave Renkei: its markings allow no export audience.</source>
        <translation>この内容は連携 Renkei の外に出せません。区分上、書き出せる宛先がありません。</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../ui/wizard_pages.py" line="105"/>
        <source>The authority key</source>
        <translation>認証局の鍵</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="106"/>
        <source>Authority key (*.pub);;All files (*)</source>
        <translation>認証局の鍵 (*.pub);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="246"/>
        <source>&amp;Create keys</source>
        <translation>鍵を作成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="253"/>
        <source>Set up Renkei</source>
        <translation>連携 Renkei の初期設定</translation>
    </message>
    <message>
        <location filename="../ui/wizard.py" line="283"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
</context>
<context>
    <name>FollowUpPanel</name>
    <message>
        <location filename="../ui/report_followup.py" line="198"/>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="249"/>
        <source>Final report (最終報告) for %1</source>
        <translation>最終報告: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="251"/>
        <source>Update report (続報) for %1</source>
        <translation>続報: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="302"/>
        <source>Please fix before sending:</source>
        <translation>送信前に次の点を直してください:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="317"/>
        <source>Not sent: %1</source>
        <translation>送信していません: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="322"/>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="322"/>
        <source>&amp;Send report</source>
        <translation>報告を送信(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="323"/>
        <source>Send report</source>
        <translation>報告を送信</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="328"/>
        <source>What we know &amp;now:</source>
        <translation>現在わかっていること(&amp;N):</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="329"/>
        <source>Co&amp;ntainment:</source>
        <translation>封じ込め(&amp;N):</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="330"/>
        <source>Impact on services:</source>
        <translation>業務への影響:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="331"/>
        <source>Impact on information:</source>
        <translation>情報への影響:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="332"/>
        <source>Impact on safety:</source>
        <translation>安全への影響:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="333"/>
        <source>CVEs (e.g. CVE-2024-21887):</source>
        <translation>CVE（例: CVE-2024-21887）:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="334"/>
        <source>ATT&amp;&amp;CK techniques (e.g. T1190):</source>
        <translation>ATT&amp;&amp;CK テクニック（例: T1190）:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="335"/>
        <source>Indicators (one per line):</source>
        <translation>指標（1行に1件）:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="336"/>
        <source>Marking:</source>
        <translation>区分:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="337"/>
        <source>Affected assets:</source>
        <translation>影響を受けた資産:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="338"/>
        <source>Root cause:</source>
        <translation>根本原因:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="339"/>
        <source>Mitigations (one per line):</source>
        <translation>対策（1行に1件）:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="340"/>
        <source>Recoverability:</source>
        <translation>復旧の見込み:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="341"/>
        <source>Recovery:</source>
        <translation>復旧:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="348"/>
        <source>This report continues the incident&apos;s thread; it starts from what was reported last. A final report needs the incident contained or recovered and every impact known. It is encrypted for the intake staff only.</source>
        <translation>この報告はインシデントのスレッドの続きで、前回の報告内容から始まります。最終報告には、インシデントの封じ込めまたは復旧と、すべての影響の判明が必要です。受付担当者だけが読めるよう暗号化されます。</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="352"/>
        <source>Final report</source>
        <translation>最終報告</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="353"/>
        <source>Asset kind</source>
        <translation>資産の種類</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="354"/>
        <source>How many</source>
        <translation>数</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="355"/>
        <source>Asset description</source>
        <translation>資産の説明</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="356"/>
        <source>e.g. file servers at the head office</source>
        <translation>例: 本社のファイルサーバ</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="357"/>
        <source>&amp;Add asset</source>
        <translation>資産を追加(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="358"/>
        <source>Add asset</source>
        <translation>資産を追加</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="359"/>
        <source>Affected assets</source>
        <translation>影響を受けた資産</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="360"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="361"/>
        <source>Remove the chosen asset</source>
        <translation>選んだ資産を削除</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="363"/>
        <source>The centre may use this report for:</source>
        <translation>センターがこの報告を利用できる目的:</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="364"/>
        <source>I &amp;consent to these uses of this report</source>
        <translation>この報告を上記の目的に利用することに同意します(&amp;C)</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="365"/>
        <source>I consent to these uses of this report</source>
        <translation>この報告を上記の目的に利用することに同意します</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="366"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../ui/report_followup.py" line="367"/>
        <source>Cancel the report</source>
        <translation>報告を取りやめる</translation>
    </message>
</context>
<context>
    <name>ForwardDialog</name>
    <message>
        <location filename="../ui/compose.py" line="357"/>
        <source>Forward message</source>
        <translation>メッセージを転送</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="359"/>
        <source>Target room</source>
        <translation>転送先のルーム</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="364"/>
        <source>Note</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="365"/>
        <source>Optional note</source>
        <translation>メモ(任意)</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="368"/>
        <source>Forwarding rule</source>
        <translation>転送ルール</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="372"/>
        <source>Room:</source>
        <translation>ルーム:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="374"/>
        <source>Note:</source>
        <translation>メモ:</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="401"/>
        <source>TLP:RED content is never forwarded.</source>
        <translation>TLP:RED の内容は転送できません。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="403"/>
        <source>TLP:%1 does not allow sharing with: %2</source>
        <translation>TLP:%1 では次の組織と共有できません: %2</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="406"/>
        <source>Choose a room with members.</source>
        <translation>メンバーのいるルームを選んでください。</translation>
    </message>
    <message>
        <location filename="../ui/compose.py" line="408"/>
        <source>This room&apos;s ceiling is below the message&apos;s marking.</source>
        <translation>このルームの上限区分はメッセージの区分より低くなっています。</translation>
    </message>
</context>
<context>
    <name>GuardedTextView</name>
    <message>
        <location filename="../ui/guard.py" line="137"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../ui/guard.py" line="140"/>
        <source>Select all</source>
        <translation>すべて選択</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <location filename="../ui/home.py" line="39"/>
        <source>Critical and high advisories (30 days)</source>
        <translation>緊急・重要の注意喚起(30日間)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="40"/>
        <source>Advisories that affect us</source>
        <translation>当組織に影響する注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="41"/>
        <source>Actions overdue</source>
        <translation>期限超過の対応</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="42"/>
        <source>Actions due within 7 days</source>
        <translation>7日以内に期限の対応</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="43"/>
        <source>Briefs to acknowledge</source>
        <translation>確認待ちのブリーフィング</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="44"/>
        <source>Advisories in the last 30 days</source>
        <translation>直近30日の注意喚起</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="45"/>
        <source>Search everything you may read</source>
        <translation>閲覧できるすべてを検索</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="46"/>
        <source>Unread messages in joint rooms</source>
        <translation>共同ルームの未読メッセージ</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="47"/>
        <source>Report an incident (quick report)</source>
        <translation>インシデントを報告（速報）</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="48"/>
        <source>Questions from the centre to answer</source>
        <translation>センターからの未回答の質問</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="49"/>
        <source>New incident reports to triage</source>
        <translation>受付待ちの新しいインシデント報告</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="50"/>
        <source>Reports waiting for information</source>
        <translation>追加情報待ちの報告</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="51"/>
        <source>Compose an advisory or brief</source>
        <translation>注意喚起・ブリーフィングを作成</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="52"/>
        <source>Exploited-vulnerability catalog</source>
        <translation>悪用された脆弱性カタログ</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="53"/>
        <source>Key changes to review</source>
        <translation>確認が必要な鍵の変更</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../ui/home.py" line="95"/>
        <source>Home</source>
        <translation>ホーム</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="151"/>
        <source>Welcome, %1 (%2)</source>
        <translation>ようこそ、%1 さん(%2)</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="156"/>
        <source>&amp;View as:</source>
        <translation>表示する役割(&amp;V):</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="157"/>
        <source>Home view for role</source>
        <translation>役割ごとのホーム表示</translation>
    </message>
</context>
<context>
    <name>KevModel</name>
    <message>
        <location filename="../ui/kev.py" line="46"/>
        <source>CVE</source>
        <translation>CVE</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="46"/>
        <source>Vendor</source>
        <translation>ベンダー</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="46"/>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="46"/>
        <source>Vulnerability</source>
        <translation>脆弱性</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="47"/>
        <source>Added</source>
        <translation>追加日</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="47"/>
        <source>Due</source>
        <translation>対応期限</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="47"/>
        <source>Ransomware</source>
        <translation>ランサムウェア</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="47"/>
        <source>Affects us</source>
        <translation>当組織への影響</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="52"/>
        <source>Known</source>
        <translation>悪用あり</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="53"/>
        <source>Yes</source>
        <translation>はい</translation>
    </message>
</context>
<context>
    <name>KevPage</name>
    <message>
        <location filename="../ui/kev.py" line="178"/>
        <source>Vulnerability catalog</source>
        <translation>脆弱性カタログ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="194"/>
        <location filename="../ui/kev.py" line="298"/>
        <source>All catalogs</source>
        <translation>すべてのカタログ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="196"/>
        <source>Domestic catalog</source>
        <translation>国内カタログ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="236"/>
        <source>%1 of %2 entries shown · %3 affect us · %4 known ransomware use · %5 of ours overdue</source>
        <translation>%2 件中 %1 件を表示 · 当組織に影響 %3 件 · ランサムウェアでの悪用 %4 件 · 当組織の期限超過 %5 件</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="264"/>
        <source>Importing %1…</source>
        <translation>%1 を取り込んでいます…</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="276"/>
        <source>Import failed: %1</source>
        <translation>取り込みに失敗しました: %1</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="281"/>
        <source>Name the product (and its vendor) to add it.</source>
        <translation>追加する製品名（とベンダー）を入力してください。</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="294"/>
        <source>Search CVE, vendor, product, description</source>
        <translation>CVE・ベンダー・製品・概要を検索</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="295"/>
        <source>Search the catalog</source>
        <translation>カタログを検索</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="296"/>
        <source>Catalog</source>
        <translation>カタログ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="299"/>
        <source>Any due date</source>
        <translation>期限を問わない</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="300"/>
        <source>Due within 7 days</source>
        <translation>7日以内が期限</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="301"/>
        <source>Overdue</source>
        <translation>期限超過</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="302"/>
        <source>Due date</source>
        <translation>対応期限</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="303"/>
        <source>&amp;Ransomware only</source>
        <translation>ランサムウェアのみ(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="304"/>
        <source>Ransomware only</source>
        <translation>ランサムウェアのみ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="305"/>
        <source>&amp;Affects us only</source>
        <translation>当組織に影響するもののみ(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="306"/>
        <source>Affects us only</source>
        <translation>当組織に影響するもののみ</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="307"/>
        <source>&amp;Import catalog…</source>
        <translation>カタログを取り込む(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="308"/>
        <source>Import a KEV catalog file</source>
        <translation>KEV カタログファイルを取り込む</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="309"/>
        <source>Catalog entries</source>
        <translation>カタログの項目</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="310"/>
        <source>Catalog entry</source>
        <translation>カタログの項目</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="311"/>
        <source>Our products (inventory)</source>
        <translation>当組織の製品（インベントリ）</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="312"/>
        <source>Our products</source>
        <translation>当組織の製品</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="313"/>
        <location filename="../ui/kev.py" line="316"/>
        <source>Vendor</source>
        <translation>ベンダー</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="314"/>
        <location filename="../ui/kev.py" line="317"/>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="315"/>
        <location filename="../ui/kev.py" line="318"/>
        <source>Version</source>
        <translation>バージョン</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="319"/>
        <source>Add &amp;product</source>
        <translation>製品を追加(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="320"/>
        <source>Add product</source>
        <translation>製品を追加</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="327"/>
        <source>Import a KEV catalog</source>
        <translation>KEV カタログを取り込む</translation>
    </message>
    <message>
        <location filename="../ui/kev.py" line="328"/>
        <source>KEV catalog (*.json);;All files (*)</source>
        <translation>KEV カタログ (*.json);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>KeyChangeBar</name>
    <message>
        <location filename="../ui/room_widgets.py" line="104"/>
        <source>&amp;Accept new key</source>
        <translation>新しい鍵を承認(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/room_widgets.py" line="105"/>
        <source>Accept new key</source>
        <translation>新しい鍵を承認</translation>
    </message>
    <message>
        <location filename="../ui/room_widgets.py" line="106"/>
        <source>Key change warning</source>
        <translation>鍵の変更の警告</translation>
    </message>
    <message>
        <location filename="../ui/room_widgets.py" line="111"/>
        <source>The key of %1 changed. Sending in this room is blocked until you accept it. Compare the new fingerprint with them first: %2</source>
        <translation>%1 さんの鍵が変更されました。承認するまでこのルームでは送信できません。先に本人と新しいフィンガープリントを照合してください: %2</translation>
    </message>
</context>
<context>
    <name>KeysPage</name>
    <message>
        <location filename="../ui/wizard_pages.py" line="249"/>
        <source>The passphrase needs at least %1 characters.</source>
        <translation>パスフレーズは %1 文字以上にしてください。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="253"/>
        <source>The two passphrases differ.</source>
        <translation>2つのパスフレーズが一致しません。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="261"/>
        <source>Protecting your keys</source>
        <translation>鍵の保護</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="262"/>
        <source>Your device keys never leave this computer unprotected.</source>
        <translation>端末の鍵が保護なしでこの端末の外に出ることはありません。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="263"/>
        <source>Keep them in the system &amp;keyring (recommended)</source>
        <translation>システムのキーリングに保管する（推奨）(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="264"/>
        <source>Keep the keys in the system keyring</source>
        <translation>鍵をシステムのキーリングに保管する</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="265"/>
        <source>Protect them with a &amp;passphrase</source>
        <translation>パスフレーズで保護する(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="266"/>
        <source>Protect the keys with a passphrase</source>
        <translation>鍵をパスフレーズで保護する</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="268"/>
        <source>The system keyring unlocks with your desktop session. A passphrase works everywhere but must be typed each time Renkei starts or unlocks.</source>
        <translation>システムのキーリングはデスクトップへのログインで開きます。パスフレーズはどこでも使えますが、Renkei の起動時とロック解除のたびに入力が必要です。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="272"/>
        <source>No system keyring works on this computer (%1). Your keys will be protected by a passphrase instead (Argon2id): you type it each time Renkei starts or unlocks. Keys are never stored unprotected.</source>
        <translation>この端末ではシステムのキーリングが使えません（%1）。代わりに鍵をパスフレーズ（Argon2id）で保護します。Renkei の起動時とロック解除のたびに入力してください。鍵が保護なしで保存されることはありません。</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="277"/>
        <source>Pass&amp;phrase:</source>
        <translation>パスフレーズ(&amp;P):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="278"/>
        <source>&amp;Repeat:</source>
        <translation>再入力(&amp;R):</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="279"/>
        <source>New passphrase</source>
        <translation>新しいパスフレーズ</translation>
    </message>
    <message>
        <location filename="../ui/wizard_pages.py" line="280"/>
        <source>Repeat the passphrase</source>
        <translation>パスフレーズの再入力</translation>
    </message>
</context>
<context>
    <name>LabelPicker</name>
    <message>
        <location filename="../ui/labelpicker.py" line="213"/>
        <source>The quoted content is marked above what you may post here.</source>
        <translation>引用した内容の区分は、ここに投稿できる区分を超えています。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="216"/>
        <source>You may not post here.</source>
        <translation>ここには投稿できません。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="218"/>
        <source>Below the marking of the quoted content: sending needs your confirmation and is recorded.</source>
        <translation>引用した内容の区分より低い区分です。送信には確認が必要で、記録されます。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="221"/>
        <source>Marked at least as high as the quoted content.</source>
        <translation>引用した内容と同等以上の区分です。</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="230"/>
        <source>&amp;Marking:</source>
        <translation>区分(&amp;M):</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="231"/>
        <source>Classification level</source>
        <translation>秘密区分</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="232"/>
        <source>TLP</source>
        <translation>TLP</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="234"/>
        <source>Compartment %1</source>
        <translation>コンパートメント %1</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="235"/>
        <source>Label picker</source>
        <translation>区分の選択</translation>
    </message>
    <message>
        <location filename="../ui/labelpicker.py" line="236"/>
        <source>Marking note</source>
        <translation>区分についての注記</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../ui/idle.py" line="176"/>
        <source>Enter your passphrase, or unlock with the system keyring.</source>
        <translation>パスフレーズを入力するか、システムのキーリングで解除してください。</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="190"/>
        <source>Unlocking…</source>
        <translation>ロックを解除しています…</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="207"/>
        <source>Renkei is locked</source>
        <translation>連携 Renkei はロックされています</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="208"/>
        <source>Content is hidden and the vault key has been dropped from memory. Unlock to continue.</source>
        <translation>内容は非表示になり、保管庫の鍵はメモリから消去されました。続けるにはロックを解除してください。</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="210"/>
        <location filename="../ui/idle.py" line="211"/>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="212"/>
        <source>&amp;Unlock</source>
        <translation>ロック解除(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="213"/>
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="214"/>
        <source>Unlock with the system &amp;keyring</source>
        <translation>システムのキーリングで解除(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="215"/>
        <source>Unlock with the system keyring</source>
        <translation>システムのキーリングで解除</translation>
    </message>
    <message>
        <location filename="../ui/idle.py" line="216"/>
        <source>Unlock error</source>
        <translation>ロック解除のエラー</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.py" line="326"/>
        <source>Offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="327"/>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="328"/>
        <source>Syncing</source>
        <translation>同期中</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="329"/>
        <source>Up to date</source>
        <translation>最新の状態です</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="330"/>
        <source>Sync problem: %1</source>
        <translation>同期の問題: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="331"/>
        <source>Locked</source>
        <translation>ロック中</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="335"/>
        <source>Syncing %1 of %2</source>
        <translation>同期中 %1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="362"/>
        <source>Renkei</source>
        <translation>連携 Renkei</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="366"/>
        <source>Alt+%1</source>
        <translation>Alt+%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="367"/>
        <source>Navigation</source>
        <translation>ナビゲーション</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="368"/>
        <source>Screens</source>
        <translation>画面</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="369"/>
        <source>Sync status</source>
        <translation>同期の状態</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="370"/>
        <source>Sync progress</source>
        <translation>同期の進捗</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="371"/>
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="372"/>
        <source>Lock now</source>
        <translation>今すぐロック</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="373"/>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="374"/>
        <source>Dismiss notice</source>
        <translation>通知を閉じる</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.py" line="375"/>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <location filename="../ui/models.py" line="250"/>
        <source>Can read %1</source>
        <translation>%1 を閲覧可</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="251"/>
        <source>Can read</source>
        <translation>閲覧可否</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252"/>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252"/>
        <source>Organisation</source>
        <translation>組織</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="252"/>
        <source>Clearance</source>
        <translation>資格</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="264"/>
        <source>Yes</source>
        <translation>可</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="264"/>
        <source>No</source>
        <translation>不可</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <location filename="../ui/notify.py" line="30"/>
        <source>Urgent advisory: %1</source>
        <translation>緊急の注意喚起: %1</translation>
    </message>
    <message>
        <location filename="../ui/notify.py" line="34"/>
        <source>Open Renkei to read it.</source>
        <translation>連携 Renkei を開いて確認してください。</translation>
    </message>
</context>
<context>
    <name>PortionChip</name>
    <message>
        <location filename="../ui/marks.py" line="142"/>
        <source>Portion mark: %1</source>
        <translation>部分区分: %1</translation>
    </message>
</context>
<context>
    <name>PublishPage</name>
    <message>
        <location filename="../ui/publish.py" line="48"/>
        <source>What happened, in plain words, for executives.</source>
        <translation>何が起きたかを、経営層向けに平易な言葉で。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="50"/>
        <source>What it means for the business.</source>
        <translation>事業にとっての意味。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="51"/>
        <source>One action per line, starting with its due date: 2026-02-01 Patch all VPN gateways</source>
        <translation>1行に1つ、期限の日付から書きます: 2026-02-01 すべての VPN 装置に修正を適用</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="53"/>
        <source>Technical details for analysts.</source>
        <translation>分析者向けの技術的な詳細。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="54"/>
        <source>One per line: ipv4 198.51.100.7, domain bad.example, sha256 …</source>
        <translation>1行に1つ: ipv4 198.51.100.7、domain bad.example、sha256 …</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="56"/>
        <source>ATT&amp;CK technique ids, e.g. T1190 T1059.001</source>
        <translation>ATT&amp;CK 手法の ID（例: T1190 T1059.001）</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="57"/>
        <source>CVE ids, e.g. CVE-2024-3400</source>
        <translation>CVE 番号（例: CVE-2024-3400）</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="160"/>
        <source>Compose</source>
        <translation>作成</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="247"/>
        <source>header</source>
        <translation>見出し</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/publish.py" line="250"/>
        <source>Sent as %n part(s), each only to those cleared for it: </source>
        <translation>
            <numerusform>%n 個の部分に分けて送信し、それぞれ資格のある人にだけ届きます: </numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="260"/>
        <source>Please fix before publishing:</source>
        <translation>発行する前に次の点を直してください:</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="275"/>
        <source>Published %1.</source>
        <translation>%1 を発行しました。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="283"/>
        <source>Not published: %1</source>
        <translation>発行できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="288"/>
        <source>Advisory (the one voice, publisher role)</source>
        <translation>注意喚起（発行者の役割のみ）</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="289"/>
        <source>Brief (restricted, for cleared readers)</source>
        <translation>ブリーフィング（資格のある読者向け）</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="297"/>
        <source>&amp;Kind:</source>
        <translation>種類(&amp;K):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="297"/>
        <source>Document &amp;id:</source>
        <translation>文書ID(&amp;I):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="298"/>
        <source>&amp;Title:</source>
        <translation>表題(&amp;T):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="298"/>
        <source>Se&amp;verity:</source>
        <translation>深刻度(&amp;V):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="299"/>
        <source>&amp;Publisher:</source>
        <translation>発行者(&amp;P):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="299"/>
        <source>Title marking:</source>
        <translation>表題の区分:</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="300"/>
        <source>To &amp;people (user ids):</source>
        <translation>宛先の人（利用者ID）(&amp;P):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="301"/>
        <source>To &amp;organisations:</source>
        <translation>宛先の組織(&amp;O):</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="307"/>
        <source>empty: everyone cleared for each part</source>
        <translation>空欄: 各部分の資格を持つ全員</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="308"/>
        <source>e.g. kanto-power, nihon-telecom</source>
        <translation>例: kanto-power, nihon-telecom</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="310"/>
        <source>Each part carries its own marking and reaches only those cleared for it. Leave a part empty to leave it out.</source>
        <translation>各部分にはそれぞれの区分が付き、その資格を持つ人にだけ届きます。空欄の部分は含めません。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="314"/>
        <source>Advisories are issued by publishers only; you can send briefs. Each part carries its own marking.</source>
        <translation>注意喚起を発行できるのは発行者だけです。ブリーフィングは送信できます。各部分にはそれぞれの区分が付きます。</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="318"/>
        <source>&amp;Publish</source>
        <translation>発行(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="319"/>
        <source>Publish</source>
        <translation>発行</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="320"/>
        <source>Start &amp;over</source>
        <translation>最初から(&amp;O)</translation>
    </message>
    <message>
        <location filename="../ui/publish.py" line="321"/>
        <source>Start over</source>
        <translation>最初からやり直す</translation>
    </message>
</context>
<context>
    <name>QuickReportPanel</name>
    <message>
        <location filename="../ui/reportform.py" line="152"/>
        <source>Choose…</source>
        <translation>選択してください…</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="189"/>
        <source>Quick report (速報) %1</source>
        <translation>速報 %1</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="224"/>
        <source>Please fix before sending:</source>
        <translation>送信する前に次の点を直してください:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="239"/>
        <source>Not sent: %1</source>
        <translation>送信できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="244"/>
        <source>Sending…</source>
        <translation>送信しています…</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="244"/>
        <source>&amp;Send report</source>
        <translation>報告を送信(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="245"/>
        <source>Send report</source>
        <translation>報告を送信</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="250"/>
        <source>What &amp;happened (category):</source>
        <translation>何が起きたか（種別）(&amp;H):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="251"/>
        <source>What we know &amp;now:</source>
        <translation>現時点で分かっていること(&amp;N):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="252"/>
        <source>&amp;Detected at:</source>
        <translation>検知日時(&amp;D):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="253"/>
        <source>Co&amp;ntainment:</source>
        <translation>封じ込め状況(&amp;N):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="254"/>
        <source>&amp;Organisation:</source>
        <translation>組織(&amp;O):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="255"/>
        <source>Sec&amp;tor:</source>
        <translation>分野(&amp;T):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="256"/>
        <source>Organisation id (optional):</source>
        <translation>組織ID（任意）:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="257"/>
        <source>Contact &amp;name:</source>
        <translation>連絡先の氏名(&amp;N):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="258"/>
        <source>Contact &amp;email:</source>
        <translation>連絡先のメール(&amp;E):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="259"/>
        <source>Contact &amp;phone:</source>
        <translation>連絡先の電話(&amp;P):</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="260"/>
        <source>Impact on services:</source>
        <translation>業務への影響:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="261"/>
        <source>Impact on information:</source>
        <translation>情報への影響:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="262"/>
        <source>Impact on safety:</source>
        <translation>安全への影響:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="263"/>
        <source>Suspected malicious:</source>
        <translation>悪意の疑い:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="264"/>
        <source>Marking:</source>
        <translation>区分:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="265"/>
        <source>Indicators (optional, one per line):</source>
        <translation>侵害指標（任意、1行に1つ）:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="272"/>
        <source>Send what you know now: a quick report takes under two minutes. Unknown impacts can stay &quot;unknown&quot;; follow up with an update report later. It is encrypted for the intake staff only.</source>
        <translation>今わかっていることを送ってください。速報は2分以内で送れます。不明な影響は「不明」のままで構いません。続報で補足してください。報告は受付担当だけが読めるよう暗号化されます。</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="276"/>
        <source>e.g. Ransom note on file servers at 08:40; operations continue on backup systems.</source>
        <translation>例: 08:40 にファイルサーバで脅迫文を確認。業務はバックアップ系で継続中。</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="279"/>
        <source>The centre may use this report for:</source>
        <translation>センターはこの報告を次の目的に利用できます:</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="280"/>
        <source>I &amp;consent to these uses of this report</source>
        <translation>この報告の上記の利用に同意します(&amp;C)</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="281"/>
        <source>I consent to these uses of this report</source>
        <translation>この報告の上記の利用に同意します</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="282"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../ui/reportform.py" line="283"/>
        <source>Cancel the report</source>
        <translation>報告を取りやめる</translation>
    </message>
</context>
<context>
    <name>RecipientsBox</name>
    <message>
        <location filename="../ui/compose_parts.py" line="145"/>
        <source> (you)</source>
        <translation>（自分）</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="182"/>
        <source>TLP:RED recipients</source>
        <translation>TLP:RED の受信者</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="183"/>
        <source>TLP:RED goes to the people you name only. Tick each recipient; only members cleared for this marking are listed.</source>
        <translation>TLP:RED は指名した人にだけ届きます。受信者に印を付けてください。この区分を読める資格のあるメンバーだけが表示されています。</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="186"/>
        <source>Named recipients</source>
        <translation>指名した受信者</translation>
    </message>
    <message>
        <location filename="../ui/compose_parts.py" line="187"/>
        <source>About named recipients</source>
        <translation>受信者の指名について</translation>
    </message>
</context>
<context>
    <name>ReportsModel</name>
    <message>
        <location filename="../ui/reports.py" line="48"/>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="48"/>
        <source>Organisation</source>
        <translation>組織</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="48"/>
        <source>Stage</source>
        <translation>段階</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="49"/>
        <source>Marking</source>
        <translation>区分</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="49"/>
        <source>Latest</source>
        <translation>最終更新</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="49"/>
        <source>Open questions</source>
        <translation>未回答の質問</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../ui/reports.py" line="78"/>
        <source>Status: %1</source>
        <translation>状態: %1</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="86"/>
        <source>(intake)</source>
        <translation>（受付）</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="89"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="92"/>
        <source>Status changed to %1</source>
        <translation>状態を「%1」に変更</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="95"/>
        <source>Question %1</source>
        <translation>質問 %1</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="97"/>
        <source>not answered yet</source>
        <translation>未回答</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="99"/>
        <source>Answer to %1</source>
        <translation>%1 への回答</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="218"/>
        <source>Incident reports</source>
        <translation>インシデント報告</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="338"/>
        <source>Report %1 was sent to the intake staff.</source>
        <translation>報告 %1 を受付担当に送信しました。</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="342"/>
        <source>Sending…</source>
        <translation>送信しています…</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="350"/>
        <source>Not sent: %1</source>
        <translation>送信できませんでした: %1</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="361"/>
        <source>Status changed.</source>
        <translation>状態を変更しました。</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="370"/>
        <source>Question sent to the reporter.</source>
        <translation>報告者に質問を送信しました。</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="379"/>
        <source>Answer sent to the intake staff.</source>
        <translation>受付担当に回答を送信しました。</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="382"/>
        <source>&amp;New quick report (速報)</source>
        <translation>新しい速報(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="383"/>
        <source>New quick report</source>
        <translation>新しい速報</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="384"/>
        <source>Incoming reports (intake inbox)</source>
        <translation>届いた報告（受付箱）</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="385"/>
        <source>My reports</source>
        <translation>自分の報告</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="387"/>
        <source>Report thread</source>
        <translation>報告のスレッド</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="388"/>
        <source>Intake</source>
        <translation>受付</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="389"/>
        <source>New status</source>
        <translation>新しい状態</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="390"/>
        <source>Note for the reporter (optional)</source>
        <translation>報告者へのメモ（任意）</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="391"/>
        <source>Note for the reporter</source>
        <translation>報告者へのメモ</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="392"/>
        <source>Set &amp;status</source>
        <translation>状態を変更(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="393"/>
        <source>Set status</source>
        <translation>状態を変更</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="394"/>
        <source>Follow-up question for the reporter</source>
        <translation>報告者への追加の質問</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="395"/>
        <source>Follow-up question</source>
        <translation>追加の質問</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="396"/>
        <source>As&amp;k</source>
        <translation>質問する(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="397"/>
        <source>Ask the reporter</source>
        <translation>報告者に質問する</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="398"/>
        <source>Questions from the centre</source>
        <translation>センターからの質問</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="399"/>
        <source>Question to answer</source>
        <translation>回答する質問</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="400"/>
        <location filename="../ui/reports.py" line="401"/>
        <source>Your answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="402"/>
        <source>&amp;Answer</source>
        <translation>回答する(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="403"/>
        <source>Send answer</source>
        <translation>回答を送信</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="404"/>
        <source>Send &amp;update (続報)…</source>
        <translation>続報を送る(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="405"/>
        <source>Send an update report</source>
        <translation>続報を送る</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="406"/>
        <source>Send &amp;final report (最終報告)…</source>
        <translation>最終報告を送る(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../ui/reports.py" line="407"/>
        <source>Send the final report</source>
        <translation>最終報告を送る</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../ui/home.py" line="27"/>
        <source>Analyst</source>
        <translation>分析者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="28"/>
        <source>Incident responder</source>
        <translation>インシデント対応者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="29"/>
        <source>Executive</source>
        <translation>経営層</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="30"/>
        <source>Reporting operator</source>
        <translation>報告担当者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="31"/>
        <source>Publisher</source>
        <translation>発行者</translation>
    </message>
    <message>
        <location filename="../ui/home.py" line="32"/>
        <source>Intake officer</source>
        <translation>受付担当</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <location filename="../ui/models.py" line="126"/>
        <source>%1, %2 unread</source>
        <translation>%1、未読 %2 件</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="129"/>
        <source>Room ceiling: %1</source>
        <translation>ルームの上限区分: %1</translation>
    </message>
</context>
<context>
    <name>RoomsPage</name>
    <message>
        <location filename="../ui/rooms.py" line="49"/>
        <source>Save attachment</source>
        <translation>添付ファイルの保存</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="131"/>
        <source>Joint rooms</source>
        <translation>共同ルーム</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="235"/>
        <source>No room selected</source>
        <translation>ルームが選択されていません</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="238"/>
        <source>%1 — room ceiling %2</source>
        <translation>%1 — ルームの上限区分 %2</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="254"/>
        <source>%1 of %2 members can read %3.</source>
        <translation>メンバー %2 人中 %1 人が %3 を閲覧できます。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="258"/>
        <source>Cannot read: %1</source>
        <translation>閲覧できない人: %1</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="275"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="276"/>
        <source>Quote in reply</source>
        <translation>引用して返信</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="277"/>
        <source>Forward…</source>
        <translation>転送…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="279"/>
        <source>Save “%1” (%2)…</source>
        <translation>「%1」（%2）を保存…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="284"/>
        <source>Export STIX…</source>
        <translation>STIX 書き出し…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="286"/>
        <source>Push to TAXII…</source>
        <translation>TAXII へ送信…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="299"/>
        <source>Another file is being saved; wait for it or cancel it.</source>
        <translation>別のファイルを保存中です。終わるまで待つか、取り消してください。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="304"/>
        <source>Saving %1…</source>
        <translation>%1 を保存中…</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="309"/>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="314"/>
        <source>Saving cancelled: nothing was written.</source>
        <translation>保存を取り消しました。何も書き込んでいません。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="317"/>
        <source>Not saved: %1</source>
        <translation>保存していません: %1</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="349"/>
        <source>Not forwarded: the marking is below the message&apos;s.</source>
        <translation>転送していません: 区分がメッセージの区分より低くなっています。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="362"/>
        <source>Forwarded.</source>
        <translation>転送しました。</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="367"/>
        <source>&amp;Rooms</source>
        <translation>ルーム(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="368"/>
        <source>Rooms</source>
        <translation>ルーム</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="369"/>
        <source>Timeline</source>
        <translation>タイムライン</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="370"/>
        <source>&amp;Members</source>
        <translation>メンバー(&amp;M)</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="371"/>
        <source>Room members</source>
        <translation>ルームのメンバー</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="372"/>
        <source>Who can read the chosen marking</source>
        <translation>選んだ区分を閲覧できる人</translation>
    </message>
    <message>
        <location filename="../ui/rooms.py" line="373"/>
        <source>Room</source>
        <translation>ルーム</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <location filename="../ui/search.py" line="59"/>
        <location filename="../ui/search.py" line="102"/>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="80"/>
        <source>Searching…</source>
        <translation>検索中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/search.py" line="87"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="99"/>
        <source>Search everything you may read</source>
        <translation>閲覧できるすべてを検索</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="100"/>
        <source>Search text</source>
        <translation>検索語</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="101"/>
        <source>&amp;Search</source>
        <translation>検索(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="103"/>
        <source>Search results</source>
        <translation>検索結果</translation>
    </message>
    <message>
        <location filename="../ui/search.py" line="104"/>
        <source>Search status</source>
        <translation>検索の状態</translation>
    </message>
</context>
<context>
    <name>Security</name>
    <message>
        <location filename="../ui/settings.py" line="29"/>
        <source>Message rejected</source>
        <translation>メッセージを拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="30"/>
        <source>Forged certificate refused</source>
        <translation>偽造された証明書を拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="31"/>
        <source>Membership change refused</source>
        <translation>メンバー変更を拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="32"/>
        <source>Conflicting room history refused</source>
        <translation>矛盾するルーム履歴を拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="33"/>
        <source>Swapped key refused</source>
        <translation>差し替えられた鍵を拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="34"/>
        <source>Key delivery refused</source>
        <translation>鍵の配送を拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="35"/>
        <source>Message delivered twice</source>
        <translation>メッセージの二重配送</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="36"/>
        <source>Sequence number reused</source>
        <translation>通し番号の再利用</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="37"/>
        <source>Undecodable message refused</source>
        <translation>解読できないメッセージを拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="38"/>
        <source>Revocation list refused</source>
        <translation>失効リストを拒否</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="39"/>
        <source>Device identity conflict</source>
        <translation>端末の識別情報の矛盾</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="40"/>
        <source>The server refused something we sent</source>
        <translation>送信した内容をサーバが拒否しました</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../ui/settings.py" line="91"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="103"/>
        <source>No security events: nothing was refused.</source>
        <translation>セキュリティ上の事象はありません（拒否されたものはありません）。</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="114"/>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="117"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="118"/>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="119"/>
        <source>&amp;Lock after idle (minutes):</source>
        <translation>無操作でロックするまで(分)(&amp;L):</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="120"/>
        <source>Lock after idle, in minutes</source>
        <translation>無操作でロックするまでの分数</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="121"/>
        <source>The markings policy allows at most %1 minutes.</source>
        <translation>区分ポリシーで許される上限は %1 分です。</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="123"/>
        <source>Idle lock limit</source>
        <translation>自動ロックの上限</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="125"/>
        <source>Signed in as %1 (%2), device %3.</source>
        <translation>%1（%2）として利用中、端末 %3。</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="127"/>
        <source>Security events (newest first)</source>
        <translation>セキュリティ上の事象（新しい順）</translation>
    </message>
    <message>
        <location filename="../ui/settings.py" line="128"/>
        <source>Security events</source>
        <translation>セキュリティ上の事象</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../ui/models.py" line="52"/>
        <source>Critical</source>
        <translation>緊急</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="53"/>
        <source>High</source>
        <translation>重要</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="54"/>
        <source>Medium</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="55"/>
        <source>Low</source>
        <translation>注意</translation>
    </message>
    <message>
        <location filename="../ui/models.py" line="56"/>
        <source>Informational</source>
        <translation>情報</translation>
    </message>
</context>
<context>
    <name>TaxiiDialog</name>
    <message>
        <location filename="../ui/stix_dialogs.py" line="233"/>
        <source>TAXII 2.1</source>
        <translation>TAXII 2.1</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="234"/>
        <source>TAXII carries TLP:CLEAR and TLP:GREEN only: anything marked higher is never sent.</source>
        <translation>TAXII で送れるのは TLP:CLEAR と TLP:GREEN だけです。それより高い区分のものは送信されません。</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="246"/>
        <source>&amp;Push</source>
        <translation>送信(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="247"/>
        <source>P&amp;ull into Renkei</source>
        <translation>連携 Renkei に取得(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="253"/>
        <source>Server URL:</source>
        <translation>サーバ URL:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="254"/>
        <source>Collection id:</source>
        <translation>コレクション ID:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="255"/>
        <source>User:</source>
        <translation>ユーザ:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="256"/>
        <source>Password:</source>
        <translation>パスワード:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="257"/>
        <source>Push for:</source>
        <translation>送信先の範囲:</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="268"/>
        <source>TAXII server URL</source>
        <translation>TAXII サーバの URL</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="269"/>
        <source>Collection id</source>
        <translation>コレクション ID</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="270"/>
        <source>TAXII user</source>
        <translation>TAXII ユーザ</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="271"/>
        <source>TAXII password</source>
        <translation>TAXII パスワード</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="272"/>
        <source>Push for</source>
        <translation>送信先の範囲</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="273"/>
        <source>Push to TAXII</source>
        <translation>TAXII へ送信</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="274"/>
        <source>Pull from TAXII</source>
        <translation>TAXII から取得</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="275"/>
        <source>TAXII result</source>
        <translation>TAXII の結果</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="283"/>
        <source>Nothing of this is TLP:CLEAR or TLP:GREEN at the lowest level: it may not be pushed.</source>
        <translation>最も低いレベルの TLP:CLEAR または TLP:GREEN の部分がないため、送信できません。</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="316"/>
        <source>Working…</source>
        <translation>処理中…</translation>
    </message>
    <message>
        <location filename="../ui/stix_dialogs.py" line="330"/>
        <source>Pushed %1 objects: %2 accepted, %3 refused, %4 pending.</source>
        <translation>%1 件のオブジェクトを送信しました: 受理 %2 件、拒否 %3 件、保留 %4 件。</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../ui/store_convert.py" line="74"/>
        <source>its marking is unknown to this deployment&apos;s policy</source>
        <translation>この区分はこの運用の区分規程にありません</translation>
    </message>
    <message>
        <location filename="../ui/store_convert.py" line="106"/>
        <source>%1 message(s) from %2 at this marking (numbers %3–%4) never arrived: the server dropped them or is holding them back</source>
        <translation>%2 さんからのこの区分のメッセージ %1 件（番号 %3–%4）が届いていません。サーバが破棄したか、配送を止めています</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../ui/timeline.py" line="50"/>
        <source>File: %1 (%2)</source>
        <translation>添付: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="189"/>
        <source>Warning: messages are missing (%1)</source>
        <translation>警告: 届いていないメッセージがあります(%1)</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="191"/>
        <source>Warning: a message from %1 was rejected: %2</source>
        <translation>警告: %1 からのメッセージを拒否しました: %2</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="198"/>
        <source>Attached files: %1</source>
        <translation>添付ファイル: %1</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="203"/>
        <source>Missing messages</source>
        <translation>欠落したメッセージ</translation>
    </message>
    <message>
        <location filename="../ui/timeline.py" line="204"/>
        <source>Rejected message: it failed verification and is not shown</source>
        <translation>拒否したメッセージ: 検証に失敗したため表示しません</translation>
    </message>
</context>
<context>
    <name>TransferBar</name>
    <message>
        <location filename="../ui/transfer.py" line="96"/>
        <source>Cancelling…</source>
        <translation>取り消し中…</translation>
    </message>
    <message>
        <location filename="../ui/transfer.py" line="103"/>
        <source>Cancel</source>
        <translation>取り消す</translation>
    </message>
    <message>
        <location filename="../ui/transfer.py" line="104"/>
        <source>Cancel the transfer</source>
        <translation>転送を取り消す</translation>
    </message>
    <message>
        <location filename="../ui/transfer.py" line="105"/>
        <source>Transfer progress</source>
        <translation>転送の進み具合</translation>
    </message>
    <message>
        <location filename="../ui/transfer.py" line="106"/>
        <source>Transfer</source>
        <translation>転送</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../ui/chart.py" line="47"/>
        <source>No advisories in this period.</source>
        <translation>この期間の注意喚起はありません。</translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="50"/>
        <location filename="../ui/chart.py" line="67"/>
        <source>Advisories per week by severity</source>
        <translation>深刻度別の週ごとの注意喚起</translation>
    </message>
</context>
</TS>
