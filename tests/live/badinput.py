"""Hostile ShareDB messages for test_bad_input.py: pure functions, seeded, no I/O.

A corpus is a list of Attacks: who sends which WebSocket frame, and what its
answer must be. The messages come from three sources:

- a grammar: every action the server knows (and unknown ones) x every field it
  reads x hostile values. The full product is some 18,000 messages, too many
  for one run, so each run covers it pairwise (every action with every value,
  every action with every field, every field with every value) and the seed
  decides which triples;
- hand-made attacks the grammar cannot express: text that is not JSON or not
  UTF-8, binary frames, sizes around the limit, bulk requests naming 20,000
  ids, lone surrogates at each place the server reads or echoes, timestamps
  past year 9999, versions above 2**53, malformed ops from the document's owner;
- Hypothesis-built messages: random JSON in the protocol's shape.

No message may change the database: the viewer and the stranger cannot edit
the document, creates of other documents are filtered out (anyone signed in
may create one), and the owner sends only ops, creates and deletes that are
malformed by construction.
"""

import json
import random
import re
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.support.rawsocket import BINARY, TEXT

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


# The grammar

def bases(ctx):
    """A well-formed message per action; the grammar sets one field of it to a hostile value."""
    c, d, ch = ctx.collection, ctx.secret, ctx.channel
    return {
        "hs": {"a": "hs", "protocol": 1, "protocolMinor": 2, "id": None},
        "f": {"a": "f", "c": c, "d": d},
        "s": {"a": "s", "c": c, "d": d, "v": 1},
        "u": {"a": "u", "c": c, "d": d},
        "bf": {"a": "bf", "c": c, "b": [d, "missing"]},
        "bs": {"a": "bs", "c": c, "b": {d: 1}},
        "bu": {"a": "bu", "c": c, "b": [d]},
        "op edit": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "op": [6, " and more"]},
        "op create": {"a": "op", "c": c, "d": d, "v": None, "seq": 1, "create": {"type": TEXT_UNICODE, "data": "x"}},
        "op del": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "del": True},
        "nf": {"a": "nf", "c": c, "d": d, "id": 1, "v": 1},
        "nt": {"a": "nt", "c": c, "d": d, "id": 1, "ts": 1_700_000_000_000},
        "pp": {"a": "pp"},
        "qf": {"a": "qf", "c": c, "id": 1, "q": {}},
        "qs": {"a": "qs", "c": c, "id": 1, "q": {}},
        "qu": {"a": "qu", "id": 1},
        "p": {"a": "p", "ch": ch, "id": "caret", "pv": 1, "p": {"start": 0, "end": 6}, "c": c, "d": d, "v": 1, "t": TEXT_UNICODE},
        "ps": {"a": "ps", "ch": ch, "seq": 1},
        "pu": {"a": "pu", "ch": ch, "seq": 1},
        "pr": {"a": "pr", "ch": ch},
        "unknown action": {"a": "zz", "c": c, "d": d},
        "legacy init": {"a": "init", "protocol": 1, "id": "x"},
        "empty action": {"a": "", "c": c, "d": d},
        "upper-case action": {"a": "OP", "c": c, "d": d, "v": 1, "seq": 1, "op": ["x"]},
        "no action": {"c": c, "d": d, "v": 1},
    }


FIELDS = ("a", "c", "d", "v", "seq", "src", "op", "create", "del", "b", "id", "ts", "ch", "pv", "p", "t", "start", "end")
PRESENCE_FIELDS = ("start", "end")  # inside the presence value `p`


def nested(depth, innermost, wrap):
    value = innermost
    for _ in range(depth):
        value = wrap(value)
    return value


