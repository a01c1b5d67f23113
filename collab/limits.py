"""Limits on what one connection may ask of the server: pure bookkeeping, no I/O."""

import json
import time

from collab.errors import CollabError, ErrorCode


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; take() spends one if there is one."""

    def __init__(self, rate, burst, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.updated = float(burst), clock()

    def refill(self):
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def take(self):
        self.refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def full(self):
        self.refill()
        return self.tokens >= self.burst

    def empty(self):
        self.refill()
        return self.tokens < 1


class LimitExceeded(CollabError):
    """A refusal under a limit; `close_code` is the WebSocket close code if the client keeps on."""

    def __init__(self, code, message, close_code=1008):
        super().__init__(code, message)
        self.close_code = close_code
        self.request = None  # the request it refuses, when known before it was refused


def utf8_length_exceeds(text, limit):
    # A code point is at most 4 bytes: most messages are decided without encoding them.
    if len(text) * 4 <= limit:
        return False
    return len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit


def json_string_bytes(text):
    """The UTF-8 bytes of `text` written as a JSON string, as a snapshot carries it."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8"))


def document_fits(text, limit):
    # JSON escapes at most 6 bytes per code point (\u0001): short texts need no encoding.
    if len(text) * 6 + 2 <= limit:
        return True
    return json_string_bytes(text) <= limit


def message_too_large(size_limit):
    return LimitExceeded(
        ErrorCode.MESSAGE_TOO_LARGE, f"message exceeds the limit of {size_limit} bytes: send less at once", close_code=1009,
    )


class Quota:
    """What one user (or anonymous address) may still do in this process, shared by all their connections.

    Shared, so that opening more connections, or reconnecting, buys no
    more: a flooding client is held to one user's rate however it connects.
    """

    def __init__(self, settings, clock=time.monotonic):
        self.messages = TokenBucket(settings["MESSAGES_PER_SECOND"], settings["MESSAGE_BURST"], clock)
        self.ops = TokenBucket(settings["OPS_PER_SECOND"], settings["OPS_BURST"], clock)
        self.strikes = TokenBucket(1, settings["LIMIT_STRIKES"], clock)
        self.connections = 0

    def message(self):
        if not self.messages.take():
            raise LimitExceeded(ErrorCode.RATE_LIMITED, "too many messages: slow down")

    def op(self):
        if not self.ops.take():
            raise LimitExceeded(ErrorCode.RATE_LIMITED, "too many ops: slow down")

    def strike(self):
        """Count a refusal; False once too many have been collected and the connection must be closed."""
        return self.strikes.take()

    def idle(self):
        return self.connections == 0 and all(bucket.full() for bucket in (self.messages, self.ops, self.strikes))


class Quotas:
    """The Quota of everyone connected to this process, by who they are."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.held = clock, {}

    def open(self, holder, settings):
        """The holder's Quota for one more connection, or LimitExceeded saying why not."""
        quota = self.held.get(holder)
        if quota is None:
            quota = self.held[holder] = Quota(settings, self.clock)
        limit = settings["MAX_CONNECTIONS_PER_USER"]
        if quota.connections >= limit:
            raise LimitExceeded(ErrorCode.LIMIT_EXCEEDED, f"more than {limit} connections at once: close some tabs")
        if quota.strikes.empty():
            raise LimitExceeded(ErrorCode.RATE_LIMITED, "too many requests refused: wait a few seconds before connecting again")
        quota.connections += 1
        return quota

    def close(self, holder):
        quota = self.held[holder]
        quota.connections -= 1
        # The quotas of people gone and rested are forgotten; the others keep what they owe.
        for idle in [name for name, held in self.held.items() if held.idle()]:
            del self.held[idle]
