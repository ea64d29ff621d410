"""``renkei kev inspect | import | publish | list`` and ``renkei inventory add | import-sbom |
show``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from client.cli import EXIT_USAGE, CliError, Context, Registry, t
from client.cli_intel import (
    any_queued,
    guarded,
    online,
    queued_error,
    read_file,
    show_problems,
)
from client.cli_view import parse_label


def register(reg: Registry) -> None:
    kev = reg.group("kev", t("catalogs of known exploited vulnerabilities (KEV format)",
                             "悪用が確認された脆弱性のカタログ（KEV 形式）"))
    sp = kev.command("inspect", cmd_inspect, t(
        "check a KEV catalog file against the schema; print a summary or every problem "
        "(no account needed)", "KEV カタログをスキーマで検査し、概要か全問題を表示する"
        "（アカウント不要）"))
    sp.add_argument("file", metavar="FILE")
    sp = kev.command("import", cmd_import, t("import a KEV catalog (e.g. CISA's) on this device",
                                             "KEV カタログ（CISA など）をこの端末に取り込む"))
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--source", default="cisa", help="a short name for it (default: cisa)")
    sp = kev.command("publish", cmd_publish, t(
        "publisher: issue the domestic catalog (KEV format) to everyone",
        "発行者: 国内カタログ（KEV 形式）を全体へ発行する"))
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--label", default=None, help="default: the lowest level, TLP:CLEAR")
    sp = kev.command("list", cmd_list, t("browse and filter the catalogs held",
                                         "保持しているカタログを絞り込み表示する"))
    sp.add_argument("--source", default="all", help="all, domestic, or an import source")
    sp.add_argument("--text", help="words that must all appear")
    sp.add_argument("--vendor")
    sp.add_argument("--product")
    sp.add_argument("--ransomware", action="store_true", default=None,
                    help="only those with known ransomware use")
    sp.add_argument("--due-before", metavar="YYYY-MM-DD")
    sp.add_argument("--added-since", metavar="YYYY-MM-DD")
    sp.add_argument("--affecting-us", action="store_true",
                    help="only those that probably affect the inventory's products")
    sp.add_argument("--limit", type=int, default=100, metavar="N", help="0: all")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")

    inv = reg.group("inventory", t("the product inventory (what do we run?)",
                                   "製品インベントリ（自組織で使っている製品）"))
    sp = inv.command("add", cmd_inv_add, t("add a product by hand", "製品を手で追加する"))
    sp.add_argument("--vendor", default=None)
    sp.add_argument("--product", required=True)
    sp.add_argument("--version", default=None)
    sp = inv.command("import-sbom", cmd_inv_sbom, t("add the components of a CycloneDX SBOM",
                                                    "CycloneDX SBOM の構成要素を追加する"))
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--replace", action="store_true",
                    help="replace the products a previous SBOM brought")
    inv.command("show", cmd_inv_show, t(
        "list the products, and how many exploited vulnerabilities probably affect them",
        "製品と、影響を受けうる悪用脆弱性の件数を表示する"))


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r}: expected a date like 2025-09-30") from None


def _catalog(path: str) -> bytes:
    from intel.kev import MAX_CATALOG_BYTES

    return read_file(path, "catalog", MAX_CATALOG_BYTES)


def cmd_inspect(ctx: Context) -> None:
    from intel.kev import inspect_catalog

    result = inspect_catalog(_catalog(ctx.args.file))
    if not result.ok or result.summary is None:
        show_problems(ctx, result.problems)
        raise CliError(t(f"the KEV catalog has {len(result.problems)} problem(s)",
                         f"KEV カタログに {len(result.problems)} 件の問題があります"),
                       EXIT_USAGE)
    s = result.summary
    ctx.say(t("Valid KEV catalog.", "有効な KEV カタログです。"))
    if s.title:
        ctx.say(f"  {t('title', '表題')}: {s.title}")
    ctx.say(f"  {t('version', '版')}: {s.version}  {t('released', '公開')}: "
            f"{s.released.isoformat()}")
    ctx.say(f"  {t('vulnerabilities', '脆弱性')}: {s.count}  "
            f"{t('known ransomware use', 'ランサムウェアでの悪用')}: {s.ransomware_known}  "
            f"{t('vendors', 'ベンダー数')}: {s.vendors}")
    ctx.say(f"  {t('added', '追加日')}: {s.first_added} … {s.last_added}  "
            f"{t('due', '対応期限')}: {s.earliest_due} … {s.latest_due}")
    ctx.say(f"  {t('top vendors', '主なベンダー')}: "
            + ", ".join(f"{v} ({n})" for v, n in s.top_vendors))


@guarded("nothing was imported")
def cmd_import(ctx: Context) -> None:
    from sync.flows import import_kev

    data = _catalog(ctx.args.file)
    r = import_kev(ctx.session(), data, source=ctx.args.source)
    ctx.say(t(f"Imported {r.source} catalog {r.version}: {r.count} entries ({r.added} new, "
              f"{r.updated} updated, {r.removed} removed).",
              f"{r.source} カタログ {r.version} を取り込みました: {r.count} 件（新規 "
              f"{r.added}、更新 {r.updated}、削除 {r.removed}）。"))


@guarded("nothing was sent")
def cmd_publish(ctx: Context) -> None:
    from sync.flows import publish_catalog

    data = _catalog(ctx.args.file)
    session = ctx.session()
    label = parse_label(session.policy, ctx.args.label) if ctx.args.label else None
    online(ctx)
    ids = publish_catalog(ctx.engine(), data, label=label)
    if any_queued(ctx, ids):
        raise queued_error(t("the catalog", "カタログ"), ids[0])
    ctx.say(t(f"Published the domestic catalog in {len(ids)} part(s).",
              f"国内カタログを {len(ids)} 部で発行しました。"))


def _entry_json(source: str, e: Any) -> str:
    return json.dumps({"source": source, **e.model_dump(mode="json")}, ensure_ascii=False)


@guarded()
def cmd_list(ctx: Context) -> None:
    from sync.flows import inventory_matches, list_kev

    a = ctx.args
    session = ctx.session()
    if a.source == "all" or a.source == "domestic":
        online(ctx)
    found = list_kev(session, source=a.source, text=a.text, vendor=a.vendor,
                     product=a.product, due_before=_date(a.due_before, "--due-before"),
                     added_since=_date(a.added_since, "--added-since"),
                     ransomware=a.ransomware)
    if a.affecting_us:
        hit = {m.entry.cveID for m in inventory_matches(session)}
        found = [e for e in found if e.entry.cveID in hit]
    total = len(found)
    if a.limit > 0:
        found = found[: a.limit]
    for ce in found:
        e = ce.entry
        if a.json:
            ctx.say(_entry_json(ce.source, e))
            continue
        rw = t("  [ransomware]", "  [ランサムウェア]") if e.ransomware_known else ""
        ctx.say(f"{e.cveID}  {e.vendorProject} {e.product}  {t('due', '期限')} "
                f"{e.dueDate.isoformat()}  ({ce.source}){rw}")
        ctx.say(f"    {e.vulnerabilityName}")
    if not a.json:
        more = t(f" (showing {len(found)})", f"（うち {len(found)} 件を表示）") \
            if total > len(found) else ""
        ctx.note(t(f"{total} matching entr{'y' if total == 1 else 'ies'}{more}",
                   f"該当 {total} 件{more}"))


@guarded("the inventory was left unchanged")
def cmd_inv_add(ctx: Context) -> None:
    from sync.flows import add_product

    inv = add_product(ctx.session(), ctx.args.vendor, ctx.args.product, ctx.args.version)
    ctx.say(t(f"Inventory: {len(inv.products)} product(s).",
              f"インベントリ: {len(inv.products)} 製品。"))


@guarded("the inventory was left unchanged")
def cmd_inv_sbom(ctx: Context) -> None:
    from intel.inventory import MAX_SBOM_BYTES
    from sync.flows import import_sbom

    data = read_file(ctx.args.file, "SBOM", MAX_SBOM_BYTES)
    inv, added = import_sbom(ctx.session(), data, replace=ctx.args.replace)
    ctx.say(t(f"Added {added} product(s); the inventory holds {len(inv.products)}.",
              f"{added} 製品を追加しました。インベントリは {len(inv.products)} 製品です。"))


@guarded()
def cmd_inv_show(ctx: Context) -> None:
    from sync.flows import get_inventory, inventory_exposure, inventory_matches

    session = ctx.session()
    inv = get_inventory(session)
    if not inv.products:
        ctx.say(t("The inventory is empty: 'renkei inventory add' or 'import-sbom'.",
                  "インベントリは空です: 'renkei inventory add' か 'import-sbom' で追加します。"))
        return
    for p in inv.products:
        ctx.say(f"  {p.vendor or '-'}  {p.product}  {p.version or ''}  ({p.source})")
    ex = inventory_exposure(session)
    ctx.say(t(f"Exploited vulnerabilities that probably affect us: {ex.affected} "
              f"({ex.ransomware_known} with known ransomware use, {ex.overdue} past due"
              + (f", next due {ex.next_due}" if ex.next_due else "") + ")",
              f"影響を受けうる悪用脆弱性: {ex.affected} 件（ランサムウェアでの悪用 "
              f"{ex.ransomware_known} 件、期限超過 {ex.overdue} 件"
              + (f"、次の期限 {ex.next_due}" if ex.next_due else "") + "）"))
    for m in inventory_matches(session):
        ctx.say(f"    {m.entry.cveID}  {m.entry.vendorProject} {m.entry.product} → "
                f"{m.product.product} ({m.kind.value})")
