"""Bad input, live: well over a thousand hostile WebSocket messages against daphne.

The corpus (tests/live/badinput/) goes out from a viewer and a stranger of
one document, and malformed ops, creates and deletes from its owner. Each
message is followed by a ping, so the next {"a":"pp"} marks the end of its
answer. A message must get valid strict JSON (an error reply with a code and
a message, and small: no echo of the request) and then the pong, or a close
with 1007, 1008 or 1009, after which the sender reconnects and goes on. Never
1011, a dropped TCP connection or silence; no op may be acknowledged, the
stranger never sees the document's text, the server logs no traceback and no
ERROR, and the database ends as it began.

Every violation is collected, then reported together, grouped by kind. The
seed is random per run and printed; BAD_INPUT_SEED=<seed> replays one.
"""

import collections
import json
import os
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.live import badinput
from tests.support.rawsocket import Closed, RawWebSocket

SEED = int(os.environ.get("BAD_INPUT_SEED") or random.SystemRandom().randrange(2**32))
MIN_MESSAGES = 1000
# Each sender's attacks go over POOL connections at once, each at most PACE attacks
# (twice as many messages, with the pings) a second: under the server's rate limit
# for one user over all their connections (100 messages a second), so that the
# attacks are judged, not their pace. Running them side by side also overlaps the
# second daphne takes to notice a crashed consumer.
POOL = 4
PACE = 10
REPLY_TIMEOUT = 10  # seconds: an answer slower than this counts as silence
POLICY_CLOSES = {1007, 1008, 1009}  # invalid UTF-8, policy (rate limits), too big
PING = {"a": "pp"}
ERROR_REPLY_LIMIT = 4096  # bytes: room for the fields that identify a request, not for an echo of it
TABLES = ("documents_document", "documents_operation", "documents_access")
ERROR_LINE = re.compile(r"^.*\bERROR\b\s*(([^:]*).*)$", re.MULTILINE)  # groups: the message, its part before a colon


@dataclass
class Exchange:
    """What came back for one attack, up to the pong of the ping that followed it."""

    replies: list = field(default_factory=list)  # the strict-JSON messages
    problems: list = field(default_factory=list)  # why the others were not strict JSON
    ended: object = None  # None when the pong came; else the Closed, or "timeout"


def connect(site, cookie):
    ws = RawWebSocket(site.ws_url, origin=site.base, cookie=cookie, timeout=REPLY_TIMEOUT)
    init = ws.receive_json()
    assert init.get("a") == "init", f"the server greeted a connection with {init}"
    return ws


def is_push(message):
    """Presence relayed from, or asked for by, the sender's other connections: not an answer to anything sent here."""
    return isinstance(message, dict) and message.get("a") in ("p", "pr") and "error" not in message


def exchange(ws, attack):
    """Send the attack and a ping; collect what comes back until the ping's pong, a close or the timeout."""
    ws.send_frame(attack.opcode, attack.payload)
    ws.send_json(PING)
    result, answered = Exchange(), False
    try:
        while True:
            try:
                message = ws.receive_json()
            except ValueError as error:
                result.problems.append(str(error)[:200])
                answered = True
                continue
            # A ping's own pong is its first answer; the pong that ends the exchange comes after it.
            if message == PING and (attack.action != "pp" or answered):
                return result
            result.replies.append(message)
            answered = answered or not is_push(message)
    except Closed as closed:
        result.ended = closed
    except TimeoutError:
        result.ended = "timeout"
    return result


def lanes(attacks):
    """The attacks as (corpus index, attack), split over each sender's POOL connections in turn."""
    split, turns = collections.defaultdict(list), collections.Counter()
    for index, attack in enumerate(attacks):
        split[attack.sender, turns[attack.sender] % POOL].append((index, attack))
        turns[attack.sender] += 1
    return split.values()


def run_lane(site, cookie, lane):
    """One connection's attacks, in order and paced, reconnecting after a close; (index, attack, Exchange) each."""
    ws, results, due = None, [], time.monotonic()
    for index, attack in lane:
        time.sleep(max(0, due - time.monotonic()))
        due = time.monotonic() + 1 / PACE
        ws = ws or connect(site, cookie)
        result = exchange(ws, attack)
        results.append((index, attack, result))
        if result.ended is not None:
            ws.close()
            ws = None
    if ws:
        ws.close()
    return results


