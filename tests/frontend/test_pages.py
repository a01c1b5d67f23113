"""The pages: escaping, the CSP header, sharing and the owner's actions."""

import pytest
from django.urls import reverse

from documents.models import Document, DocumentAccess, Role, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, make_user):
    owner = make_user(username="owner")
    client.force_login(owner)
    client.owner = owner
    return client


def test_creating_a_document_from_the_list(owner_client):
    response = owner_client.post(reverse("collab:list"), {"title": "Plans"})
    document = Document.objects.get(title="Plans")
    assert response.url == reverse("collab:editor", args=[document.key])
    assert (document.created_by, document.version) == (owner_client.owner, 1)


def test_titles_are_escaped_and_scripts_are_our_own(owner_client, make_document):
    document = make_document(title="<script>alert(1)</script>", created_by=owner_client.owner)
    for url in (reverse("collab:list"), reverse("collab:editor", args=[document.key])):
        response = owner_client.get(url)
        page = response.content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_editor_gets_its_settings_as_json(owner_client, make_document):
    document = make_document(title="t", created_by=owner_client.owner)
    response = owner_client.get(reverse("collab:editor", args=[document.key]))
    config = response.context["config"]
    assert config["key"] == document.key and config["canEdit"] is True
    assert f"'nonce-{config['cspNonce']}'" in response["Content-Security-Policy"]


def test_strangers_get_404_and_viewers_a_read_only_note(client, make_user, make_document):
    owner, viewer, stranger = make_user(), make_user(), make_user()
    document = make_document(created_by=owner)
    client.force_login(stranger)
    assert client.get(reverse("collab:editor", args=[document.key])).status_code == 404
    DocumentAccess.objects.create(document=document, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    response = client.get(reverse("collab:editor", args=[document.key]))
    assert response.context["config"]["canEdit"] is False
    assert "You can view this document but not edit it." in response.content.decode()


def test_sharing_rename_and_delete_are_for_the_owner(owner_client, make_user, make_document):
    friend = make_user(username="friend")
    document = make_document(title="old", created_by=owner_client.owner)
    share = reverse("collab:share", args=[document.key])
    owner_client.post(share, {"visibility": Visibility.LINK_VIEW})
    owner_client.post(share, {"person": "friend", "role": Role.EDITOR})
    response = owner_client.post(share, {"person": "nobody", "role": Role.EDITOR})
    assert "Nobody active is called nobody." in response.content.decode()
    document.refresh_from_db()
    assert document.visibility == Visibility.LINK_VIEW
    assert DocumentAccess.objects.get(document=document).user == friend
    owner_client.post(reverse("collab:rename", args=[document.key]), {"title": "new"})
    document.refresh_from_db()
    assert document.title == "new"
    owner_client.force_login(friend)
    assert owner_client.post(reverse("collab:delete", args=[document.key])).status_code == 404
    owner_client.force_login(document.created_by)
    owner_client.post(reverse("collab:delete", args=[document.key]))
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize("remove", ["abc", "", "1e9", "99999999999999999999999", "-1"])
def test_removing_someone_with_bad_form_input_is_a_form_error(owner_client, make_user, make_document, remove):
    friend = make_user()
    document = make_document(created_by=owner_client.owner)
    DocumentAccess.objects.create(document=document, user=friend, role=Role.VIEWER)
    response = owner_client.post(reverse("collab:share", args=[document.key]), {"remove": remove})
    assert response.status_code == 400
    assert "That person has no role on this document" in response.content.decode() or "This field is required" in response.content.decode()
    assert DocumentAccess.objects.filter(document=document).count() == 1


def test_an_owner_cannot_remove_a_role_on_another_document(owner_client, make_user, make_document):
    other = make_document(created_by=make_user())
    role = DocumentAccess.objects.create(document=other, user=make_user(), role=Role.EDITOR)
    mine = make_document(created_by=owner_client.owner)
    response = owner_client.post(reverse("collab:share", args=[mine.key]), {"remove": role.pk})
    assert response.status_code == 400
    assert DocumentAccess.objects.filter(pk=role.pk).exists()


def test_the_pages_follow_the_permission_policy_setting(client, make_user, make_document, settings):
    owner, other = make_user(), make_user()
    document = make_document(created_by=owner)
    editor_url = reverse("collab:editor", args=[document.key])
    client.force_login(other)
    assert client.get(editor_url).status_code == 404
    settings.COLLAB = {"PERMISSION_POLICY": "tests.frontend.policies.EveryoneEdits"}
    response = client.get(editor_url)
    assert response.status_code == 200 and response.context["config"]["canEdit"] is True


def test_anonymous_visitors_see_link_documents_when_the_setting_allows(client, make_user, make_document, settings):
    document = make_document(created_by=make_user(), visibility=Visibility.LINK_VIEW)
    editor_url = reverse("collab:editor", args=[document.key])
    assert client.get(editor_url).status_code == 302  # to sign in
    settings.COLLAB = {"ANONYMOUS": "view"}
    response = client.get(editor_url)
    assert response.status_code == 200
    assert (response.context["config"]["canEdit"], response.context["config"]["userName"]) == (False, "Anonymous")
    private = make_document(created_by=make_user())
    assert client.get(reverse("collab:editor", args=[private.key])).status_code == 302
