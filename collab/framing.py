"""Plain WebSocket messages, in and out, each one whole frame handled in one step (RFC 6455, 5.2).

autobahn handles every case (fragments, compression, control frames,
masking choices, frame and octet logs, timings) through a chain of
per-frame and per-message hooks, building debug-log arguments on the
way: a sixth of the event loop's time when each op fans out to many
sockets, and about a tenth of it reading keystrokes. Nearly every message
is the plain case: one final frame, unmasked from the server, masked
from the client, text or binary. Those are built and read here; anything
else (a fragment, a ping, a close, a bad header, invalid UTF-8, a size
over a limit) goes through autobahn as before, which answers it as before.
"""

import logging
import struct

from daphne import ws_protocol

from collab import unmasking

daphne_logger = ws_protocol.logger


def frame(payload, binary):
    """The bytes of one final, unmasked, uncompressed frame carrying the whole message."""
    first = 0x82 if binary else 0x81
    length = len(payload)
    if length <= 125:
        return bytes((first, length)) + payload
    if length <= 0xFFFF:
        return struct.pack("!BBH", first, 126, length) + payload
    return struct.pack("!BBQ", first, 127, length) + payload


def sends_plainly(protocol, length):
    """Whether autobahn would send a message of `length` bytes on this connection now as one plain frame."""
    return (
        protocol.state == protocol.STATE_OPEN
        and protocol._perMessageCompress is None
        and not protocol.autoFragmentSize
        and not protocol.maskServerFrames
        and not (0 < protocol.maxMessagePayloadSize < length)  # autobahn refuses it: let it say so
        and not protocol.send_queue  # something sent with sync=True still waits: keep the order
        and not (protocol.logFrames or protocol.logOctets or protocol.trackedTimings)
        and not daphne_logger.isEnabledFor(logging.DEBUG)
    )


def send_plainly(protocol, payload, binary):
    """Send the message as autobahn would, with the same traffic counts."""
    data = frame(payload, binary)
    stats = protocol.trafficStats
    stats.outgoingWebSocketMessages += 1
    stats.outgoingWebSocketFrames += 1
    stats.outgoingOctetsAppLevel += len(payload)
    stats.outgoingOctetsWebSocketLevel += len(payload)
    stats.outgoingOctetsWireLevel += len(data)
    protocol.transport.write(data)


def reads_plainly(protocol):
    """Whether autobahn, between messages on this open connection, would read a plain frame as one message."""
    return (
        protocol.state == protocol.STATE_OPEN
        and not protocol.failedByMe
        and protocol.current_frame is None
        and not protocol.inside_message
        and protocol._listeners is None  # nobody observes 'message' events (daphne does not)
        and protocol._perMessageCompress is None
        and protocol.applyMask
        and protocol.utf8validateIncoming
        and not (protocol.logFrames or protocol.trackedTimings)
    )


def whole_message(data, max_frame, max_message):
    """(payload, binary, end) of the client's message whole in one frame at the start of `data`, or None.

    The frame must be final, without reserved bits, masked, text or binary,
    with its length in the fewest bytes, within both size limits (0 for no
    limit), and all there. None for anything else: autobahn reads it.
    """
    if len(data) < 6 or data[0] not in (0x81, 0x82) or not data[1] & 0x80:
        return None
    length, start = data[1] & 0x7F, 6
    if length == 126:
        length, start = int.from_bytes(data[2:4], "big"), 8
        if length < 126:
            return None
    elif length == 127:
        length, start = int.from_bytes(data[2:10], "big"), 14
        if length < 0x10000:
            return None
    end = start + length
    if 0 < max_frame < length or 0 < max_message < length or len(data) < end:
        return None
    payload = unmasking.create_xor_masker(data[start - 4:start], length).process(data[start:end]) if length else b""
    return payload, data[0] == 0x82, end


def read_plainly(protocol):
    """Read one plain message at the start of the protocol's buffer, as autobahn would; False when there is none."""
    message = whole_message(protocol.data, protocol.maxFramePayloadSize, protocol.maxMessagePayloadSize)
    if message is None:
        return False
    payload, binary, end = message
    if not binary:
        try:
            payload.decode()
        except UnicodeDecodeError:
            return False  # autobahn closes with 1007, saying where
    protocol.data = protocol.data[end:]
    stats = protocol.trafficStats
    stats.incomingOctetsWebSocketLevel += len(payload)
    stats.incomingOctetsAppLevel += len(payload)
    stats.incomingWebSocketFrames += 1
    stats.incomingWebSocketMessages += 1
    if protocol.autoPingTimeoutCall and protocol.autoPingRestartOnAnyTraffic:
        protocol._cancelAutoPingTimeoutCall()
    protocol._onMessage(payload, binary)
    return True
