"""Who receives which feed row: the server's defence-in-depth delivery rules.

Clients never rely on these rules for confidentiality (content is end-to-end encrypted),
but the server still hands a device only what it may read:

- room rows: only while the device's user was a member (intervals of feed positions);
  envelopes additionally only when the device's certificate clears the label; in a room
  that shares history, a member can also fetch the envelopes from outside its intervals
  (``visible_in_history``), under the same label rules;
- channel envelopes: by label (advisories, catalog, briefs); ``channel:intake`` only to
  devices with the ``intake`` role;
- direct-mode envelopes: only to the devices named in the header's ``to``;
- key deliveries to their one device, acks to the original sender's user, certificates and
  revocation lists to everyone.
"""

from __future__ import annotations

from crypto.certs import Certificate
from intel.markings import can_read
from server.state import State
from server.storage.feed import FeedRow
from sync.wire import CHANNEL_INTAKE, CHANNELS

INTAKE_ROLE = "intake"


def query_scopes(state: State, cert: Certificate) -> list[str]:
    """Scopes whose rows may concern this device (rooms it was ever in included)."""
    # Intake rows concern every device: a reporter receives follow-ups addressed to it.
    scopes = ["*", "d:" + cert.device_id, "u:" + cert.user_id, *CHANNELS]
    scopes.extend(sorted(state.rooms_ever(cert.user_id)))
    return scopes


def wake_scopes(state: State, cert: Certificate) -> set[str]:
    """Scopes that can bring this device something new. Rooms left long ago are not among
    them: an invitation back wakes the device through ``u:<user>``."""
    scopes = {"*", "d:" + cert.device_id, "u:" + cert.user_id, *CHANNELS}
    scopes.update(state.rooms_of(cert.user_id))
    return scopes


def visible(state: State, cert: Certificate, row: FeedRow) -> bool:
    kind = row.kind
    if kind in ("certificate", "crl"):
        return True
    if kind == "key":
        if row.scope != "d:" + cert.device_id:
            return False
        label = state.label(row.label)
        return label is not None and can_read(state.policy, cert.clearance, label,
                                              [cert.user_id])
    if kind == "ack":
        return row.scope == "u:" + cert.user_id
    if kind == "event":
        return state.member_at(row.scope, cert.user_id, row.pos)
    if kind != "envelope":
        return False
    if row.scope in CHANNELS:
        if row.scope == CHANNEL_INTAKE and INTAKE_ROLE not in cert.roles:
            # A non-intake device sees only what intake staff addressed to it by name.
            sender = state.devices.get(row.sender or "")
            if row.recipients is None or sender is None or INTAKE_ROLE not in sender.cert.roles:
                return False
    elif not state.member_at(row.scope, cert.user_id, row.pos):
        return False
    return _readable(state, cert, row)


def visible_in_history(state: State, cert: Certificate, row: FeedRow) -> bool:
    """For ``GET /v1/rooms/{id}/history`` (the caller has checked that the room shares
    history and the user is a member now): a room envelope the live feed did not give this
    user because it was not a member at its position, under the same label and direct-mode
    rules as live delivery."""
    if row.kind != "envelope" or row.scope in CHANNELS:
        return False
    if state.member_at(row.scope, cert.user_id, row.pos):
        return False
    return _readable(state, cert, row)


def _readable(state: State, cert: Certificate, row: FeedRow) -> bool:
    """The label clears this device; a direct-mode envelope names it."""
    label = state.label(row.label)
    if label is None:
        return False
    named: list[str] | None = None
    if row.recipients is not None:
        if cert.device_id not in row.recipients.split(" "):
            return False
        named = [cert.user_id]
    return can_read(state.policy, cert.clearance, label, named)


def render(row: FeedRow) -> str:
    """One SyncItem as JSON text: the stored item body with its position spliced in."""
    return f'{{"pos":"{row.pos}",{row.payload[1:]}'
