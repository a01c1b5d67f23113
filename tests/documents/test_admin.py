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
        "key": "from-admin", "title": "From admin", "visibility": "private", "content": "hi 🙂",
        "access-TOTAL_FORMS": 0, "access-INITIAL_FORMS": 0,
        "operations-TOTAL_FORMS": 0, "operations-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    document = Document.objects.get(key="from-admin")
    assert (document.version, document.created_by) == (1, admin_user)
    assert document.operations.get().op == {"type": "http://sharejs.org/types/text-unicode", "data": "hi 🙂"}


def test_a_bad_key_is_a_form_error_in_admin(admin_client):
    response = admin_client.post(reverse("admin:documents_document_add"), {
        "key": "no spaces", "title": "x", "visibility": "private", "content": "",
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