HOSTILE = {
    "missing": MISSING,
    "null": None,
    "true": True,
    "false": False,
    "0": 0,
    "-1": -1,
    "1.5": 1.5,
    "-0": Raw("-0"),
    "-0.0": -0.0,
    "1e400": Raw("1e400"),
    "-1e400": Raw("-1e400"),
    "NaN": Raw("NaN"),
    "-Infinity": Raw("-Infinity"),
    "2**53 - 1": 2**53 - 1,
    "2**53": 2**53,
    "2**64": 2**64,
    "30 digits": 10**29 + 7,
    "-30 digits": -(10**29 + 7),
    "empty string": "",
    "string": "other-doc",
    "number as string": "1",
    "100 KB string": "a" * 100_000,
    "100 KB of 3-byte characters": "€" * 34_000,
    "empty array": [],
    "array": [1, "x", None],
    "empty object": {},
    "object": {"x": 1},
    "arrays 40 deep": nested(40, [], lambda inner: [inner]),
    "objects 40 deep": nested(40, {}, lambda inner: {"x": inner}),
    "lone high surrogate": HIGH,
    "lone low surrogate": LOW,
    "surrogate inside text": f"ab{HIGH}cd",
    "reversed pair": LOW + HIGH,
    "surrogate in a key": {HIGH: 1},
    "surrogate deep inside": [[{"x": [LOW]}]],
    "escaped surrogate pair": ESCAPED_PAIR,
    "astral character": "😀",
    "control characters": "\x01\x1b\x1f\x7f",
    "NUL": "\x00",
    "line separators": "\u2028\u2029",
    "byte order mark": "\ufeff",
}


def put(obj, key, value):
    obj = dict(obj)
    if value is MISSING:
        obj.pop(key, None)
    else:
        obj[key] = value
    return obj


def mutate(base, field, value):
    if field in PRESENCE_FIELDS:
        presence = base.get("p") if isinstance(base.get("p"), dict) else {"start": 0, "end": 0}
        return {**base, "p": put(presence, field, value)}
    return put(base, field, value)


def grammar(rng, ctx):
    """Pairwise: row i with value j sets field (i + j + offset) mod 18 of a seeded field order.

    With at least 18 rows and 18 values, every row meets every field and every
    value meets every field; every row meets every value once.
    """
    fields = rng.sample(FIELDS, len(FIELDS))
    offset = rng.randrange(len(fields))
    for row, (name, base) in enumerate(bases(ctx).items()):
        for column, (value_name, value) in enumerate(HOSTILE.items()):
            field = fields[(row + column + offset) % len(fields)]
            sender = rng.choice(("viewer", "viewer", "stranger"))
            yield attack(sender, f"grammar {name}: {field} = {value_name}", mutate(base, field, value))


# Hand-made attacks

NOT_JSON = {
    "empty text": "",
    "a space": " ",
    "a word": "hello",
    "an open brace": "{",
    "truncated object": '{"a":"pp"',
    "truncated string": '{"a":"p',
    "cut after a colon": '{"a":"f","c":',
    "trailing comma": '{"a":"pp",}',
    "single quotes": "{'a':'pp'}",
    "bare key": '{a:"pp"}',
    "two objects": '{"a":"pp"}{"a":"pp"}',
    "trailing garbage": '{"a":"pp"} x',
    "a comment": '{"a":"pp"} // ping',
    "byte order mark first": '\ufeff{"a":"pp"}',
    "raw control character in a string": '{"a":"pp","x":"\x01"}',
    "raw NUL in a string": '{"a":"pp","x":"\x00"}',
    "raw newline in a string": '{"a":"pp","x":"a\nb"}',
    "unknown escape": '{"a":"pp","x":"\\x41"}',
    "short unicode escape": '{"a":"pp","x":"\\u12"}',
    "hex number": '{"a":"f","c":"documents","d":"x","v":0x10}',
    "leading zero": '{"a":"f","c":"documents","d":"x","v":01}',
    "plus sign": '{"a":"f","c":"documents","d":"x","v":+1}',
    "NaN alone": "NaN",
    "Infinity alone": "Infinity",
    "an array": '[{"a":"pp"}]',
    "null": "null",
    "a number": "1",
    "a string": '"pp"',
    "true": "true",
    "an object without an action": "{}",
    "arrays 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "objects 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "100 KB of whitespace before a ping": " " * 100_000 + '{"a":"pp"}',
}