def routing_ids(value):
    """Whether `value` is a bulk request's list (or object) of ids, which an error reply may echo
    so that the client finds each document."""
    ids = value if isinstance(value, list) else list(value) if isinstance(value, dict) else None
    return ids is not None and all(isinstance(each, str) and len(each) <= 128 for each in ids)


def judge_reply(attack, reply, ctx):
    if not isinstance(reply, dict):
        return [("reply is not a JSON object", str(reply)[:200])]
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
    errors = [reply for reply in result.replies if isinstance(reply, dict) and "error" in reply]
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
    elif result.problems:
        pass  # already a violation; what the unreadable reply said is unknown
    elif all(map(is_push, result.replies)) and attack.action not in ("p", "pr"):
        # The server answers everything but a presence it relays and a presence request.
        found.append(("no reply before the next ping's pong", ""))
    elif attack.expect == "refused" and not errors:
        found.append(("not refused", str(result.replies)[:200]))
    elif attack.expect == "accepted" and (errors or not result.replies):
        found.append(("valid message refused", str(errors[:1] or result.replies)[:200]))
    return found


def exceptions_in(text):
    """The exception line ending each traceback in the text: the first line after it that is not indented."""
    lines = text.splitlines()
    return [
        next((line for line in lines[start + 1:] if line and not line.startswith(" ")), "(cut off)")
        for start, first in enumerate(lines) if first.startswith("Traceback (most recent call last)")
    ]


def log_violations(text):
    """Tracebacks (by their exception) and ERROR lines in the server's log, as (kind, detail)."""
    found = [(f"server logged ERROR: {source[:60]}", line[:200]) for line, source in ERROR_LINE.findall(text)]
    found += [(f"server logged a traceback: {line.split(':')[0]}", line[:200]) for line in exceptions_in(text)]
    return found


def log_size(site):
    return os.path.getsize(site.base.log_path)


def log_since(site, offset):
    with open(site.base.log_path, "rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


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


def run_corpus(site, cookies, attacks):
    """Every attack's (index, attack, Exchange), in corpus order."""
    with ThreadPoolExecutor(max_workers=3 * POOL) as pool:
        futures = [pool.submit(run_lane, site, cookies[lane[0][1].sender], lane) for lane in lanes(attacks)]
        return sorted((result for future in futures for result in future.result()), key=lambda result: result[0])


def describe(attack):
    return f"[{attack.sender}] {attack.label}: {attack.payload[:120]!r}" if attack else "(the whole run)"


def report(violations, count):
    """The violations by kind, most frequent first, each with its first example; then the first 20."""
    kinds = collections.Counter(kind for _, kind, _ in violations)
    first = {}
    for attack, kind, detail in violations:
        first.setdefault(kind, (attack, detail))
    lines = [f"seed {SEED} (BAD_INPUT_SEED={SEED} replays it): {len(violations)} violations in {count} messages"]
    for kind, number in kinds.most_common():
        attack, detail = first[kind]
        lines.append(f"  {number:5d} x {kind}\n          e.g. {describe(attack)} {detail[:120]}")
    lines.append("the first 20:")
    lines += [f"  {describe(attack)}\n      -> {kind} {detail}" for attack, kind, detail in violations[:20]]
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

    before, log_start = table_rows(site), log_size(site)
    results = run_corpus(site, cookies, attacks)
    violations = [(attack, kind, detail) for _, attack, result in results for kind, detail in judge(attack, result, ctx)]
    time.sleep(1.5)  # daphne reports a crashed consumer within a second
    whole_run = log_violations(log_since(site, log_start)) + database_changes(before, table_rows(site))
    closes = sum(isinstance(result.ended, Closed) and result.ended.code in POLICY_CLOSES for _, _, result in results)
    if closes > len(attacks) / 2:
        whole_run.append(("more than half of the corpus ended in a policy close", f"{closes} of {len(attacks)}"))
    violations += [(None, kind, detail) for kind, detail in whole_run]

    print(f"{len(attacks)} messages, {closes} policy closes, {len(violations)} violations, {time.monotonic() - started:.1f} s")
    assert not violations, report(violations, len(attacks))
