"""/healthz and /metrics."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def test_healthz_says_ok_when_the_database_and_the_layer_answer(async_client):
    response = await async_client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"database": "ok", "channel_layer": "ok"})


async def test_healthz_says_what_is_failing(async_client, monkeypatch):
    async def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr("collab.ops_views._channel_layer", broken)
    response = await async_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "channel_layer": "failing: ConnectionError: redis is down"}


async def test_metrics_count_connections_ops_errors_and_refusals(async_client, connect, cast, settings, caplog):
    from tests.collab.messages import op

    caplog.set_level("INFO", logger="collab.refusals")
    settings.COLLAB = {"OPS_PER_SECOND": 1, "OPS_BURST": 1}
    before = (await async_client.get("/metrics")).content.decode()
    editor = await connect(cast["editor"])
    await editor.request({"a": "s", "c": "documents", "d": "secret"})
    await editor.request(op(editor, "secret", 1, 1, op=["x"]))
    await editor.request(op(editor, "secret", 2, 2, op=["y"]))  # over the rate
    await editor.request({"a": "f", "c": "documents", "d": "bad id!"})
    after = (await async_client.get("/metrics")).content.decode()

    def value(text, sample):
        line = next((line for line in text.splitlines() if line.startswith(sample + " ")), None)
        return float(line.split()[-1]) if line else 0.0

    for sample, grew_by in [
        ("collab_connections", 1), ("collab_subscriptions", 1),
        ('collab_ops_committed_total{kind="edit"}', 1), ("collab_submit_seconds_count", 1),
        ('collab_errors_total{code="ERR_RATE_LIMITED"}', 1), ('collab_errors_total{code="ERR_MESSAGE_BADLY_FORMED"}', 1),
        ('collab_limit_refusals_total{code="ERR_RATE_LIMITED"}', 1),
    ]:
        assert value(after, sample) - value(before, sample) == grew_by, sample
    assert f"refused code=ERR_RATE_LIMITED owner=user:{cast['editor'].pk} action=op document=secret" in caplog.text