NOT_UTF8 = {
    "0xff byte": b'{"a":"pp","x":"\xff"}',
    "lone continuation byte": b'{"a":"pp","x":"\x80"}',
    "overlong NUL": b'{"a":"pp","x":"\xc0\x80"}',
    "surrogate encoded as UTF-8 (CESU-8)": b'{"a":"pp","x":"\xed\xa0\x80"}',
    "sequence cut at the end": b'{"a":"pp"}\xe2\x82',
    "code point above U+10FFFF": b'{"a":"pp","x":"\xf4\x90\x80\x80"}',
    "a lone 0xfe": b"\xfe",
    "Latin-1 text": '{"a":"pp","x":"café"}'.encode("latin-1"),
}

BINARY_FRAMES = {
    "empty": b"",
    "a ping": b'{"a":"pp"}',
    "invalid UTF-8": b"\xff\xfe\x00",
    "a fetch": b'{"a":"f","c":"documents","d":"x"}',
}


def text_attacks(rng):
    for name, text in NOT_JSON.items():
        yield attack(rng.choice(("viewer", "stranger")), f"not JSON: {name}", text)
    for name, payload in NOT_UTF8.items():
        yield attack(rng.choice(("viewer", "stranger")), f"text frame, not UTF-8: {name}", payload, expect="refused")
    for name, payload in BINARY_FRAMES.items():
        yield attack(rng.choice(("viewer", "stranger")), f"binary frame: {name}", payload, opcode=BINARY)


FILL = "\x00fill\x00"  # where sized() puts its padding


def sized(template, size, char):
    """The template's JSON text with its FILL string padded to exactly `size` bytes of UTF-8."""
    before, after = to_json(template).split(to_json(FILL))
    room = size - len(f'{before}""{after}'.encode("utf-8"))
    width = len(char.encode("utf-8"))
    return f'{before}"{char * (room // width)}{"a" * (room % width)}"{after}'


