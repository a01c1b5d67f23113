"""Attacks the grammar cannot express: not JSON, binary, sizes, numbers, bulk, surrogates, duplicate keys, owner's bad ops, trespass."""

from tests.live.badinput.messages import ESCAPED_PAIR, HIGH, LOW, TEXT_UNICODE, Pairs, Raw, attack, nested, to_json
from tests.support.rawsocket import BINARY

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
