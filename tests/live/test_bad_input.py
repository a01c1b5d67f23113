"""Bad input, live: well over a thousand hostile WebSocket messages against daphne.

The corpus (tests/live/badinput.py) goes out from a viewer and a stranger of
one document, and malformed ops, creates and deletes from its owner. Each
message is followed by a ping, so the next {"a":"pp"} marks the end of its
answer. A message must get either valid strict JSON (an error reply with
{code, message}, small: no echo of the request) and then the pong, or a close
with 1007, 1008 or 1009; after a close the sender reconnects and goes on.
Never 1011, a dropped TCP connection or silence; no op may be acknowledged,
the stranger never sees the document's text, the server logs no traceback and
the database ends as it began.

Every violation is collected, then reported together, grouped by kind. The
seed is random per run and printed; BAD_INPUT_SEED=<seed> replays one.
"""

import collections
import json
import os
import random
import re
import time
from dataclasses import dataclass, field

from tests.live import badinput
from tests.support.rawsocket import Closed, RawWebSocket

SEED = int(os.environ.get("BAD_INPUT_SEED") or random.SystemRandom().randrange(2**32))
MIN_MESSAGES = 1000
POOL = 4  # connections per sender
REPLY_TIMEOUT = 10  # seconds: an answer slower than this counts as silence
POLICY_CLOSES = {1007, 1008, 1009}  # invalid UTF-8, policy (rate limits), too big
PING = {"a": "pp"}
ERROR_REPLY_LIMIT = 4096  # bytes: enough for the fields that identify a request, not for an echo of it
TABLES = ("documents_document", "documents_operation", "documents_access")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)\b.*)$", re.MULTILINE)
ERROR_LINE = re.compile(r"^.*\bERROR\b.*$", re.MULTILINE)


@dataclass
class Exchange:
    """What came back for one attack, up to the pong of the ping that followed it."""

    replies: list = field(default_factory=list)  # the strict-JSON messages
    problems: list = field(default_factory=list)  # why the others were not strict JSON
    ended: object = None  # None when the pong came; else the Closed, or "timeout"


class Connections:
    """POOL WebSockets per sender, used in turn and reopened after the server closes one.

    Taking turns keeps each connection far below the server's per-connection
    rate limits, so that the attacks are judged, not the pace they come at.
    """

    def __init__(self, site, cookies):
        self.site, self.cookies, self.open, self.turns = site, cookies, {}, collections.Counter()

    def take(self, sender):
        """(slot, WebSocket): the sender's next connection."""
        slot = (sender, self.turns[sender] % POOL)
        self.turns[sender] += 1
        if slot not in self.open:
            ws = RawWebSocket(self.site.ws_url, origin=self.site.base, cookie=self.cookies[sender], timeout=REPLY_TIMEOUT)
            init = ws.receive_json()
            assert init.get("a") == "init", f"the server greeted {sender} with {init}"
            self.open[slot] = ws
        return slot, self.open[slot]

    def drop(self, slot):
        self.open.pop(slot).close()

    def close(self):
        for slot in list(self.open):
            self.drop(slot)


class ServerLog:
    """The daphne log, read on from where the last read stopped."""

    def __init__(self, path):
        self.path, self.offset = path, os.path.getsize(path)

    def read_new(self):
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read()
        self.offset += len(text)
        return text.decode("utf-8", "replace")


def exchange(ws, attack):
    ws.send_frame(attack.opcode, attack.payload)
    ws.send_json(PING)
    result, received = Exchange(), 0
    try:
        while True:
            try:
                message = ws.receive_json()
            except ValueError as error:
                result.problems.append(str(error)[:200])
                received += 1
                continue
            # A ping's own pong comes first; the pong that ends the exchange is the next one.
            if message == PING and (attack.action != "pp" or received):
                return result
            result.replies.append(message)
            received += 1
    except Closed as closed:
        result.ended = closed
    except TimeoutError:
        result.ended = "timeout"
    return result


def routing_ids(value):
    """Whether `value` is a bulk request's list (or object) of ids, which an error reply may echo
    so that the client finds each document."""
    ids = value if isinstance(value, list) else list(value) if isinstance(value, dict) else None
    return ids is not None and all(isinstance(each, str) and len(each) <= 128 for each in ids)


def judge_reply(attack, reply, ctx):
    found = []
    if "error" in reply:
        error = reply["error"]
        if not (isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
                and error["message"]):
            found.append(("error reply without {code: str, message: non-empty str}", str(error)[:200]))
        elif error["code"] == "ERR_UNKNOWN_ERROR":
            found.append(("internal error reply (ERR_UNKNOWN_ERROR)", error["message"]))
        kept = {key: value for key, value in reply.items() if key != "b" or not routing_ids(value)}
        size = len(json.dumps(kept, ensure_ascii=False).encode("utf-8"))
        if size > ERROR_REPLY_LIMIT:
            found.append(("error reply echoes the request", f"{size} bytes"))
    if attack.sender == "stranger" and ctx.secret_text in json.dumps(reply, ensure_ascii=False):
        found.append(("the stranger was sent the document's text", str(reply)[:200]))
    return found


