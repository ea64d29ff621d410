"""Direct-mode key commitment and markings-policy rollback."""

from __future__ import annotations

import time

import pytest

from crypto import authority
from crypto import primitives as p
from crypto.certs import sign_policy, verify_policy
from crypto.envelope import Header, Wrap, _finish, new_header, open_direct
from crypto.errors import AuthenticationFailed, CertificateRejected
from crypto.identity import DeviceKeys
from intel.markings import Policy


def _two_key_envelope(sender: DeviceKeys, a: DeviceKeys, b: DeviceKeys) -> tuple[bytes, object]:
    """A malicious sender gives a and b different content keys for one envelope."""
    base = new_header(room="room:test", sender=sender.device_id, seq=1,
                      label="CONFIDENTIAL//TLP:RED", epoch=0, created=int(time.time() * 1000),
                      ctype="renkei/message", mode="direct")
    eph_sk, eph_pk = p.x25519_keypair()
    key_a, key_b = p.random_bytes(32), p.random_bytes(32)
    ordered = sorted([(a.device_id, a.public.enc_pk), (b.device_id, b.public.enc_pk)])
    h = Header(base.id, base.room, base.sender, base.seq, base.label, 0, base.created,
               base.ctype, "direct", tuple(d for d, _ in ordered), eph_pk,
               p.hash32(key_a, p.P_COMMIT))
    hb = h.encode()
    wraps = []
    for dev, pk in ordered:
        kek = p.wrap_key(p.x25519(eph_sk, pk), eph_pk, pk)
        n, wk = p.aead_encrypt(kek, key_a if dev == a.device_id else key_b, hb + dev.encode())
        wraps.append(Wrap(dev, n, wk))
    # The body opens under b's key, so only the commitment can tell b something is wrong.
    nonce, ct = p.aead_encrypt(key_b, b"for b", hb)
    return hb, _finish(hb, nonce, ct, sender, tuple(wraps))


def test_direct_recipients_cannot_be_given_different_keys() -> None:
    sender, a, b = DeviceKeys.generate(), DeviceKeys.generate(), DeviceKeys.generate()
    _, env = _two_key_envelope(sender, a, b)
    with pytest.raises(AuthenticationFailed):
        open_direct(env, b, sender.public.sign_pk, room="room:test")  # type: ignore[arg-type]


def test_policy_rollback_is_refused() -> None:
    key = authority.generate()
    pk = bytes(key.verify_key)
    v2 = Policy.from_dict({**Policy.default().to_dict(), "version": 2})
    old = sign_policy(key, Policy.default())
    assert verify_policy(sign_policy(key, v2), pk, min_version=2).version == 2
    assert verify_policy(old, pk).version == 1
    with pytest.raises(CertificateRejected, match="rollback"):
        verify_policy(old, pk, min_version=2)