def size_attacks(ctx):
    """At the limit a message is handled; one byte over it is refused (an error, or a close with 1009)."""
    c, d, ch = ctx.collection, ctx.secret, ctx.channel
    templates = {
        "ping": ({"a": "pp", "pad": FILL}, "accepted"),
        "fetch": ({"a": "f", "c": c, "d": d, "pad": FILL}, "accepted"),
        "presence": ({"a": "p", "ch": ch, "id": "caret", "pv": 1, "p": {"start": 0, "end": 0, "name": FILL}}, "accepted"),
        "op inserting it": ({"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "op": [FILL]}, "refused"),
    }
    for name, (template, at_limit) in templates.items():
        for char in ("€", "a"):
            for excess in (-1, 0, 1, 3):
                expect = at_limit if excess <= 0 else "refused"
                label = f"size: {name} of limit {excess:+d} bytes in {char!r}"
                yield attack("viewer", label, sized(template, ctx.max_bytes + excess, char), expect=expect)


# name: (ts, what the viewer must get; the stranger may get any valid answer)
TIMESTAMPS = {
    "the epoch": (0, "accepted"),
    "the last millisecond of 9999": (253_402_300_799_999, "accepted"),
    "the first millisecond of 10000": (253_402_300_800_000, "answer"),
    "2**53 - 1 ms": (2**53 - 1, "answer"),
    "2**53 ms": (2**53, "refused"),
    "10**17 ms": (10**17, "refused"),
    "before year 1": (-62_135_596_800_001, "refused"),
    "1e400": (Raw("1e400"), "refused"),
    "a float": (1.7e12, "refused"),
}

BIG_VERSIONS = {"2**53 - 1": 2**53 - 1, "2**53": 2**53, "2**53 + 1": 2**53 + 1, "2**63": 2**63, "2**64": 2**64}


def number_attacks(ctx):
    """Timestamps past year 9999 for nt, versions above 2**53 wherever a version is read."""
    c, d = ctx.collection, ctx.secret
    for name, (ts, expect) in TIMESTAMPS.items():
        message = {"a": "nt", "c": c, "d": d, "id": 7, "ts": ts}
        yield attack("viewer", f"nt at {name}", message, expect=expect)
        yield attack("stranger", f"nt at {name}", message)
    for name, version in BIG_VERSIONS.items():
        # Past the head (1): refused. A bulk fetch refuses per document, a presence moves to the head.
        for message, expect in (
            ({"a": "f", "c": c, "d": d, "v": version}, "refused"),
            ({"a": "s", "c": c, "d": d, "v": version}, "refused"),
            ({"a": "nf", "c": c, "d": d, "id": 7, "v": version}, "refused"),
            ({"a": "op", "c": c, "d": d, "v": version, "seq": 1, "op": ["x"]}, "refused"),
            ({"a": "bf", "c": c, "b": {d: version}}, "answer"),
            ({"a": "p", "ch": ctx.channel, "id": "caret", "pv": version, "p": {"start": 0, "end": 0}, "v": version}, "answer"),
        ):
            yield attack("viewer", f"version {name} in {message['a']}", message, expect=expect)


BULK = 20_000


def bulk_attacks(ctx):
    """Bulk requests naming 20,000 ids: each must be answered, or refused, without stalling the connection."""
    c = ctx.collection
    missing = [f"missing-{index}" for index in range(BULK)]
    yield attack("viewer", "bf of 20,000 missing ids", {"a": "bf", "c": c, "b": missing})
    yield attack("viewer", "bs of 20,000 missing ids", {"a": "bs", "c": c, "b": missing})
    yield attack("viewer", "bu of 20,000 ids", {"a": "bu", "c": c, "b": missing})
    yield attack("stranger", "bf of 20,000 ids at version 0", {"a": "bf", "c": c, "b": dict.fromkeys(missing, 0)})
    yield attack("stranger", "bs of the secret 20,000 times", {"a": "bs", "c": c, "b": [ctx.secret] * BULK})


def surrogate_attacks(ctx):
    """Lone surrogates at each place the server reads or echoes; valid pairs where free text is allowed."""
    c, d, ch = ctx.collection, ctx.secret, ctx.channel
    presence = {"a": "p", "ch": ch, "id": "caret", "pv": 1, "c": c, "d": d, "v": 1, "t": TEXT_UNICODE}
    sites = {
        "as the action": {"a": HIGH},
        "in a top-level key": {"a": "f", "c": c, "d": d, HIGH: 1},
        "in c": {"a": "f", "c": c + HIGH, "d": d},
        "in d": {"a": "f", "c": c, "d": d + LOW},
        "in ch": {"a": "ps", "ch": ch + HIGH, "seq": 1},
        "in the handshake id": {"a": "hs", "id": HIGH},
        "in a snapshot id": {"a": "nf", "c": c, "d": d, "id": LOW},
        "in a presence id": {**presence, "id": "caret" + HIGH, "p": {"start": 0, "end": 0}},
        "in src": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "src": "x" + LOW, "op": ["x"]},
        "in a presence value": {**presence, "p": {"start": 0, "end": 0, "name": HIGH}},
        "in a presence value's key": {**presence, "p": {"start": 0, "end": 0, LOW: 1}},
        "deep in a presence value": {**presence, "p": {"start": 0, "end": 0, "x": [[{"y": [HIGH]}]]}},
        "in presence start": {**presence, "p": {"start": HIGH, "end": 0}},
        "in presence t": {**presence, "p": {"start": 0, "end": 0}, "t": HIGH},
        "in presence c": {**presence, "p": {"start": 0, "end": 0}, "c": LOW},
        "in presence d": {**presence, "p": {"start": 0, "end": 0}, "d": HIGH},
        "in an op insert": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "op": [6, HIGH]},
        "in a delete": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "op": [{"d": LOW}]},
        "in create data": {"a": "op", "c": c, "d": d, "v": None, "seq": 1, "create": {"type": TEXT_UNICODE, "data": HIGH}},
        "in create type": {"a": "op", "c": c, "d": d, "v": None, "seq": 1, "create": {"type": TEXT_UNICODE + LOW}},
        "in a bulk id": {"a": "bf", "c": c, "b": [d, HIGH]},
        "in a bulk key": {"a": "bs", "c": c, "b": {HIGH: None}},
        "in a query": {"a": "qf", "c": c, "id": 1, "q": {"x": HIGH}},
        "in an unknown field of a ping": {"a": "pp", "x": HIGH},
        "in an unknown action": {"a": "zz" + LOW},
    }
    for sender in ("viewer", "stranger"):
        for name, message in sites.items():
            yield attack(sender, f"lone surrogate {name}", message)
    pairs = {
        "in an unknown field of a ping": {"a": "pp", "x": ESCAPED_PAIR},
        "in a fetch's unknown field": {"a": "f", "c": c, "d": d, "x": ESCAPED_PAIR},
        "in a presence value": {**presence, "p": {"start": 0, "end": 0, "name": ESCAPED_PAIR + " 😀"}},
        "in a presence id": {**presence, "id": "caret" + ESCAPED_PAIR, "p": {"start": 0, "end": 0}},
        "in the handshake id": {"a": "hs", "id": ESCAPED_PAIR},
    }
    for name, message in pairs.items():
        yield attack("viewer", f"valid surrogate pair {name}", message, expect="accepted")


