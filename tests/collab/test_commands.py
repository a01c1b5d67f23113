"""collab_check, collab_repair and collab_export, on healthy and damaged documents."""

import pytest
from django.core.management import CommandError, call_command

from collab import api
from collab.errors import CollabError
from documents.models import Document, Milestone, Operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def healthy(make_document, settings):
    settings.COLLAB = {"MILESTONE_INTERVAL": 3}
    document = make_document(key="healthy", content="a")
    for text in ("ab", "abc", "abcd", "abcde"):
        api.replace_text(document, text)
    return document


def test_check_passes_healthy_documents(healthy, capsys):
    call_command("collab_check")
    assert "1 documents checked: all agree with their logs." in capsys.readouterr().out


def stale_save(document):
    """The damage a plain save() used to do: the head written back to an older version."""
    Document.objects.filter(pk=document.pk).update(version=3, content="ab")


def test_check_finds_a_stale_head_and_repair_rebuilds_it(healthy, capsys):
    stale_save(healthy)
    with pytest.raises(CollabError) as refused:
        api.submit(healthy, ["x"])  # a clear error, not retries in vain
    assert refused.value.code == "ERR_LOG_OUT_OF_STEP" and "collab_repair" in refused.value.message
    assert Document.objects.get(pk=healthy.pk).version == 3  # nothing half-written
    with pytest.raises(CommandError, match="1 of 1 documents disagree with their logs: run collab_repair healthy"):
        call_command("collab_check")
    assert "healthy: at version 3 while the log has 5 operations" in capsys.readouterr().err
    call_command("collab_repair", "healthy", "--dry-run")
    assert Document.objects.get(pk=healthy.pk).version == 3
    call_command("collab_repair")
    healthy.refresh_from_db()
    assert (healthy.content, healthy.version) == ("abcde", 5)
    call_command("collab_check", "healthy")
    assert api.submit(healthy, [5, "f"]) == 5  # editable again


def test_check_finds_a_wrong_milestone_and_a_gap(healthy, capsys):
    Milestone.objects.filter(document=healthy, version=3).update(content="wrong")
    with pytest.raises(CommandError):
        call_command("collab_check")
    assert "milestone at version 3 differs from the log" in capsys.readouterr().err
    call_command("collab_repair")
    assert Milestone.objects.get(document=healthy, version=3).content == "abc"
    Operation.objects.filter(document=healthy, version=2).delete()
    with pytest.raises(CommandError, match="restore them from a backup"):
        call_command("collab_repair")
    assert "operations missing from the log at versions [2]" in capsys.readouterr().err


def test_unknown_keys_are_named(healthy):
    with pytest.raises(CommandError, match="no document has the key 'nope'"):
        call_command("collab_check", "healthy", "nope")


def test_export_writes_each_document_as_text(healthy, make_document, tmp_path, capsys):
    make_document(key="second", content="zweite 🌍\n")
    call_command("collab_export", "--to", str(tmp_path))
    assert (tmp_path / "healthy.txt").read_text(encoding="utf-8") == "abcde"
    assert (tmp_path / "second.txt").read_text(encoding="utf-8") == "zweite 🌍\n"
    assert "2 documents written" in capsys.readouterr().out
