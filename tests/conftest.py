import itertools

import pytest

from documents.models import Document
from documents.services import save_new_document

_names = itertools.count()


@pytest.fixture
def make_user(django_user_model):
    def make(**fields):
        fields.setdefault("username", f"user{next(_names)}")
        return django_user_model.objects.create_user(password="pw-for-tests-only", **fields)
    return make


@pytest.fixture
def make_document():
    def make(**fields):
        return save_new_document(Document(**fields))
    return make
