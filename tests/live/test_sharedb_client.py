"""The unmodified ShareDB client against our server, under daphne."""

import time

from tests.support.live import wait_until

URI = "http://sharejs.org/types/text-unicode"


def test_create_and_fetch(site, clients, user, key):
    name = user()
    clients.open("a", name)
    assert clients("create", name="a", id=key, text="héllo 🌍") == {"v": 1, "data": "héllo 🌍", "type": URI, "pending": False}
    clients.open("b", name)
    assert clients("fetch", name="b", id=key)["data"] == "héllo 🌍"
    assert site.document(key) == ("héllo 🌍", 1, URI)


def test_two_and_five_clients_editing_concurrently_converge(site, clients, user, key):
    names = [f"c{i}" for i in range(5)]
    clients.share(names, user(), key)
    for round_number in range(10):
        for index, client in enumerate(names):
            clients("submit", name=client, id=key, op=[f"{index}{round_number}😀"])
    final = clients.assert_converged(site, names, key)
    assert len(final["data"]) == 5 * 10 * 3
    assert not any(clients("errors", name=client) for client in names)


def test_ops_made_while_disconnected_are_sent_once_on_reconnect(site, clients, user, key):
    clients.share(["a", "b"], user(), key)
    clients("drop", name="a")
    for position, char in enumerate("offline"):
        clients("submit", name="a", id=key, op=[position, char] if position else [char])
    clients("submitAndWait", name="b", id=key, op=["B"])
    clients("reconnect", name="a")
    final = clients.assert_converged(site, ["a", "b"], key)
    assert sorted(final["data"]) == sorted("Boffline")
    assert "offline" in final["data"]


def test_a_lost_ack_leads_to_a_resend_that_is_not_applied_twice(site, clients, user, key):
    clients.share(["a"], user(), key)
    clients("dropNextAck", name="a")
    clients("submit", name="a", id=key, op=["once"])
    wait_until(lambda: site.document(key)[1] == 2)
    clients("reconnect", name="a")
    final = clients("settle", name="a", id=key)
    assert (final["data"], final["v"]) == ("once", 2)
    assert site.document(key)[:2] == ("once", 2)
    assert len(site.operations(key)) == 2


def test_snapshots_at_every_version_and_by_timestamp(site, clients, user, key):
    name = user()
    clients.open("a", name)
    clients("create", name="a", id=key, text="")
    texts = [""]
    for index, char in enumerate("ab🌍c"):
        clients("submitAndWait", name="a", id=key, op=[index, char] if index else [char])
        texts.append(texts[-1] + char)
    for version in range(1, 6):  # the create makes version 1
        snapshot = clients("fetchSnapshot", name="a", id=key, version=version)
        assert (snapshot["v"], snapshot["data"]) == (version, texts[version - 1])
    assert clients("fetchSnapshot", name="a", id=key, version=0)["type"] is None
    latest = clients("fetchSnapshotByTimestamp", name="a", id=key, timestamp=int(time.time() * 1000) + 1000)
    assert (latest["v"], latest["data"]) == (5, "ab🌍c")
    assert clients("fetchSnapshotByTimestamp", name="a", id=key, timestamp=0)["v"] == 0


def test_astral_characters_converge(site, clients, user, key):
    clients.share(["a", "b"], user(), key, text="🌍🌎")
    clients("submit", name="a", id=key, op=[1, "👍🏽"])
    clients("submit", name="b", id=key, op=[1, "𝒳", {"d": 1}])
    final = clients.assert_converged(site, ["a", "b"], key)
    assert final["data"] in ("🌍👍🏽𝒳", "🌍𝒳👍🏽")


def test_presence_reaches_others_is_transformed_and_cleared(site, clients, user, key):
    name = user()
    clients.open("a", name)
    clients.open("b", name)
    clients("create", name="a", id=key, text="hello")
    for client in ("a", "b"):
        clients("subscribe", name=client, id=key)
        clients("presenceSubscribe", name=client, id=key)
    clients("presenceSubmit", name="a", id=key, value={"start": 1, "end": 3})
    wait_until(lambda: clients("remotePresences", name="b", id=key))
    [value] = clients("remotePresences", name="b", id=key).values()
    assert (value["start"], value["end"], value["user"]["name"]) == (1, 3, name)
    clients("submitAndWait", name="b", id=key, op=["XY"])
    wait_until(lambda: list(clients("remotePresences", name="b", id=key).values())[0]["start"] == 3)
    clients("close", name="a")
    wait_until(lambda: clients("remotePresences", name="b", id=key) == {})


def test_an_invalid_op_gets_an_error_and_changes_nothing(site, clients, user, key):
    name = user()
    clients.open("a", name)
    clients("create", name="a", id=key, text="abc")
    result = clients("submitAndWait", name="a", id=key, op=[{"d": "zz"}])
    assert result["error"] == "ERR_OT_OP_BADLY_FORMED"
    assert site.document(key)[:2] == ("abc", 1)
    # The client rolled back by inverting its own (lying) op; a fresh client sees the truth.
    clients.open("b", name)
    assert clients("fetch", name="b", id=key)["data"] == "abc"


def test_a_viewers_op_is_refused_and_rolled_back(site, clients, user, key):
    owner, viewer = user(), user()
    clients.open("owner", owner)
    clients("create", name="owner", id=key, text="mine")
    site.query(
        "INSERT INTO documents_access (document_id, user_id, role) SELECT d.id, u.id, 'viewer' "
        "FROM documents_document d, auth_user u WHERE d.key = ? AND u.username = ?", key, viewer,
    )
    clients.open("viewer", viewer)
    clients("subscribe", name="viewer", id=key)
    result = clients("submitAndWait", name="viewer", id=key, op=[4, "!"])
    assert result["error"] is None  # ERR_OP_SUBMIT_REJECTED rolls back quietly
    assert (result["data"], result["v"]) == ("mine", 1)
    assert site.document(key)[:2] == ("mine", 1)


def test_bulk_resubscribe_after_reconnect(site, clients, user):
    name = user()
    keys = [f"bulk-{time.monotonic_ns()}-{i}" for i in range(3)]
    clients.open("a", name)
    clients.open("b", name)
    for key in keys:
        clients("create", name="a", id=key, text="")
        clients("subscribe", name="b", id=key)
    clients("drop", name="b")
    for key in keys:
        clients("submitAndWait", name="a", id=key, op=["x"])
    clients("reconnect", name="b")
    for key in keys:
        wait_until(lambda key=key: clients("state", name="b", id=key)["data"] == "x")
