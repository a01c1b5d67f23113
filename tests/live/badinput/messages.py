"""The corpus's building blocks: hostile values JSON cannot write, the context, an Attack and how one is made."""

import json
import re
from dataclasses import dataclass

from tests.support.rawsocket import TEXT

TEXT_UNICODE = "http://sharejs.org/types/text-unicode"
SURROGATE = re.compile("[\ud800-\udfff]")
HIGH, LOW = "\ud800", "\udfff"
ESCAPED_PAIR = "\ud83d\ude00"  # 😀 as two surrogates: written as the escapes "\ud83d\ude00", a valid pair


@dataclass(frozen=True)
class Raw:
    """JSON text written as it is, for what json.dumps cannot write: 1e400, -0, NaN."""

    text: str


@dataclass(frozen=True)
class Pairs:
    """A JSON object written pair by pair, so that a key may repeat."""

    items: tuple


MISSING = object()  # as a field's value in the grammar: the field is left out


def to_json(value):
    """JSON text of `value`; lone surrogates become escapes, so the text itself stays valid UTF-8."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, (dict, Pairs)):
        items = value.items if isinstance(value, Pairs) else value.items()
        return "{" + ",".join(f"{to_json(str(key))}:{to_json(item)}" for key, item in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(to_json, value)) + "]"
    return SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(value, ensure_ascii=False))


@dataclass(frozen=True)
class Context:
    """What the corpus is aimed at."""

    secret: str  # the key of the owner's document
    owner_src: str  # the connection id the owner created it from
    secret_text: str = "secret text"  # its content, which the stranger must never see
    collection: str = "documents"
    max_bytes: int = 2**20  # COLLAB MAX_MESSAGE_BYTES, and daphne's frame limit

    @property
    def channel(self):
        return f"{self.collection}.{self.secret}"


@dataclass(frozen=True)
class Attack:
    sender: str  # "owner", "viewer" or "stranger"
    label: str  # what it tries, for the report
    payload: bytes
    opcode: int
    action: str | None  # the `a` the server reads from it, None when there is none
    # "answer": any valid answer; "refused": an error reply or a policy close;
    # "accepted": a reply that is not an error.
    expect: str


def decoded(payload, opcode=TEXT):
    """The message the server reads from the frame, or None when it is not a JSON object."""
    if opcode != TEXT:
        return None
    try:
        message = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def attack(sender, label, message, expect="answer", opcode=TEXT):
    """An Attack from a message (any value to_json writes), JSON text or bytes.

    Every op is expected to be refused: no sender here may change anything.
    """
    if isinstance(message, bytes):
        payload = message
    else:
        payload = (message if isinstance(message, str) else to_json(message)).encode("utf-8")
    action = (decoded(payload, opcode) or {}).get("a")
    action = action if isinstance(action, str) else None
    if action == "op" and expect == "answer":
        expect = "refused"
    return Attack(sender, label, payload, opcode, action, expect)


KEY = re.compile(r"[A-Za-z0-9_.-]{1,128}")  # a document key, as the server defines it


def harmless(attacks, ctx):
    """The attacks, less those that could create a document: anyone signed in may, so random messages must not."""
    for each in attacks:
        message = decoded(each.payload, each.opcode) or {}
        key = message.get("d")
        creates = message.get("a") == "op" and isinstance(message.get("create"), dict)
        if not (creates and isinstance(key, str) and KEY.fullmatch(key) and key != ctx.secret):
            yield each


def nested(depth, innermost, wrap):
    value = innermost
    for _ in range(depth):
        value = wrap(value)
    return value
