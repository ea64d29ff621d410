"""Markings: labels, the policy file, the read rule, TLP 2.0 onward sharing, dominance and
least upper bound, and no write-down."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intel.errors import IntelError, LabelError, PolicyError
from intel.markings import (
    DOWNGRADE_ROLE,
    TLP,
    TLP2_EXTENSION_ID,
    TLP2_STIX_IDS,
    Clearance,
    Label,
    Policy,
    can_read,
    can_share_onward,
    check_no_write_down,
    dominates,
    least_upper_bound,
)

POLICY = Policy.default()
LEVELS = [lv.key for lv in POLICY.levels]
COMPS = sorted(POLICY.compartment_keys())
ORGS = ["org-a", "org-b", "org-c", "agency.jp", "Vendor_1"]

keys = st.from_regex(r"\A[A-Z][A-Z0-9_-]{0,31}\Z")
orgs = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
any_labels = st.builds(Label, keys, st.frozensets(keys, max_size=4), st.sampled_from(list(TLP)),
                       st.none() | st.frozensets(orgs, min_size=1, max_size=4))
policy_labels = st.builds(Label, st.sampled_from(LEVELS), st.frozensets(st.sampled_from(COMPS)),
                          st.sampled_from(list(TLP)),
                          st.none() | st.frozensets(st.sampled_from(ORGS), min_size=1))


def L(text: str) -> Label:
    return POLICY.parse_label(text)


def reader(level: str = "SECRET", comps: tuple[str, ...] = (), org: str = "org-a",
           user: str = "u1", roles: tuple[str, ...] = ()) -> Clearance:
    return Clearance(user, org, level, frozenset(comps), frozenset(roles))


# ---------------------------------------------------------------------------- labels
@settings(deadline=None, max_examples=150)
@given(any_labels)
def test_label_canonical_round_trip(label: Label) -> None:
    text = label.canonical()
    assert Label.parse(text) == label
    assert str(label) == text
    assert Label.parse(text).canonical() == text


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(COMPS), min_size=1), st.sampled_from(["AMBER_STRICT",
                                                                      "amber+strict",
                                                                      "TLP:AMBER+STRICT"]))
def test_non_canonical_spellings_parse_to_the_canonical_label(comps: list[str],
                                                              tlp: str) -> None:
    text = "SECRET/" + ",".join(comps) + ",//" + ("" if tlp.upper().startswith("TLP:") else
                                                 "tlp:") + tlp
    label = Label.parse("  " + text + " ")
    assert label == Label("SECRET", frozenset(comps), TLP.AMBER_STRICT)
    assert label.canonical() == "SECRET/" + ",".join(sorted(set(comps))) + "//TLP:AMBER+STRICT"


def test_label_examples() -> None:
    lb = Label.parse("SECRET/OT,CYBER//TLP:AMBER+STRICT//REL:org-b,org-a")
    assert lb.level == "SECRET" and lb.compartments == {"CYBER", "OT"}
    assert lb.tlp is TLP.AMBER_STRICT and lb.releasable_to == {"org-a", "org-b"}
    assert lb.canonical() == "SECRET/CYBER,OT//TLP:AMBER+STRICT//REL:org-a,org-b"
    assert Label.parse("UNCLASSIFIED//TLP:WHITE").tlp is TLP.CLEAR  # TLP 1.0 name
    assert Label("SECRET").tlp is TLP.AMBER  # default
    assert [t.rank for t in TLP] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("text,message", [
    ("SECRET", "malformed label"),
    ("SECRET//TLP:AMBER//REL:a//x", "malformed label"),
    ("SECRET//AMBER", "second part must be TLP:X"),
    ("SECRET//TLP:ORANGE", "unknown TLP 'TLP:ORANGE'"),
    ("SECRET//TLP:AMBER//org-a", "third part must be REL"),
    ("SECRET//TLP:AMBER//REL:", "at least one organisation"),
    ("SECRET//TLP:AMBER//REL:org a", "invalid organisation 'org a'"),
    ("secret//TLP:AMBER", "invalid level 'secret'"),
    ("//TLP:AMBER", "invalid level ''"),
    ("SECRET/cyber//TLP:AMBER", "invalid compartment 'cyber'"),
    ("SECRET/CYBER/OT//TLP:AMBER", "invalid compartment 'CYBER/OT'"),
    ("S" * 513, "at most 512 characters"),
])
def test_bad_labels_give_clear_label_errors(text: str, message: str) -> None:
    with pytest.raises(LabelError, match=message) as exc:
        Label.parse(text)
    assert isinstance(exc.value, IntelError) and isinstance(exc.value, ValueError)


def test_labels_unknown_to_the_policy() -> None:
    with pytest.raises(LabelError, match="unknown level 'COSMIC'; this policy has UNCLASSIFIED"):
        POLICY.parse_label("COSMIC//TLP:AMBER")
    with pytest.raises(LabelError, match="unknown compartment.*NUCLEAR"):
        POLICY.parse_label("SECRET/NUCLEAR,CYBER//TLP:AMBER")
    with pytest.raises(LabelError, match="a label must be text"):
        Label.parse(5)  # type: ignore[arg-type]
    with pytest.raises(LabelError, match="releasability must name"):
        Label("SECRET", releasable_to=frozenset())


# ---------------------------------------------------------------------------- policy
def test_default_policy_loads_with_japanese_names() -> None:
    p = Policy.default()
    assert [lv.key for lv in p.levels] == ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET",
                                           "TOP-SECRET"]
    assert [lv.rank for lv in p.levels] == [0, 1, 2, 3]
    assert p.compartment_keys() == {"CYBER", "OT", "FIN"}
    assert p.lowest.key == "UNCLASSIFIED" and p.copy_block_level == "CONFIDENTIAL"
    assert p.idle_lock_seconds == 600
    for lv in p.levels:
        assert lv.name_ja and not lv.name_ja.isascii()
        assert lv.display("ja") == lv.name_ja and lv.display("ja_JP") == lv.name_ja
        assert lv.display("en") == lv.name_en
    assert all(c.name_ja and not c.name_ja.isascii() for c in p.compartments)
    assert p.level("TOP-SECRET").display("en") == "TOP SECRET"
    assert p.level("SECRET").name_ja == "極秘"
    assert p.banner_text(L("SECRET/OT,CYBER//TLP:AMBER//REL:org-b,org-a"), "ja") == \
        "極秘 // CYBER/OT // TLP:AMBER // REL TO org-a, org-b"
    assert p.banner_text(L("UNCLASSIFIED//TLP:CLEAR")) == "UNCLASSIFIED // TLP:CLEAR"
    # Round trip through its own dictionary and JSON.
    assert Policy.from_json(json.dumps(p.to_dict(), ensure_ascii=False)) == p


def _policy_dict() -> dict[str, Any]:
    return copy.deepcopy(POLICY.to_dict())


def _set(path: str, value: Any) -> dict[str, Any]:
    d = _policy_dict()
    target: Any = d
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if value is _DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return d


_DELETE = object()


@pytest.mark.parametrize("path,value,message", [
    ("name", "", "field 'name' must be a non-empty string"),
    ("name", _DELETE, "field 'name'"),
    ("version", 0, "'version' must be a positive integer"),
    ("version", True, "'version' must be a positive integer"),
    ("version", "1", "'version' must be a positive integer"),
    ("levels", [], "'levels' must be a non-empty list"),
    ("levels", {"a": 1}, "'levels' must be a non-empty list"),
    ("levels.0", "UNCLASSIFIED", "level #1 must be an object"),
    ("levels.1.key", "secret", "level key 'secret' must be upper-case"),
    ("levels.1.key", "SECRET", "distinct keys"),
    ("levels.2.banner_bg", "red", "level SECRET: banner_bg must be a colour"),
    ("levels.2.banner_fg", _DELETE, "banner_fg must be a colour"),
    ("levels.0.name_ja", "", "field 'name_ja'"),
    ("levels.0.name_en", "x" * 201, "at most 200 characters"),
    ("compartments.0", "CYBER", "each compartment must be an object"),
    ("compartments.0.key", "Cyber", "compartment key 'Cyber'"),
    ("compartments.1.key", "CYBER", "compartments must have distinct keys"),
    ("copy_block_level", "COSMIC", "copy_block_level 'COSMIC' is not a level"),
    ("idle_lock_seconds", 5, "idle_lock_seconds must be an integer between 30 and 86400"),
    ("idle_lock_seconds", 86401, "between 30 and 86400"),
])
def test_bad_policies_give_clear_policy_errors(path: str, value: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as exc:
        Policy.from_dict(_set(path, value))
    assert isinstance(exc.value, IntelError)


def test_policy_from_json_errors() -> None:
    with pytest.raises(PolicyError, match="not valid JSON"):
        Policy.from_json("{")
    with pytest.raises(PolicyError, match="must be a JSON object"):
        Policy.from_json("[1, 2]")
    with pytest.raises(PolicyError):
        Policy.from_json(b"\xff\xfe")


def test_policy_defaults_for_optional_fields() -> None:
    d = _policy_dict()
    for k in ("compartments", "copy_block_level", "idle_lock_seconds"):
        del d[k]
    p = Policy.from_dict(d)
    assert p.compartments == () and p.copy_block_level == "CONFIDENTIAL"
    assert p.idle_lock_seconds == 600


# ---------------------------------------------------------------------------- read rule
def test_read_rule_level_and_compartments() -> None:
    lb = L("SECRET/CYBER//TLP:AMBER")
    assert can_read(POLICY, reader("SECRET", ("CYBER",)), lb)
    assert can_read(POLICY, reader("TOP-SECRET", ("CYBER", "OT")), lb)
    assert not can_read(POLICY, reader("CONFIDENTIAL", ("CYBER",)), lb)
    assert not can_read(POLICY, reader("TOP-SECRET", ("OT",)), lb)
    assert not can_read(POLICY, reader("TOP-SECRET"), L("UNCLASSIFIED/FIN//TLP:CLEAR"))
    # A reader whose level this policy does not know reads nothing.
    assert not can_read(POLICY, reader("COSMIC", tuple(COMPS)), L("UNCLASSIFIED//TLP:CLEAR"))


def test_read_rule_releasability() -> None:
    lb = L("CONFIDENTIAL//TLP:GREEN//REL:org-a,org-b")
    assert can_read(POLICY, reader(org="org-a"), lb)
    assert can_read(POLICY, reader(org="org-b"), lb)
    assert not can_read(POLICY, reader(org="org-c"), lb)


def test_read_rule_tlp_red_is_for_named_recipients_only() -> None:
    lb = L("CONFIDENTIAL//TLP:RED")
    alice, bob = reader(user="alice"), reader(user="bob")
    assert not can_read(POLICY, alice, lb)
    assert not can_read(POLICY, alice, lb, [])
    assert not can_read(POLICY, alice, lb, ["bob"])
    assert can_read(POLICY, alice, lb, ["bob", "alice"])
    assert can_read(POLICY, bob, lb, iter(["bob"]))
    # Naming does not override level or compartments.
    assert not can_read(POLICY, reader("UNCLASSIFIED", user="alice"), lb, ["alice"])
    # Other TLPs do not need naming.
    for t in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT"):
        assert can_read(POLICY, alice, L(f"CONFIDENTIAL//TLP:{t}"))


@settings(deadline=None, max_examples=300)
@given(policy_labels, st.sampled_from(LEVELS), st.frozensets(st.sampled_from(COMPS)),
       st.sampled_from(ORGS), st.booleans())
def test_read_rule_matches_its_definition(lb: Label, level: str, comps: frozenset[str],
                                          org: str, named: bool) -> None:
    r = Clearance("u1", org, level, comps)
    expected = (LEVELS.index(level) >= LEVELS.index(lb.level) and lb.compartments <= comps
                and (lb.releasable_to is None or org in lb.releasable_to)
                and (lb.tlp is not TLP.RED or named))
    assert can_read(POLICY, r, lb, ["u1"] if named else ["u2"]) == expected


# ---------------------------------------------------------------------------- sharing
# (tlp, same org, client org, other certified org, public) -> allowed
SHARING = {
    TLP.RED: (False, False, False, False),
    TLP.AMBER_STRICT: (True, False, False, False),
    TLP.AMBER: (True, True, False, False),
    TLP.GREEN: (True, True, True, False),
    TLP.CLEAR: (True, True, True, True),
}


@pytest.mark.parametrize("tlp", list(TLP))
def test_tlp2_onward_sharing_matrix(tlp: TLP) -> None:
    lb = Label("UNCLASSIFIED", tlp=tlp)
    clients = {"org-a": ["org-client"]}
    got = (
        can_share_onward(lb, "org-a", "org-a", clients_of=clients),
        can_share_onward(lb, "org-a", "org-client", clients_of=clients),
        can_share_onward(lb, "org-a", "org-other", clients_of=clients),
        can_share_onward(lb, "org-a", None, target_certified=False),
    )
    assert got == SHARING[tlp]
    # An uncertified party in a named organisation is treated like the public.
    assert can_share_onward(lb, "org-a", "org-a", target_certified=False) == SHARING[tlp][3]
    # Clients are per organisation: org-a's clients are not org-b's.
    if tlp is TLP.AMBER:
        assert not can_share_onward(lb, "org-b", "org-client", clients_of=clients)
        assert not can_share_onward(lb, "org-a", "org-client")


def test_tlp_parse_and_stix_ids() -> None:
    assert TLP.parse("tlp:amber+strict") is TLP.AMBER_STRICT
    assert TLP.parse("AMBER_STRICT") is TLP.AMBER_STRICT
    assert TLP.parse(" TLP:WHITE ") is TLP.CLEAR
    with pytest.raises(LabelError, match="expected one of CLEAR, GREEN, AMBER"):
        TLP.parse("PURPLE")
    assert TLP2_STIX_IDS[TLP.CLEAR].endswith("94868c89-83c2-464b-929b-a1a8aa3c8487")
    assert TLP2_STIX_IDS[TLP.GREEN].endswith("bab4a63c-aed9-4cf5-a766-dfca5abac2bb")
    assert TLP2_STIX_IDS[TLP.AMBER].endswith("55d920b0-5e8b-4f79-9ee9-91f868d9b421")
    assert TLP2_STIX_IDS[TLP.AMBER_STRICT].endswith("939a9414-2ddd-4d32-a0cd-375ea402b003")
    assert TLP2_STIX_IDS[TLP.RED].endswith("e828b379-4e03-4974-9ac4-e53a884c97c1")
    assert all(v.startswith("marking-definition--") for v in TLP2_STIX_IDS.values())
    assert TLP2_EXTENSION_ID == "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


# ---------------------------------------------------------------------------- lattice
def test_dominance_examples() -> None:
    assert dominates(POLICY, L("SECRET/CYBER//TLP:RED"), L("CONFIDENTIAL//TLP:GREEN"))
    assert not dominates(POLICY, L("SECRET//TLP:RED"), L("CONFIDENTIAL/OT//TLP:GREEN"))
    assert not dominates(POLICY, L("SECRET//TLP:GREEN"), L("SECRET//TLP:AMBER"))
    # Fewer organisations named is more restrictive.
    assert dominates(POLICY, L("SECRET//TLP:AMBER//REL:org-a"),
                     L("SECRET//TLP:AMBER//REL:org-a,org-b"))
    assert not dominates(POLICY, L("SECRET//TLP:AMBER//REL:org-a,org-b"),
                         L("SECRET//TLP:AMBER//REL:org-a"))
    assert dominates(POLICY, L("SECRET//TLP:AMBER//REL:org-a"), L("SECRET//TLP:AMBER"))
    assert not dominates(POLICY, L("SECRET//TLP:AMBER"), L("SECRET//TLP:AMBER//REL:org-a"))


@settings(deadline=None, max_examples=200)
@given(policy_labels, policy_labels, policy_labels)
def test_dominance_is_a_partial_order(a: Label, b: Label, c: Label) -> None:
    assert dominates(POLICY, a, a)
    if dominates(POLICY, a, b) and dominates(POLICY, b, a):
        assert a == b
    if dominates(POLICY, a, b) and dominates(POLICY, b, c):
        assert dominates(POLICY, a, c)


@settings(deadline=None, max_examples=300)
@given(st.lists(policy_labels, min_size=1, max_size=5), policy_labels)
def test_least_upper_bound_dominates_inputs_and_is_least(labels: list[Label],
                                                         other: Label) -> None:
    rels = [lb.releasable_to for lb in labels if lb.releasable_to is not None]
    common = frozenset.intersection(*rels) if rels else None
    if common is not None and not common:
        with pytest.raises(LabelError, match="releasability sets do not overlap"):
            least_upper_bound(POLICY, labels)
        return
    lub = least_upper_bound(POLICY, labels)
    assert lub is not None
    assert all(dominates(POLICY, lub, lb) for lb in labels)
    # Least: anything that dominates every input dominates the bound too.
    if all(dominates(POLICY, other, lb) for lb in labels):
        assert dominates(POLICY, other, lub)
    # Order does not matter.
    assert least_upper_bound(POLICY, list(reversed(labels))) == lub
    # Whoever may read the bound may read every input (the banner is never too low).
    r = Clearance("u1", next(iter(lub.releasable_to or {"org-a"})), lub.level,
                  lub.compartments)
    assert all(can_read(POLICY, r, lb) for lb in labels if lb.tlp is not TLP.RED)


def test_least_upper_bound_examples() -> None:
    assert least_upper_bound(POLICY, []) is None
    lub = least_upper_bound(POLICY, [L("CONFIDENTIAL/OT//TLP:GREEN//REL:org-a,org-b"),
                                     L("SECRET/CYBER//TLP:AMBER//REL:org-b,org-c"),
                                     L("UNCLASSIFIED//TLP:CLEAR")])
    assert lub == L("SECRET/CYBER,OT//TLP:AMBER//REL:org-b")
    with pytest.raises(LabelError, match="unknown level"):
        least_upper_bound(POLICY, [L("SECRET//TLP:AMBER"), Label("COSMIC")])


# ---------------------------------------------------------------------------- write-down
def test_no_write_down() -> None:
    src = L("SECRET/CYBER//TLP:AMBER")
    # Equal or higher: allowed, no downgrade.
    for target in ("SECRET/CYBER//TLP:AMBER", "TOP-SECRET/CYBER,OT//TLP:RED",
                   "SECRET/CYBER//TLP:AMBER+STRICT//REL:org-a"):
        assert check_no_write_down(POLICY, src, L(target)) is True
    # Lower on any axis: refused without the downgrade role, with a clear message.
    for target in ("CONFIDENTIAL/CYBER//TLP:AMBER", "SECRET//TLP:AMBER",
                   "SECRET/CYBER//TLP:GREEN"):
        with pytest.raises(LabelError, match="write-down refused: content marked "
                           "SECRET/CYBER//TLP:AMBER cannot be posted at"):
            check_no_write_down(POLICY, src, L(target), roles=["publisher"])
        # With the role: allowed, and flagged (False) so the caller audits it.
        assert check_no_write_down(POLICY, src, L(target), roles=[DOWNGRADE_ROLE]) is False
    # Dropping a releasability restriction is a write-down too.
    with pytest.raises(LabelError):
        check_no_write_down(POLICY, L("SECRET//TLP:AMBER//REL:org-a"), L("SECRET//TLP:AMBER"))


@settings(deadline=None, max_examples=200)
@given(policy_labels, policy_labels, st.booleans())
def test_no_write_down_property(src: Label, target: Label, has_role: bool) -> None:
    roles = [DOWNGRADE_ROLE] if has_role else []
    if dominates(POLICY, target, src):
        assert check_no_write_down(POLICY, src, target, roles) is True
    elif has_role:
        assert check_no_write_down(POLICY, src, target, roles) is False
    else:
        with pytest.raises(LabelError, match="write-down refused"):
            check_no_write_down(POLICY, src, target, roles)