def duplicate_key_attacks(ctx):
    c, d = ctx.collection, ctx.secret
    duplicates = {
        "action ping, then fetch": (("a", "pp"), ("a", "f"), ("c", c), ("d", d)),
        "action fetch, then an array": (("a", "f"), ("c", c), ("d", d), ("a", [])),
        "action ping, then an object": (("a", "pp"), ("a", {})),
        "d valid, then a lone surrogate": (("a", "f"), ("c", c), ("d", d), ("d", HIGH)),
        "op, then null": (("a", "op"), ("c", c), ("d", d), ("v", 1), ("seq", 1), ("op", ["x"]), ("op", None)),
        "create, then another create": (
            ("a", "op"), ("c", c), ("d", d), ("seq", 1),
            ("create", {"type": TEXT_UNICODE, "data": "x"}), ("create", {"type": "json0"}),
        ),
        "a thousand actions": tuple(("a", "pp") for _ in range(1000)),
    }
    for name, items in duplicates.items():
        yield attack("viewer", f"duplicate keys: {name}", Pairs(items))


# Ops of wrong shapes, each invalid for the text-unicode type on "secret text".
BAD_OPS = {
    "a string": "x",
    "an object": {"x": 1},
    "a number": 5,
    "true": True,
    "a zero skip": [0],
    "a negative skip": [-1],
    "a float skip": [1.5],
    "a 1e400 skip": [Raw("1e400")],
    "a 30-digit skip": [10**29 + 7],
    "a 2**53 skip": [2**53],
    "a boolean component": [True],
    "a null component": [None],
    "a nested list": [[1]],
    "an empty object component": [{}],
    "an empty insert": [""],
    "a lone surrogate insert": [HIGH],
    "an insert with a lone low surrogate": [1, f"a{LOW}b"],
    "a zero delete": [{"d": 0}],
    "a negative delete": [{"d": -1}],
    "a float delete": [{"d": 1.5}],
    "a delete past the end": [{"d": 100}],
    "deleted text that differs": [{"d": "wrong"}],
    "deleted text with a lone surrogate": [{"d": HIGH}],
    "a delete with an extra key": [{"d": 1, "i": "x"}],
    "an unknown component": [{"x": 1}],
    "a skip past the end": [100, "x"],
    "a trailing skip": [5],
    "two skips": [1, 1, "x"],
    "two inserts": ["a", "b"],
    "two deletes": [{"d": 1}, {"d": 1}],
    "arrays 40 deep": [nested(40, [], lambda inner: [inner])],
}

