"""A document other processes keep moving: a submit that lost the race once reads the row locked, and wins."""

import textwrap

# Runs in its own process on the shared PostgreSQL. Every unlocked read of the head is followed,
# before this submit can write, by a commit from another connection (another process's committer):
# without the lock every attempt would lose, and the op be refused after MAX_SUBMIT_RETRIES.
# After a locked read the other connection's commit must wait for this transaction.
RACE = textwrap.dedent("""
    import threading, time
    from django.contrib.auth import get_user_model
    from django.db import connections, transaction
    from collab import api, store
    from collab.conf import collab_settings, permission_policy
    from collab.submit import Submission, SubmitRequest
    from documents.models import Document

    owner = get_user_model().objects.create_user("contender")
    Document(key="contended", title="contended", content="", created_by=owner).save_new(src="", seq=None)
    real_load, others = store.load_document, []

    def another_process_commits():
        api.submit("contended", ["o"], user=owner)
        others.append(time.monotonic())
        connections.close_all()

    def load_then_race(key, lock=False):
        document = real_load(key, lock=lock)
        if threading.current_thread() is threading.main_thread():
            other = threading.Thread(target=another_process_commits)
            other.start()
            other.join(None if not lock else 0.5)  # unlocked: it wins; locked: it must wait for us
            print("other committed meanwhile" if not other.is_alive() else "other waits", lock)
            waiting.append(other)
        return document

    waiting = []
    store.load_document = load_then_race
    request = SubmitRequest(Submission(key="contended", version=None, src="me", seq=1, user=owner, op=["m"]),
                            permission_policy(), collab_settings())
    with transaction.atomic():
        outcome = request.run()
        committed_at = time.monotonic()
    for other in waiting:
        other.join()
    print("outcome", outcome.version, "others after us", sum(at > committed_at for at in others))
    print("text", Document.objects.get(key="contended").content)
""")


def test_a_submit_that_lost_a_race_reads_the_row_locked_and_wins_the_next(servers):
    [(_, site)] = servers(1)
    output = site.manage_shell(RACE)
    assert "other committed meanwhile False" in output  # the first, optimistic attempt lost
    assert "other waits True" in output  # the locked read held the other process back
    assert "outcome 2 others after us 1" in output  # ours at version 2, after one lost race; the waiting one after it
    assert "text omo" in output  # "o", then ours, then the one that waited: every op kept
