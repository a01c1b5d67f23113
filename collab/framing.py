"""A server's plain WebSocket message sent as one frame built in one step (RFC 6455, 5.2).

autobahn's sendMessage → sendFrame → sendData handles every case
(fragmenting, compression, masking, frame and octet logs, timings) and
builds three debug-log arguments for every frame it sends: about a sixth
of the event loop's time when each op fans out to many sockets. What
daphne sends is almost always the plain case: one unmasked frame, its
header then its payload. Anything else goes through autobahn as before.
"""

import logging
import struct

from daphne import ws_protocol

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