# Create payloads no server may accept for a document that does not exist.
BAD_CREATES = {
    "type json0": {"type": "http://sharejs.org/types/JSONv0", "data": "x"},
    "type null": {"type": None, "data": "x"},
    "type in an array": {"type": [TEXT_UNICODE], "data": "x"},
    "type with a lone surrogate": {"type": TEXT_UNICODE + HIGH, "data": "x"},
    "data a number": {"type": TEXT_UNICODE, "data": 5},
    "data true": {"type": TEXT_UNICODE, "data": True},
    "data an array": {"type": TEXT_UNICODE, "data": ["x"]},
    "data an object": {"type": TEXT_UNICODE, "data": {"x": 1}},
    "data a lone surrogate": {"type": TEXT_UNICODE, "data": HIGH},
    "data with a lone low surrogate": {"type": TEXT_UNICODE, "data": f"a{LOW}b"},
    "data 1e400": {"type": TEXT_UNICODE, "data": Raw("1e400")},
}


def owner_attacks(ctx):
    """Malformed ops, creates and deletes from the owner, who may change the document: all must be refused.

    Each is refused for its own reason: a valid delete or edit must never slip in.
    """
    c, d = ctx.collection, ctx.secret
    edit = {"a": "op", "c": c, "d": d, "v": 1, "seq": 1}
    for name, op in BAD_OPS.items():
        yield attack("owner", f"owner edit: {name}", {**edit, "op": op})
        yield attack("owner", f"owner edit at version 0: {name}", {**edit, "v": 0, "op": op})
    envelopes = {
        "a version past the head": {"v": 5},
        "version 2**53": {"v": 2**53},
        "a negative version": {"v": -1},
        "a float version": {"v": 1.5},
        "a version string": {"v": "1"},
        "version 1e400": {"v": Raw("1e400")},
        "no version": {"v": None},
        "a negative seq": {"seq": -1},
        "seq 2**53": {"seq": 2**53},
        "a float seq": {"seq": 1.5},
        "a seq string": {"seq": "1"},
        "no seq": {"seq": None},
        "src with a lone surrogate": {"src": "x" + HIGH},
        "src with a space": {"src": "bad src"},
        "src of 65 characters": {"src": "x" * 65},
        "another collection": {"c": "other"},
        "an invalid key": {"d": d + "!"},
        "a missing document": {"d": "missing-doc"},
    }
    for name, envelope in envelopes.items():
        yield attack("owner", f"owner edit with {name}", {**edit, "op": ["x"], **envelope})
        yield attack("owner", f"owner delete with {name}", {**edit, "del": True, **envelope})
    not_true = {"false": False, "1": 1, "a string": "true", "an object": {}, "an array": [], "1e400": Raw("1e400")}
    for name, value in not_true.items():
        yield attack("owner", f"owner delete with del {name}", {**edit, "del": value})
    yield attack("owner", "owner delete together with an op", {**edit, "del": True, "op": ["x"]})
    yield attack("owner", "owner delete together with a create", {**edit, "del": True, "create": {"type": TEXT_UNICODE}})
    creates = {**BAD_CREATES, "a valid payload": {"type": TEXT_UNICODE, "data": "x"}, "no type": {}}
    for name, create in creates.items():
        yield attack("owner", f"owner create of the existing document: {name}", {**edit, "v": None, "create": create})
    yield attack("owner", "owner create that is a string", {**edit, "v": None, "create": "x"})
    for name, create in BAD_CREATES.items():
        yield attack("owner", f"owner create of a new document: {name}",
                     {**edit, "d": "new-doc", "v": None, "create": create})


