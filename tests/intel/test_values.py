"""Shared value types: indicators, ids, bilingual pick-lists, TLP marking helpers."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest
from pydantic import ValidationError

from intel.errors import FormatError
from intel.markings import TLP, TLP2_EXTENSION_ID, TLP2_STIX_IDS
from intel.stix import (
    Bilingual,
    Indicator,
    IndicatorType,
    check_cve,
    check_technique,
    indicator_from_pattern,
    load_json,
    normalise_indicator,
)
from intel.stix_export import stix_id, stix_timestamp, tlp_marking_definition
from intel.stix_import import is_stix_id, tlp_for_marking_ref, tlp_from_marking_definition


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    (IndicatorType.IPV4, " 203.0.113[.]7 ", "203.0.113.7"),
    (IndicatorType.IPV6, "[2001:DB8:0:0::1]", "2001:db8::1"),
    (IndicatorType.DOMAIN, "Evil[.]Example.", "evil.example"),
    (IndicatorType.DOMAIN, "例え.jp", "xn--r8jz45g.jp"),
    (IndicatorType.URL, "hxxps://evil[.]example/path?q=1", "https://evil.example/path?q=1"),
    (IndicatorType.EMAIL, "Phish[@]Evil.Example", "Phish@evil.example"),
    (IndicatorType.MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
    (IndicatorType.SHA1, "a" * 40, "a" * 40),
    (IndicatorType.SHA256, "AB" * 32, "ab" * 32),
    (IndicatorType.SHA512, "0" * 128, "0" * 128),
    (IndicatorType.FILENAME, "invoice.pdf.exe", "invoice.pdf.exe"),
])
def test_indicators_are_normalised(kind: IndicatorType, raw: str, expected: str) -> None:
    assert normalise_indicator(kind, raw) == expected
    assert Indicator.model_validate_json(
        f'{{"type": "{kind.value}", "value": {raw!r}}}'.replace("'", '"')
    ).value == expected


@pytest.mark.parametrize(("kind", "raw"), [
    (IndicatorType.IPV4, "256.1.1.1"),
    (IndicatorType.IPV4, "10.0.0"),
    (IndicatorType.IPV6, "2001:db8::g"),
    (IndicatorType.DOMAIN, "localhost"),
    (IndicatorType.DOMAIN, "-bad-.example"),
    (IndicatorType.DOMAIN, "1.2.3.4"),
    (IndicatorType.URL, "javascript:alert(1)"),
    (IndicatorType.URL, "https://exa mple.com/"),
    (IndicatorType.EMAIL, "no-at-sign.example"),
    (IndicatorType.MD5, "xyz"),
    (IndicatorType.SHA256, "ab" * 31),
    (IndicatorType.FILENAME, "bad\x00name"),
    (IndicatorType.FILENAME, "   "),
])
def test_invalid_indicators_are_refused(kind: IndicatorType, raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_indicator(kind, raw)


def test_indicator_error_names_the_problem() -> None:
    with pytest.raises(ValidationError) as err:
        Indicator.model_validate_json('{"type": "sha256", "value": "abc"}')
    assert "64 hexadecimal digits" in str(err.value)


@pytest.mark.parametrize("kind", list(IndicatorType))
def test_stix_patterns_round_trip(kind: IndicatorType) -> None:
    samples = {
        IndicatorType.IPV4: "192.0.2.1", IndicatorType.IPV6: "2001:db8::1",
        IndicatorType.DOMAIN: "c2.example", IndicatorType.URL: "https://c2.example/x'y\\z",
        IndicatorType.EMAIL: "a@c2.example", IndicatorType.MD5: "0" * 32,
        IndicatorType.SHA1: "1" * 40, IndicatorType.SHA256: "2" * 64,
        IndicatorType.SHA512: "3" * 128, IndicatorType.FILENAME: "o'neil.exe",
    }
    ind = Indicator(type=kind, value=samples[kind])
    back = indicator_from_pattern(ind.stix_pattern())
    assert back == ind


def test_pattern_escapes_quotes() -> None:
    ind = Indicator(type=IndicatorType.FILENAME, value="it's.exe")
    assert ind.stix_pattern() == "[file:name = 'it\\'s.exe']"


def test_complex_patterns_give_no_single_indicator() -> None:
    assert indicator_from_pattern(
        "[ipv4-addr:value = '10.0.0.1'] OR [ipv4-addr:value = '10.0.0.2']") is None
    assert indicator_from_pattern("[process:name = 'x']") is None


def test_cve_and_technique_ids() -> None:
    assert check_cve(" cve-2024-123456 ") == "CVE-2024-123456"
    assert check_technique("t1566.001") == "T1566.001"
    for bad in ("CVE-24-1234", "CVE-2024-123", "2024-1234"):
        with pytest.raises(ValueError, match="CVE id"):
            check_cve(bad)
    for bad in ("T123", "T1566.1", "TA0001"):
        with pytest.raises(ValueError, match="technique"):
            check_technique(bad)


def test_bilingual_names() -> None:
    assert IndicatorType.DOMAIN.display("ja") == "ドメイン名"
    assert IndicatorType.DOMAIN.display("en") == "Domain name"
    assert IndicatorType.choices("ja")[0] == ("ipv4", "IPv4アドレス")
    assert IndicatorType("md5") is IndicatorType.MD5


def test_tlp_marking_helpers() -> None:
    for tlp, sid in TLP2_STIX_IDS.items():
        md = tlp_marking_definition(tlp)
        assert md["id"] == sid
        assert md["extensions"][TLP2_EXTENSION_ID]["tlp_2_0"] == tlp.value.lower()
        assert tlp_from_marking_definition(md) is tlp
        assert tlp_for_marking_ref(sid) is tlp
    white = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
    assert tlp_for_marking_ref(white) is TLP.CLEAR
    assert tlp_for_marking_ref(
        "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37") is TLP.AMBER_STRICT
    assert tlp_for_marking_ref("marking-definition--00000000-0000-4000-8000-000000000000") is None
    assert tlp_from_marking_definition(
        {"id": "x", "definition_type": "tlp", "definition": {"tlp": "amber"}}) is TLP.AMBER
    assert tlp_from_marking_definition(
        {"id": "x", "definition_type": "TLP", "name": "TLP:AMBER+STRICT",
         "definition": {"TLP": "TLP:AMBER+STRICT"}}) is TLP.AMBER_STRICT
    assert tlp_from_marking_definition(
        {"id": "x", "definition_type": "statement",
         "definition": {"statement": "Copyright"}}) is None


def test_stix_ids_and_times() -> None:
    a = stix_id("indicator", "doc", "1")
    assert a == stix_id("indicator", "doc", "1")
    assert a != stix_id("indicator", "doc", "2")
    assert is_stix_id(a, "indicator") and not is_stix_id(a, "report")
    assert a.split("--")[1][14] == "4"  # shaped as UUIDv4, as STIX asks for SDO ids
    jst = dt.timezone(dt.timedelta(hours=9))
    assert stix_timestamp(dt.datetime(2025, 1, 2, 9, 0, 0, 123456, tzinfo=jst)) == (
        "2025-01-02T00:00:00.123Z")
    with pytest.raises(ValueError):
        stix_timestamp(dt.datetime(2025, 1, 2))


def test_load_json_limits_and_errors() -> None:
    with pytest.raises(FormatError, match="too large"):
        load_json(b"[" + b"1," * 100 + b"1]", "thing", 50)
    with pytest.raises(FormatError, match="not valid JSON"):
        load_json(b"{nope", "thing", 1000)
    with pytest.raises(FormatError, match="not valid JSON"):
        load_json(b"\xff\xfe", "thing", 1000)


def test_every_pick_list_has_english_and_japanese_names() -> None:
    import intel.documents
    import intel.inventory
    import intel.reports
    import intel.stix_export  # noqa: F401  (they define the pick-lists)

    vocab = json.loads(resources.files("intel").joinpath("data/vocabulary.json")
                       .read_text("utf-8"))
    classes: list[type[Bilingual]] = []
    stack = list(Bilingual.__subclasses__())
    while stack:
        cls = stack.pop()
        classes.append(cls)
        stack += cls.__subclasses__()
    assert {c.__name__ for c in classes} == set(vocab) - {"_comment"}
    for cls in classes:
        assert set(vocab[cls.__name__]) == {m.value for m in cls}, cls.__name__
        for member in cls:
            names = vocab[cls.__name__][member.value]
            assert names["en"].strip() and names["ja"].strip(), member
            assert (member.name_en, member.name_ja) == (names["en"], names["ja"])
