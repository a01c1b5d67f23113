"""The documented alternative to daphne: the same site under uvicorn co-edits, and ends bad connections cleanly.

`SITE_SERVER=uvicorn` runs every live and browser test under uvicorn; this
keeps the basics checked in every run.
"""

import pytest

from tests.support.daphne import UvicornServer, manage, site_env
from tests.support.live import LiveSite, ShareDBClients
from tests.support.rawsocket import TEXT, Closed, RawWebSocket


@pytest.fixture(scope="module")
def uvicorn_site(tmp_path_factory):
    path = tmp_path_factory.mktemp("uvicorn") / "site.sqlite3"
    env = site_env(f"sqlite:///{path}")
    manage(env, "migrate", "--noinput")
    server = UvicornServer(env).start()
    try:
        yield LiveSite(server.base, path, env)
    finally:
        server.stop()


def test_two_sharedb_clients_converge_under_uvicorn(uvicorn_site):
    uvicorn_site.create_user("uvi")
    clients = ShareDBClients(uvicorn_site)
    try:
        clients.share(["a", "b"], "uvi", "under-uvicorn", text="hello")
        clients("submitAndWait", name="a", id="under-uvicorn", op=[5, " from a"])
        clients("submitAndWait", name="b", id="under-uvicorn", op=["b: "])
        final = clients.assert_converged(uvicorn_site, ["a", "b"], "under-uvicorn")
        assert final["data"] == "b: hello from a"
    finally:
        clients.close()


@pytest.mark.parametrize(("frame", "code"), [
    ((TEXT, ('{"a": "pp", "x": "' + "€" * 800_000 + '"}').encode()), 1009),  # over --ws-max-size
    ((TEXT, b'{"a": "pp", "x": "\xff"}'), 1007),  # not UTF-8
])
def test_bad_frames_get_close_codes_under_uvicorn(uvicorn_site, frame, code):
    uvicorn_site.create_user(f"uvi-{code}")
    ws = RawWebSocket(uvicorn_site.ws_url, origin=uvicorn_site.base, cookie=uvicorn_site.login(f"uvi-{code}"))
    assert ws.receive_json()["a"] == "init"
    ws.send_frame(*frame)
    with pytest.raises(Closed) as closed:
        ws.receive()
    assert closed.value.code == code
