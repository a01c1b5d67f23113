"""A raw protocol client over Channels' WebsocketCommunicator, for consumer tests."""

import json

from channels.testing import WebsocketCommunicator

from collab.consumers import CollabConsumer


class RawClient:
    def __init__(self, user, client_address="127.0.0.1"):
        self.communicator = WebsocketCommunicator(CollabConsumer.as_asgi(), "/ws/collab/")
        self.communicator.scope["user"] = user
        self.communicator.scope["client"] = (client_address, 40000)

    async def connect(self):
        connected, _ = await self.communicator.connect()
        if connected:
            self.init = await self.receive()
            self.id = self.init["id"]
        return connected

    async def send(self, message):
        await self.communicator.send_to(text_data=message if isinstance(message, str) else json.dumps(message))

    async def receive(self, timeout=3):
        return json.loads(await self.communicator.receive_from(timeout))

    async def request(self, message):
        await self.send(message)
        return await self.receive()

    async def nothing_more(self):
        return await self.communicator.receive_nothing(timeout=0.2)

    async def close(self):
        await self.communicator.disconnect()

    async def close_code(self, timeout=3):
        """The code the server closed with; skips messages sent before the close."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code", 1000)