def trespass_attacks(ctx):
    """Ops, creates and deletes from people who may not change the document, including
    replays of the owner's create (its src and seq): none may be acknowledged."""
    c, d = ctx.collection, ctx.secret
    edit = {"a": "op", "c": c, "d": d, "v": 1, "seq": 1}
    replay = {**edit, "v": 0, "src": ctx.owner_src}
    create = {"v": None, "create": {"type": TEXT_UNICODE, "data": "x"}}
    for sender in ("viewer", "stranger"):
        for name, op in BAD_OPS.items():
            yield attack(sender, f"edit of a wrong shape: {name}", {**edit, "op": op})
        yield attack(sender, "a valid edit", {**edit, "op": [6, " and more"]})
        yield attack(sender, "a delete", {**edit, "del": True})
        yield attack(sender, "a create of the existing document", {**edit, **create})
        yield attack(sender, "an edit replaying the owner's src and seq", {**replay, "op": ["x"]})
        yield attack(sender, "a delete replaying the owner's src and seq", {**replay, "del": True})
        yield attack(sender, "a create replaying the owner's src and seq", {**replay, **create})


# Hypothesis-built messages

ACTIONS = ("hs", "f", "s", "u", "bf", "bs", "bu", "op", "nf", "nt", "pp", "qf", "qs", "qu", "p", "ps", "pu", "pr")


def message_strategy(ctx):
    """Random messages in the protocol's shape: known fields with plausible or arbitrary JSON values."""
    any_text = st.text(st.characters(), max_size=12)  # any code point, lone surrogates included
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | any_text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
        max_leaves=12,
    )
    numbers = st.integers(-2, 8) | st.integers(-(2**64), 2**64)
    keys = st.sampled_from([ctx.secret, "missing"]) | any_text
    plausible = {
        "c": st.just(ctx.collection),
        "d": keys,
        "v": numbers,
        "seq": numbers,
        "src": st.text("abcdef0123456789-_ ", max_size=70),
        "op": st.lists(numbers | any_text | st.fixed_dictionaries({"d": numbers | any_text}), max_size=4),
        "create": st.fixed_dictionaries(
            {"type": st.sampled_from([TEXT_UNICODE, "text-unicode"]) | any_text, "data": any_text | values},
        ),
        "del": st.booleans(),
        "b": st.lists(keys, max_size=4) | st.dictionaries(keys, numbers | st.none(), max_size=4),
        "id": numbers | any_text,
        "ts": st.integers(-(2**62), 2**62),
        "ch": st.just(ctx.channel) | any_text,
        "pv": numbers,
        "p": st.fixed_dictionaries({"start": numbers | values, "end": numbers | values}),
        "t": st.just(TEXT_UNICODE),
    }
    fields = {name: strategy | values for name, strategy in plausible.items()}
    known = st.fixed_dictionaries({"a": st.sampled_from(ACTIONS) | values}, optional=fields)
    extra = st.dictionaries(any_text, values, max_size=2)
    objects = st.builds(lambda message, more: {**more, **message}, known, extra).map(to_json)
    return objects | st.text(max_size=40)  # and now and then text that is rarely JSON


def hypothesis_messages(ctx, seed_value, count):
    """`count` (or a few fewer) messages drawn by Hypothesis, the same for the same seed."""
    drawn = []

    @seed(seed_value)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(message_strategy(ctx))
    def collect(text):
        drawn.append(text)

    collect()
    return drawn


def hypothesis_attacks(rng, ctx, count):
    for index, text in enumerate(hypothesis_messages(ctx, rng.getrandbits(64), count)):
        yield attack(rng.choice(("viewer", "stranger")), f"hypothesis #{index}", text)


def corpus(seed_value, ctx, hypothesis_count=300):
    """The whole corpus for a seed, shuffled."""
    rng = random.Random(seed_value)
    attacks = [
        *harmless(grammar(rng, ctx), ctx), *text_attacks(rng), *size_attacks(ctx), *number_attacks(ctx),
        *bulk_attacks(ctx), *surrogate_attacks(ctx), *duplicate_key_attacks(ctx), *owner_attacks(ctx),
        *trespass_attacks(ctx), *harmless(hypothesis_attacks(rng, ctx, hypothesis_count), ctx),
    ]
    rng.shuffle(attacks)
    return attacks
