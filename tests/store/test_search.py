"""Full-text search in English and Japanese, hostile query text, and read filtering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intel.markings import Clearance, Policy
from store.items import insert_items
from store.search import labels_in_use, readable_labels, search
from store.textindex import index_text, parse_query
from store.vault import close_vault, create_vault

DOCS = [
    ("en-1", "Ransomware at a water utility",
     "Operators observed ransomware encrypting file servers after lateral movement."),
    ("en-2", "Phishing campaign",
     "A phishing campaign targets finance staff with macro documents."),
    ("en-3", "CVE-2024-3400 exploited", "Attackers exploit CVE-2024-3400 in edge firewalls."),
    ("ja-1", "不正アクセスの報告",
     "社内サーバへの不正アクセスを確認しました。認証情報が窃取された可能性があります。"),
    ("ja-2", "ランサムウェア被害", "電力事業者でランサムウェアによる暗号化被害が発生しました。"),
    ("ja-3", "標的型攻撃", "金融機関を狙った標的型メール攻撃を検知。"),
    ("mix-1", "Emotet感染", "Emotetに感染した端末から外部への通信を確認。Block the C2 domain."),
]


@pytest.fixture
def docs(vault: Any, item: Any) -> Any:
    insert_items(vault, [item(item_id=i, title=t, body=b) for i, t, b in DOCS])
    return vault


def ids(hits: list[Any]) -> list[str]:
    return [h.item.item_id for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ransomware", ["en-1"]),
        ("RANSOMWARE", ["en-1"]),
        ("lateral movement", ["en-1"]),
        ("phishing finance", ["en-2"]),
        ("phishing ransomware", []),
        ("CVE-2024-3400", ["en-3"]),
        ("firewall", []),  # whole words; "firewall*" is the prefix form
        ("firewall*", ["en-3"]),
        ("ransom*", ["en-1"]),
        ("不正アクセス", ["ja-1"]),
        ("アクセス", ["ja-1"]),
        ("ランサムウェア", ["ja-2"]),
        ("攻撃", ["ja-3"]),
        ("窃取", ["ja-1"]),
        ("不正侵入", []),
        ("被害 電力", ["ja-2"]),
        ("攻", ["ja-3"]),  # one character
        ("害", ["ja-2"]),  # one character at the end of a run
        ("ｱｸｾｽ", ["ja-1"]),  # half-width katakana
        ("ＣＶＥ－２０２４－３４００", ["en-3"]),  # full-width
        ("emotet 感染", ["mix-1"]),
        ("Emotet感染", ["mix-1"]),
        ("c2 domain", ["mix-1"]),
    ],
)
def test_queries(docs: Any, query: str, expected: list[str]) -> None:
    assert ids(search(docs, query)) == expected


def test_newest_first_and_limit(vault: Any, item: Any) -> None:
    insert_items(vault, [item(item_id=f"m{n}", body=f"beacon number {n}") for n in range(30)])
    hits = search(vault, "beacon", limit=10)
    assert ids(hits) == [f"m{n}" for n in range(29, 19, -1)]
    assert search(vault, "beacon", limit=0) == []


def test_snippet_shows_the_match(vault: Any, item: Any) -> None:
    body = "filler text " * 30 + "the beacon calls home " + "more filler " * 30
    insert_items(vault, [item(body=body)])
    (hit,) = search(vault, "beacon")
    assert "beacon" in hit.snippet and len(hit.snippet) < len(body)


AWKWARD = [
    'AND "(', '"', "'", "(", ")", "*", "**", "NEAR(", "NEAR(a b, 2)", "a OR", "OR", "NOT", "AND",
    "^", "-", "+", ":", "title:x", "body:ransomware", "{title}: x", '""""', "\\", "%", "_",
    "\x00", "   ", "", "\u3000", "。、", "🙂", "a" * 5000, "不" * 2000, "x*y*z*", "ran*",
    "SELECT * FROM items; --", "rank MATCH 1", "\ud800".encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace"),
]


@pytest.mark.parametrize("query", AWKWARD)
def test_awkward_queries_do_not_raise(docs: Any, query: str) -> None:
    hits = search(docs, query)
    assert isinstance(hits, list)


