"""/healthz: can this process reach its database and channel layer? /metrics: Prometheus's text format."""

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

PROBE_SECONDS = 2.0


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "collab.healthz"})
    await layer.receive(channel)


async def healthz(request):
    checks = {"database": sync_to_async(_database)(), "channel_layer": _channel_layer()}
    report, healthy = {}, True
    for name, probe in checks.items():
        try:
            await asyncio.wait_for(probe, PROBE_SECONDS)
            report[name] = "ok"
        except Exception as error:  # whatever is wrong, say it: this is what operators read
            report[name], healthy = f"failing: {type(error).__name__}: {error}"[:300], False
    return JsonResponse(report, status=200 if healthy else 503)


def metrics(request):
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
