"""The history page: text and authors at any version, the slider's JSON, restoring, and who may see it."""

import pytest
from django.urls import reverse

from collab import api
from documents.models import DocumentAccess, Milestone, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_by_two(make_user, make_document, settings):
    settings.COLLAB = {"MILESTONE_INTERVAL": 3}
    ann, ben = make_user(first_name="Ann", last_name="A"), make_user(username="ben")
    document = make_document(key="two", content="hello", created_by=ann)
    DocumentAccess.objects.create(document=document, user=ben, role=Role.EDITOR)
    api.submit(document, [5, " world"], user=ben)  # v2
    api.submit(document, [{"d": 1}, "J"], user=ann)  # v3: "Jello world"
    api.submit(document, [11, "!"], user=ben)  # v4
    document.refresh_from_db()
    return document, ann, ben


def test_the_json_gives_text_and_authors_at_each_version(client, written_by_two):
    document, ann, ben = written_by_two
    client.force_login(ben)
    at = lambda version: client.get(reverse("collab:history-at", args=[document.key, version])).json()  # noqa: E731
    assert [run["text"] for run in at(1)["runs"]] == ["hello"]
    view = at(4)
    assert [(run["text"], run["author"]) for run in view["runs"]] == [("Jello", ann.pk), (" world!", ben.pk)]
    assert {author["name"] for author in view["authors"]} == {"Ann A", "ben"}
    assert (view["version"], view["head"]) == (4, 4) and view["made"]
    assert "".join(run["text"] for run in at(3)["runs"]) == api.text_at(document, version=3)


def test_authors_are_kept_at_milestones_once_asked_for(client, written_by_two):
    document, ann, ben = written_by_two
    assert Milestone.objects.get(document=document, version=3).authors is None
    client.force_login(ann)
    client.get(reverse("collab:history-at", args=[document.key, 4]))
    assert Milestone.objects.get(document=document, version=3).authors == [[5, ann.pk], [6, ben.pk]]


def test_the_page_shows_a_version_and_restores_it_for_editors(client, written_by_two):
    document, ann, ben = written_by_two
    client.force_login(ben)
    page = client.get(reverse("collab:history", args=[document.key]), {"version": 2}).content.decode()
    assert "hello" in page and "Restore this version" in page
    response = client.post(reverse("collab:restore", args=[document.key]), {"version": 2})
    assert response.url == reverse("collab:editor", args=[document.key])
    document.refresh_from_db()
    assert (document.content, document.version) == ("hello world", 5)


def test_viewers_see_history_but_cannot_restore_and_strangers_see_nothing(client, written_by_two, make_user):
    document, _, _ = written_by_two
    viewer, stranger = make_user(), make_user()
    DocumentAccess.objects.create(document=document, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    page = client.get(reverse("collab:history", args=[document.key])).content.decode()
    assert "Jello</span>" in page and " world!</span>" in page and "Restore this version" not in page
    client.post(reverse("collab:restore", args=[document.key]), {"version": 1})
    document.refresh_from_db()
    assert document.version == 4
    client.force_login(stranger)
    for url in (reverse("collab:history", args=[document.key]), reverse("collab:history-at", args=[document.key, 1])):
        assert client.get(url).status_code == 404
    assert client.get(reverse("collab:history-at", args=[document.key, 0])).status_code == 404


@pytest.mark.parametrize("version", ["0", "99", "x"])
def test_a_version_outside_the_history_is_not_found(client, written_by_two, version):
    document, ann, _ = written_by_two
    client.force_login(ann)
    assert client.get(reverse("collab:history", args=[document.key]), {"version": version}).status_code == 404