def test_syntax_is_searched_as_words(docs: Any) -> None:
    # "body:ransomware" is not a column filter: it is the two words "body" and "ransomware"
    assert search(docs, "body:ransomware") == []
    assert ids(search(docs, "(ransomware)")) == ["en-1"]
    assert ids(search(docs, '"ransomware" OR')) == []  # OR is a word here, not an operator


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40))
def test_any_text_is_a_safe_query(docs: Any, query: str) -> None:
    assert isinstance(search(docs, query), list)


def test_parse_query_quotes_only_tokens() -> None:
    for part in parse_query('AND "( NEAR(x) 不正" *'):
        text = part if isinstance(part, str) else part.text
        assert "(" not in text.strip('"') and ")" not in text


def test_index_text_bigrams() -> None:
    assert index_text("不正アクセス").split() == ["不正", "正ア", "アク", "クセ", "セス", "ス"]
    assert index_text("Hello 世界").split() == ["Hello", "世界", "界"]


def test_label_and_predicate_filters(vault: Any, item: Any) -> None:
    insert_items(vault, [
        item(item_id="low", label="UNCLASSIFIED//TLP:GREEN", body="botnet takedown"),
        item(item_id="conf", label="CONFIDENTIAL//TLP:AMBER", body="botnet infrastructure"),
        item(item_id="secret", label="SECRET/CYBER//TLP:AMBER", body="botnet operator identity"),
        item(item_id="other-room", room_id="room-b", label="UNCLASSIFIED//TLP:GREEN",
             body="botnet in room b"),
        item(item_id="bad", status="rejected", reject_reason="forged", body="botnet forged"),
    ])
    assert set(ids(search(vault, "botnet"))) == {"low", "conf", "secret", "other-room"}
    allowed = {"UNCLASSIFIED//TLP:GREEN", "CONFIDENTIAL//TLP:AMBER"}
    assert set(ids(search(vault, "botnet", allowed_labels=allowed))) == {
        "low", "conf", "other-room"}
    assert search(vault, "botnet", allowed_labels=set()) == []
    assert ids(search(vault, "botnet", predicate=lambda it: it.item_id == "secret")) == ["secret"]
    assert set(ids(search(vault, "botnet", room_id="room-a"))) == {"low", "conf", "secret"}
    assert ids(search(vault, "botnet", room_id="room-b")) == ["other-room"]
    assert search(vault, "botnet", kinds=["advisory"]) == []


def test_readable_labels_follow_the_policy(vault: Any, item: Any) -> None:
    insert_items(vault, [
        item(label="UNCLASSIFIED//TLP:CLEAR"),
        item(label="CONFIDENTIAL//TLP:AMBER"),
        item(label="SECRET/CYBER//TLP:AMBER"),
        item(label="TOP-SECRET//TLP:RED"),
        item(label="CONFIDENTIAL//TLP:AMBER//REL:other-org"),
        item(label="garbage label"),
    ])
    assert len(labels_in_use(vault)) == 6
    reader = Clearance("alice", "org-a", "SECRET", frozenset())
    assert readable_labels(vault, Policy.default(), reader) == {
        "UNCLASSIFIED//TLP:CLEAR", "CONFIDENTIAL//TLP:AMBER"}
    cyber = Clearance("bob", "org-a", "SECRET", frozenset({"CYBER"}))
    assert "SECRET/CYBER//TLP:AMBER" in readable_labels(vault, Policy.default(), cyber)


def test_japanese_in_a_fresh_vault(tmp_path: Path, key: bytes, item: Any) -> None:
    conn = create_vault(tmp_path / "ja.db", key)
    insert_items(conn, [item(item_id="x", title="重要インフラ", body="重要インフラ事業者への攻撃")])
    assert ids(search(conn, "インフラ")) == ["x"]
    assert ids(search(conn, "事業者")) == ["x"]
    close_vault(conn)


def test_index_maintenance_keeps_results(vault: Any, item: Any) -> None:
    from store.search import merge_search_index, optimize_search_index

    for n in range(12):
        insert_items(vault, [item(item_id=f"b{n}-{k}", body=f"wiper batch{n} 攻撃{k}")
                             for k in range(20)])
    before = ids(search(vault, "wiper", limit=1000))
    rounds = 0
    while merge_search_index(vault, 50) and rounds < 100:
        rounds += 1
    assert not merge_search_index(vault, 50)  # fully merged: nothing left to do
    assert ids(search(vault, "wiper", limit=1000)) == before
    optimize_search_index(vault)
    assert ids(search(vault, "wiper", limit=1000)) == before
    assert len(before) == 240
    assert ids(search(vault, "batch3 攻撃7")) == ["b3-7"]
