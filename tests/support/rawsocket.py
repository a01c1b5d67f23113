"""A bare WebSocket client over a TCP socket, for attack tests.

Browsers and libraries refuse to send what an attacker sends (invalid
UTF-8 in a text frame, oversized frames, lone surrogates in raw JSON), and
they hide how a connection ended. This one sends any bytes as a frame and
tells a close frame (with its code) from a dropped TCP connection.
"""

import base64
import json
import os
import socket
import struct
import urllib.parse

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class Closed(Exception):
    """The server ended the connection: `code` is its close code, or None when TCP was dropped without one."""

    def __init__(self, code, reason=""):
        super().__init__(f"closed with {code} {reason!r}" if code is not None else "TCP connection dropped without a close frame")
        self.code, self.reason = code, reason


class RawWebSocket:
    def __init__(self, url, origin=None, cookie=None, timeout=10):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [
            f"GET {parts.path or '/'} HTTP/1.1", f"Host: {parts.hostname}:{parts.port}", "Upgrade: websocket",
            "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
            f"Origin: {origin or 'http://' + parts.hostname + ':' + str(parts.port)}",
        ]
        if cookie:
            headers.append(f"Cookie: {cookie}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        response = self._read_until(b"\r\n\r\n").decode("latin-1")
        self.status = int(response.split(" ", 2)[1])
        if self.status != 101:
            self.sock.close()
            raise ConnectionRefusedError(f"the WebSocket handshake was answered with {self.status}")

    def _read_until(self, marker):
        while marker not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise Closed(None)
        self.buffer += chunk

    def _read_exactly(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send_frame(self, opcode, payload, fin=True):
        header = bytes([(0x80 if fin else 0) | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload)) if length < 4096 else _mask_fast(payload, mask)
        try:
            self.sock.sendall(header + mask + masked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the next receive tells how the server ended it

    def send_text(self, text):
        self.send_frame(TEXT, text.encode("utf-8", "surrogatepass"))

    def send_json(self, message):
        self.send_text(json.dumps(message))

    def receive(self):
        """The next text message, as a str; raises Closed when the server closes or drops the connection."""
        while True:
            first, second = self._read_exactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read_exactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read_exactly(8))[0]
            payload = self._read_exactly(length)
            if opcode == CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise Closed(code, payload[2:].decode("utf-8", "replace"))
            if opcode == PING:
                self.send_frame(PONG, payload)
                continue
            if opcode in (TEXT, BINARY):
                return payload.decode("utf-8")

    def receive_json(self):
        """The next message parsed strictly: NaN, Infinity and lone surrogates are not JSON."""
        text = self.receive()
        message = json.loads(text, parse_constant=_refuse)
        json.dumps(message, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
        return message

    def request(self, message):
        self.send_json(message) if not isinstance(message, str) else self.send_text(message)
        return self.receive_json()

    def close(self):
        try:
            self.send_frame(CLOSE, struct.pack("!H", 1000))
        finally:
            self.sock.close()


def _refuse(name):
    raise ValueError(f"{name} is not JSON")


def _mask_fast(payload, mask):
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")