def judge(attack, result, ctx):
    """The violations in one exchange, as (kind, detail)."""
    found = [("reply is not strict JSON", problem) for problem in result.problems]
    for reply in result.replies:
        found += judge_reply(attack, reply, ctx)
    errors = [reply for reply in result.replies if "error" in reply]
    ended = result.ended
    if ended == "timeout":
        found.append((f"no answer within {REPLY_TIMEOUT} s", ""))
    elif isinstance(ended, Closed) and ended.code is None:
        found.append(("TCP connection dropped without a close frame", ""))
    elif isinstance(ended, Closed) and ended.code not in POLICY_CLOSES:
        found.append((f"closed with {ended.code}", ended.reason[:200]))
    elif isinstance(ended, Closed):
        if attack.expect == "accepted":
            found.append(("valid message answered with a close", str(ended.code)))
    elif not result.replies and not result.problems and attack.action not in ("p", "pr"):
        # The server answers everything but a presence it relays and a presence request.
        found.append(("no reply before the next ping's pong", ""))
    elif attack.expect == "refused" and not errors:
        found.append(("not refused", str(result.replies)[:200]))
    elif attack.expect == "accepted" and (errors or not result.replies):
        found.append(("valid message refused", str(errors[:1] or result.replies)[:200]))
    return found


def log_violations(text):
    """Tracebacks and ERROR lines in the server's log, as (kind, detail)."""
    if "Traceback" in text:
        exceptions = EXCEPTION_LINE.findall(text) or ["(no exception line)"]
        return [(f"server logged a traceback: {exceptions[-1].split(':')[0]}", exceptions[-1][:200])]
    return [("server logged an ERROR", line[:200]) for line in ERROR_LINE.findall(text)]


def table_rows(site):
    return {table: site.query(f"SELECT * FROM {table} ORDER BY id") for table in TABLES}


def database_changes(before, after):
    found = []
    for table in TABLES:
        added, removed = set(after[table]) - set(before[table]), set(before[table]) - set(after[table])
        if added or removed:
            found.append(("database changed", f"{table}: added {sorted(added)[:3]}, removed {sorted(removed)[:3]}"))
    return found


def create_secret(site, cookie, key, text):
    """The owner creates the document with a normal create op; returns the connection id it came from."""
    ws = RawWebSocket(site.ws_url, origin=site.base, cookie=cookie)
    try:
        src = ws.receive_json()["id"]
        create = {"type": badinput.TEXT_UNICODE, "data": text}
        reply = ws.request({"a": "op", "c": "documents", "d": key, "v": None, "seq": 1, "create": create})
        assert "error" not in reply and reply.get("v") == 0, f"the owner could not create {key}: {reply}"
        return src
    finally:
        ws.close()


def grant_viewer(site, key, username):
    [(document,)] = site.query("SELECT id FROM documents_document WHERE key = ?", key)
    [(user_id,)] = site.query("SELECT id FROM auth_user WHERE username = ?", username)
    site.query("INSERT INTO documents_access (document_id, user_id, role) VALUES (?, ?, 'viewer')", document, user_id)


def run_corpus(site, cookies, ctx, attacks):
    """Send every attack; returns (violations as (attack, kind, detail), how many ended in a policy close)."""
    connections, log = Connections(site, cookies), ServerLog(site.base.log_path)
    violations, policy_closes = [], 0
    try:
        for attack in attacks:
            slot, ws = connections.take(attack.sender)
            result = exchange(ws, attack)
            found = judge(attack, result, ctx) + log_violations(log.read_new())
            violations += [(attack, kind, detail) for kind, detail in found]
            if result.ended is not None:
                connections.drop(slot)
                policy_closes += isinstance(result.ended, Closed) and result.ended.code in POLICY_CLOSES
    finally:
        connections.close()
    time.sleep(1.5)  # daphne reports a crashed consumer within a second
    violations += [(None, kind, detail) for kind, detail in log_violations(log.read_new())]
    return violations, policy_closes


def report(violations, count):
    kinds = collections.Counter(kind for _, kind, _ in violations)
    lines = [f"seed {SEED} (BAD_INPUT_SEED={SEED} replays it): {len(violations)} violations in {count} messages"]
    lines += [f"  {number:5d} x {kind}" for kind, number in kinds.most_common()]
    lines.append("the first 20:")
    for attack, kind, detail in violations[:20]:
        sent = f"[{attack.sender}] {attack.label}: {attack.payload[:120]!r}" if attack else "after the corpus"
        lines.append(f"  {sent}\n      -> {kind} {detail}")
    return "\n".join(lines)


def test_hostile_messages_are_answered_and_change_nothing(site, user, key):
    started = time.monotonic()
    print(f"bad input seed {SEED}")
    owner, viewer, stranger = user(), user(), user()
    cookies = {"owner": site.login(owner), "viewer": site.login(viewer), "stranger": site.login(stranger)}
    ctx = badinput.Context(secret=key, owner_src=create_secret(site, cookies["owner"], key, "secret text"))
    grant_viewer(site, key, viewer)
    attacks = badinput.corpus(SEED, ctx)
    assert len(attacks) >= MIN_MESSAGES

    before = table_rows(site)
    violations, policy_closes = run_corpus(site, cookies, ctx, attacks)
    violations += [(None, kind, detail) for kind, detail in database_changes(before, table_rows(site))]
    if policy_closes > len(attacks) / 2:
        violations.append((None, "more than half of the corpus ended in a policy close", f"{policy_closes} of {len(attacks)}"))

    print(f"{len(attacks)} messages, {policy_closes} policy closes, {len(violations)} violations, "
          f"{time.monotonic() - started:.1f} s")
    assert not violations, report(violations, len(attacks))
