"""Vault benchmark: full-text search over 1M messages, insert rate, open time.

    python -m bench.store [--items N] [--queries Q]

Builds a vault of synthetic mixed English/Japanese messages (100–300 characters) in a
temporary directory, then measures:

- ``search_p95_ms_1m``: p95 of >= 100 varied full-text queries (top 50, newest first);
- ``insert_per_s``: items stored with FTS indexing, batches of 500, each batch committed,
  with ``cipher_memory_security`` ON as in production (``insert_per_s_memsec_off`` for
  comparison);
- ``open_ms``: open the existing vault with its key, check migrations, first page query.

The bulk build runs in a child process with ``cipher_memory_security`` OFF (the bench-only
switch ``store.vault.BENCH_ONLY_MEMORY_SECURITY``) only to fit the run in a few minutes; every
figure except ``*_memsec_off`` is measured with it ON, as in production. The last stdout line
is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from store import vault
from store.items import count_items, insert_items, list_items
from store.models import NewItem
from store.search import search
from store.vault import Connection, close_vault, create_vault, open_vault

EN_WORDS = (
    "ransomware", "phishing", "campaign", "lateral", "movement", "credential", "dumping",
    "exploit", "vulnerability", "patch", "advisory", "indicator", "malware", "botnet", "command",
    "control", "server", "beacon", "exfiltration", "firewall", "intrusion", "detection",
    "observed", "targeting", "energy", "sector", "finance", "healthcare", "water", "operators",
    "should", "apply", "updates", "immediately", "attacker", "used", "malicious", "document",
    "macro", "payload", "downloading", "second", "stage", "loader", "persistence", "scheduled",
    "task", "registry", "network", "traffic", "anomalous", "domain", "resolved", "address",
    "hosted", "cloud", "provider", "backdoor", "webshell", "privilege", "escalation", "supply",
    "chain", "compromise", "espionage", "wiper", "destructive", "outage", "telemetry", "sensor",
    "endpoint", "agent", "quarantine", "forensic", "timeline", "triage", "containment",
    "eradication", "recovery", "the", "a", "of", "to", "in", "and", "for", "with", "on", "from",
    "by", "after", "before", "during", "this", "that", "was", "were", "has", "have", "been", "is",
    "are", "be", "will", "may", "could", "would", "vendor", "customer", "partner", "agency",
    "ministry", "report", "incident", "response", "team", "analyst", "brief", "summary", "annex",
    "technical", "executive", "urgent", "critical", "high", "medium", "low", "severity",
    "confidence", "assessed", "likely", "unlikely", "group", "actor", "nation", "state",
    "criminal", "affiliate", "access", "broker", "initial", "vector", "remote", "desktop", "vpn",
    "appliance", "edge", "device", "router", "switch", "controller", "plc", "scada", "historian",
    "engineering", "workstation", "safety", "system",
)
JA_PHRASES = (
    "不正アクセス", "ランサムウェア", "脆弱性", "攻撃者", "標的型メール", "感染", "被害", "対策",
    "を確認した", "が発生しました", "について調査中です", "の可能性があります", "重要インフラ",
    "事業者", "報告", "通信", "サーバ", "認証情報", "窃取", "侵入", "検知", "早急に",
    "適用してください", "パッチ", "電力", "金融機関", "医療", "マルウェア", "遠隔操作", "外部",
    "送信", "水道", "ガス", "鉄道", "航空", "情報共有", "注意喚起", "緊急", "速報", "続報",
    "最終報告", "影響範囲", "復旧", "暗号化", "身代金", "脅迫", "漏えい", "個人情報",
    "制御システム", "工場", "停止", "初動対応", "封じ込め", "根絶", "証拠保全", "ログ", "解析",
    "侵害", "踏み台", "偽装", "なりすまし", "詐欺", "サプライチェーン", "委託先", "取引先",
    "政府機関", "自治体", "省庁", "関係者", "担当者", "確認中", "判明", "観測", "国家", "支援",
    "攻撃グループ", "活動", "活発化", "増加", "傾向", "推奨", "実施", "検討", "必要", "重要",
    "、", "。", "、", "。", "の", "が", "を", "に", "で", "は", "と", "も",
)
LABELS = ("CONFIDENTIAL//TLP:AMBER", "SECRET//TLP:AMBER", "UNCLASSIFIED//TLP:GREEN")
QUERIES = [
    "ransomware", "phishing campaign", "lateral movement", "credential", "exfiltration",
    "webshell", "supply chain", "remote desktop", "vpn appliance", "privilege escalation",
    "scada historian", "wiper", "beacon", "botnet", "espionage", "backdoor", "forensic timeline",
    "initial vector", "access broker", "engineering workstation", "safety system", "telemetry",
    "quarantine", "containment", "nation state", "criminal affiliate", "destructive outage",
    "cloud provider", "malicious document", "scheduled task", "edge device", "router",
    "不正アクセス", "ランサムウェア", "脆弱性", "攻撃者", "標的型メール", "感染", "被害", "対策",
    "重要インフラ", "事業者", "認証情報", "窃取", "侵入", "検知", "パッチ", "電力", "金融機関",
    "医療", "マルウェア", "遠隔操作", "水道", "鉄道", "航空", "情報共有", "注意喚起", "緊急",
    "速報", "影響範囲", "復旧", "暗号化", "身代金", "漏えい", "個人情報", "制御システム",
    "初動対応", "証拠保全", "踏み台", "なりすまし", "サプライチェーン", "委託先", "政府機関",
    "自治体", "攻撃グループ", "活発化", "アクセス", "ウェア", "システム",
    "ransomware 電力", "phishing 金融機関", "不正アクセス 認証情報", "マルウェア beacon",
    "脆弱性 patch", "webshell 侵入", "ransomware lateral movement", "被害 復旧 暗号化",
    "CVE-2024-1042", "CVE-2023-2290", "198.51.100.23", "203.0.113.77", "apt-group-12",
    "ransom*", "exfil*", "priv*", "攻", "窃", "炎", "quantum computing", "量子暗号",
    "zero-day 不正", "Ransomware", "RANSOMWARE operators", "ｱｸｾｽ", "ＶＰＮ appliance",
    "the attacker", "a", "in", "operators should apply updates", "を確認した",
]


def _sentences(rnd: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        if rnd.random() < 0.5:
            out.append(" ".join(rnd.choices(EN_WORDS, k=rnd.randint(5, 12))) + ". ")
        else:
            out.append("".join(rnd.choices(JA_PHRASES, k=rnd.randint(6, 14))) + "。")
    return out


def _body(rnd: random.Random, pool: list[str], n: int) -> str:
    target = rnd.randint(100, 300)
    parts: list[str] = []
    size = 0
    while size < target:
        s = rnd.choice(pool)
        parts.append(s)
        size += len(s)
    # unique-ish tokens grow the vocabulary the way identifiers do in real reports
    r = rnd.random()
    if r < 0.2:
        parts.append(f" CVE-{rnd.randint(2015, 2025)}-{rnd.randint(1000, 49999)}")
    elif r < 0.35:
        parts.append(f" {rnd.choice(['198.51.100', '203.0.113', '192.0.2'])}.{rnd.randint(1, 254)}")
    elif r < 0.45:
        parts.append(f" apt-group-{rnd.randint(1, 60)}")
    return "".join(parts)[:300]


def _items(rnd: random.Random, pool: list[str], start: int, count: int) -> list[NewItem]:
    base_ms = 1_700_000_000_000
    out = []
    for n in range(start, start + count):
        out.append(NewItem(
            item_id=f"{secrets.token_hex(16)}", room_id=f"room-{n % 40}", kind="message",
            sender_device=f"dev-{n % 250}", sender_user=f"user-{n % 200}",
            sender_name=f"User {n % 200}", seq=n // 250 + 1,
            label=LABELS[n % 3], content_type="text/plain",
            created_ms=base_ms + n * 1000, received_ms=base_ms + n * 1000,
            body=_body(rnd, pool, n),
        ))
    return out


def _insert_rate(conn: Connection, rnd: random.Random, pool: list[str], start: int,
                 total: int, batch: int = 500) -> float:
    batches = [_items(rnd, pool, start + i, batch) for i in range(0, total, batch)]
    t0 = time.perf_counter()
    for b in batches:
        insert_items(conn, b)
    return total / (time.perf_counter() - t0)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _build(path: str, key_hex: str, n_items: int, extra: int, out: str) -> None:
    """Bulk build, in a child process that never turns memory security on.

    SQLCipher's memory security is process-wide and cannot be switched off once on; with it
    the build would take several times longer. The file written is an ordinary vault, made
    by :func:`store.vault.create_vault`.
    """
    vault.BENCH_ONLY_MEMORY_SECURITY = False  # this child process only
    conn = create_vault(path, bytes.fromhex(key_hex))
    assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] == "0"
    # bulk build only: a large cache keeps the random item-id index in memory
    conn.execute("PRAGMA cache_size = -1048576")
    rnd = random.Random(20240601)
    pool = _sentences(rnd, 40_000)
    t0 = time.perf_counter()
    step = 20_000
    for start in range(0, n_items, step):
        insert_items(conn, _items(rnd, pool, start, min(step, n_items - start)))
        if start and start % 200_000 == 0:  # progress on stderr
            print(f"built {start} items, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    build_s = time.perf_counter() - t0
    close_vault(conn)
    # Measured as the ON figure is: a vault as open_vault configures it (its own cache size).
    conn = open_vault(path, bytes.fromhex(key_hex))
    rate_off = _insert_rate(conn, rnd, pool, n_items, extra)
    close_vault(conn)
    Path(out).write_text(json.dumps({"build_s": build_s, "insert_off": rate_off}))


def run(n_items: int, n_queries: int, log: Any) -> dict[str, Any]:
    key = secrets.token_bytes(32)
    extra = 10_000
    with tempfile.TemporaryDirectory(prefix="renkei-bench-store-") as tmp:
        path = Path(tmp) / "vault.db"
        out = Path(tmp) / "build.json"
        ctx = multiprocessing.get_context("spawn")
        child = ctx.Process(target=_build, args=(str(path), key.hex(), n_items, extra, str(out)))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"building the vault failed (exit code {child.exitcode})")
        built = json.loads(out.read_text())
        print(f"built {n_items} items in {built['build_s']:.0f} s", file=log)

        # From here on as in production: open_vault turns cipher_memory_security ON.
        conn = open_vault(path, key)
        if conn.execute("PRAGMA cipher_memory_security").fetchone()[0] != "1":
            raise SystemExit("cipher_memory_security is not on in the measuring process")
        rnd = random.Random(7)
        pool = _sentences(rnd, 5_000)
        insert_on = _insert_rate(conn, rnd, pool, n_items + extra, extra)
        total = n_items + 2 * extra
        close_vault(conn)
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6

        opens = []
        for _ in range(5):
            t0 = time.perf_counter()
            conn = open_vault(path, key)
            list_items(conn, "room-7", 0, 50)
            opens.append((time.perf_counter() - t0) * 1000)
            close_vault(conn)
        conn = open_vault(path, key)
        assert count_items(conn, "room-7") > 0

        queries = (QUERIES * (1 + n_queries // len(QUERIES)))[:max(n_queries, 100)]
        for q in QUERIES[::10]:  # warm the page cache as a running client would have it
            search(conn, q)
        times, hits = [], []
        for q in queries:
            t0 = time.perf_counter()
            found = search(conn, q, limit=50)
            times.append((time.perf_counter() - t0) * 1000)
            hits.append(len(found))
        slowest = sorted(zip(times, queries, strict=True), reverse=True)[:5]
        print("slowest queries: " + ", ".join(f"{q!r} {t:.1f} ms" for t, q in slowest), file=log)
        close_vault(conn)
    return {
        "items": total,
        "search_p95_ms_1m": round(_pct(times, 95), 2),
        "search_p50_ms": round(_pct(times, 50), 2),
        "search_max_ms": round(max(times), 2),
        "search_queries": len(times),
        "search_queries_with_hits": sum(1 for h in hits if h),
        "insert_per_s": round(insert_on),
        "insert_per_s_memsec_off": round(built["insert_off"]),
        "build_per_s_memsec_off": round(n_items / built["build_s"]),
        "open_ms": round(statistics.median(opens), 2),
        "open_ms_first": round(opens[0], 2),
        "vault_mb": round(size_mb, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.store", description="Renkei vault benchmark"
    )
    parser.add_argument("--items", type=int, default=1_000_000, help="messages to store")
    parser.add_argument("--queries", type=int, default=120, help="search queries (>= 100)")
    args = parser.parse_args(argv)
    result = run(args.items, args.queries, sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
