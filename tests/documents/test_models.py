import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.keys import generate_key, is_valid_key
from documents.models import TEXT_UNICODE, Document, DocumentAccess, NulCharacterError, Operation, Role

pytestmark = pytest.mark.django_db


def test_a_new_document_is_at_version_one_with_its_create_logged(make_document, make_user):
    user = make_user()
    document = make_document(title="Notes", content="héllo 🌍", created_by=user)
    assert (document.type, document.version) == (TEXT_UNICODE, 1)
    create = Operation.objects.get(document=document)
    assert (create.version, create.kind, create.op, create.author) == (0, "create", {"type": TEXT_UNICODE, "data": "héllo 🌍"}, user)
    assert str(document) == "Notes"


def test_a_second_operation_at_the_same_version_is_refused(make_document):
    document = make_document()
    Operation.objects.create(document=document, version=1, kind="edit", op=["x"], src="a", seq=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Operation.objects.create(document=document, version=1, kind="edit", op=["y"], src="b", seq=1)
    assert list(document.operations.values_list("version", flat=True)) == [0, 1]


def test_the_same_version_in_another_document_is_fine(make_document):
    first, second = make_document(), make_document()
    assert first.key != second.key
    assert Operation.objects.filter(version=0).count() == 2


def test_one_role_per_user_and_document(make_document, make_user):
    document, user = make_document(), make_user()
    DocumentAccess.objects.create(document=document, user=user, role=Role.VIEWER)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentAccess.objects.create(document=document, user=user, role=Role.EDITOR)


def test_keys_are_unique(make_document):
    make_document(key="shared")
    with pytest.raises(ValidationError):
        Document(key="shared").full_clean()


@pytest.mark.parametrize("key", ["", "a b", "ä", "x" * 129, "a/b", "a\n"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ValidationError) as raised:
        Document(key=key).full_clean()
    assert "key" in raised.value.message_dict
    assert not is_valid_key(key)


@pytest.mark.parametrize("key", ["a", "Doc-1_v2.txt", "x" * 128])
def test_good_keys_are_accepted(key):
    assert is_valid_key(key)
    Document(key=key).full_clean()


def test_generated_keys_are_short_valid_and_different():
    keys = {generate_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(key) == 10 and is_valid_key(key) for key in keys)


@pytest.mark.parametrize("field", ["key", "title", "content"])
def test_text_with_nul_is_refused_on_every_database_before_it_reaches_one(field, make_user):
    """PostgreSQL's text columns cannot hold NUL: there it failed with the database's DataError, SQLite stored it."""
    fields = {"key": "fine", "title": "fine", "content": "fine", field: "a\x00b"}
    with pytest.raises(NulCharacterError, match=f"Document.{field} may not contain NUL"):
        Document.objects.create(**fields)
    assert not Document.objects.exists() and not Operation.objects.exists()


def test_a_title_with_nul_is_refused_when_saved_later(make_document):
    document = make_document(key="named", title="before")
    document.title = "after\x00"
    with pytest.raises(NulCharacterError, match="Document.title"):
        document.save()
    assert Document.objects.get(key="named").title == "before"
