import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Document, Operation

pytestmark = pytest.mark.django_db


def add_edit_operations(document, count):
    Operation.objects.bulk_create(
        Operation(document=document, version=v, kind="edit", op=[v % 7, "x"], src="s", seq=v) for v in range(1, count + 1)
    )
    Document.objects.filter(pk=document.pk).update(version=count + 1)


def query_count(client, url):
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def document_with_history(make_document):
    def make(operations):
        document = make_document(title="Busy", content="text")
        add_edit_operations(document, operations)
        return document
    return make


def test_change_page_queries_do_not_grow_with_operations(admin_client, document_with_history):
    small, big = document_with_history(10), document_with_history(10_000)
    small_queries, _ = query_count(admin_client, reverse("admin:documents_document_change", args=[small.pk]))
    big_queries, response = query_count(admin_client, reverse("admin:documents_document_change", args=[big.pk]))
    assert big_queries == small_queries <= 20
    page = response.content.decode()
    assert "All 10001 operations" in page
    # Newest first, and only the recent ones.
    assert page.index(">10000<") < page.index(">9999<")
    assert ">9980<" not in page


def test_operation_list_for_one_document_is_paginated_and_bounded(admin_client, document_with_history):
    small, big = document_with_history(10), document_with_history(10_000)
    url = reverse("admin:documents_operation_changelist")
    small_queries, _ = query_count(admin_client, f"{url}?document__id__exact={small.pk}")
    big_queries, response = query_count(admin_client, f"{url}?document__id__exact={big.pk}&p=3")
    assert big_queries == small_queries <= 20
    assert len(response.context["cl"].result_list) == 100


def test_document_list_shows_size_and_searches_content(admin_client, make_document):
    make_document(title="Alpha", content="needle in here")
    make_document(title="Beta", content="nothing")
    response = admin_client.get(reverse("admin:documents_document_changelist"), {"q": "needle"})
    results = list(response.context["cl"].result_list)
    assert [d.title for d in results] == ["Alpha"]
    assert results[0].size == len("needle in here")


def test_adding_in_admin_logs_the_create(admin_client, admin_user):
    response = admin_client.post(reverse("admin:documents_document_add"), {
        "key": "from-admin", "title": "From admin", "visibility": "private", "text": "hi 🙂",
        "access-TOTAL_FORMS": 0, "access-INITIAL_FORMS": 0,
        "operations-TOTAL_FORMS": 0, "operations-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    document = Document.objects.get(key="from-admin")
    assert (document.version, document.created_by) == (1, admin_user)
    assert document.operations.get().op == {"type": "http://sharejs.org/types/text-unicode", "data": "hi 🙂"}


def test_a_bad_key_is_a_form_error_in_admin(admin_client):
    response = admin_client.post(reverse("admin:documents_document_add"), {
        "key": "no spaces", "title": "x", "visibility": "private", "text": "",
        "access-TOTAL_FORMS": 0, "access-INITIAL_FORMS": 0,
        "operations-TOTAL_FORMS": 0, "operations-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert "key" in response.context["adminform"].form.errors
    assert not Document.objects.exists()


def test_the_operation_log_cannot_be_changed_in_admin(admin_client, make_document):
    operation = make_document().operations.get()
    response = admin_client.post(reverse("admin:documents_operation_change", args=[operation.pk]), {"kind": "edit"})
    assert response.status_code == 403
    assert Operation.objects.get(pk=operation.pk).kind == "create"
    assert admin_client.get(reverse("admin:documents_operation_add")).status_code == 403


def change_form_data(document, **changes):
    """The change form as the browser posts it, loaded when the document was as given (with the initial values)."""
    fields = {"title": document.title, "visibility": document.visibility, "created_by": document.created_by_id or ""}
    data = {
        **fields, **{f"initial-{name}": value for name, value in fields.items()},
        "text": document.content, "loaded_version": document.version,
        "access-TOTAL_FORMS": 0, "access-INITIAL_FORMS": 0, "operations-TOTAL_FORMS": 0, "operations-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


def test_editing_the_text_in_admin_keeps_what_others_typed_meanwhile(admin_client, make_document):
    from collab import api

    document = make_document(title="t", content="hello world")
    loaded = change_form_data(document)  # the form as it was loaded, at version 1
    api.submit(document, [11, "!"])  # someone types meanwhile
    response = admin_client.post(reverse("admin:documents_document_change", args=[document.pk]),
                                 {**loaded, "text": "hello brave world"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.content, document.version) == ("hello brave world!", 3)
    assert document.operations.get(version=2).op == [6, "brave "]


def test_a_stale_admin_form_changes_only_what_it_changed(admin_client, make_document):
    document = make_document(title="old", content="text")
    loaded = change_form_data(document)
    fresh = Document.objects.get(pk=document.pk)
    fresh.visibility = "link_edit"
    fresh.save()
    admin_client.post(reverse("admin:documents_document_change", args=[document.pk]), {**loaded, "title": "new"})
    document.refresh_from_db()
    assert (document.title, document.visibility, document.content, document.version) == ("new", "link_edit", "text", 1)


def test_staff_without_a_role_cannot_change_the_text(client, make_user, make_document):
    from django.contrib.auth.models import Permission

    staff = make_user(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_document", "view_document"]))
    document = make_document(content="theirs", created_by=make_user())
    client.force_login(staff)
    response = client.post(reverse("admin:documents_document_change", args=[document.pk]),
                           change_form_data(document, text="mine"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == ["You may not edit this document's text."]
    assert Document.objects.get(pk=document.pk).content == "theirs"


def test_text_history_shows_any_version_and_restores_one_as_a_new_op(admin_client, make_document):
    from collab import api

    document = make_document(content="first")
    api.replace_text(document, "second")
    api.replace_text(document, "third <b>")
    url = reverse("admin:documents_document_text_history", args=[document.pk])
    response = admin_client.get(url, {"version": 1})
    page = response.content.decode()
    assert response.context["text"] == "first" and "third &lt;b&gt;" in page and "<b>" not in page.split("diff")[-1]
    assert "Restore version 1" in page
    assert admin_client.post(url, {"version": 1}).status_code == 302
    document.refresh_from_db()
    assert (document.content, document.version) == ("first", 4)
    assert admin_client.get(url, {"version": "junk"}).context["version"] == 4


def test_the_change_page_links_to_the_site(admin_client, make_document):
    from django.contrib.contenttypes.models import ContentType

    document = make_document(content="x")
    page = admin_client.get(reverse("admin:documents_document_change", args=[document.pk])).content.decode()
    view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Document).pk, document.pk])
    assert view_on_site in page
    assert admin_client.get(view_on_site).url.endswith(document.get_absolute_url())


def test_line_breaks_posted_as_crlf_by_browsers_are_not_a_change(admin_client, make_document):
    document = make_document(content="one\ntwo\n")
    data = change_form_data(document, text="one\r\ntwo\r\n")
    admin_client.post(reverse("admin:documents_document_change", args=[document.pk]), data)
    document.refresh_from_db()
    assert (document.content, document.version) == ("one\ntwo\n", 1)
