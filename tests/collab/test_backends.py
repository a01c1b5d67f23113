"""QuickModelBackend reads the user ModelBackend reads: the same row, values, types and state, or the same refusal."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractUser, User, UserManager
from django.db import models
from django.test.utils import isolate_apps
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.backends import QuickModelBackend, reads_plainly

pytestmark = pytest.mark.django_db


def read(backend, user_id):
    """What the backend gives for the id: the user's every column, typed, with its state; None; or the error's type."""
    try:
        user = backend.get_user(user_id)
    except Exception as error:
        return type(error)
    if user is None:
        return None
    values = [(field.attname, type(value := getattr(user, field.attname)), value) for field in user._meta.concrete_fields]
    return type(user), values, user._state.db, user._state.adding


def agree(user_id):
    theirs, ours = read(ModelBackend(), user_id), read(QuickModelBackend(), user_id)
    assert ours == theirs
    return ours


MOMENTS = st.datetimes(min_value=datetime.datetime(1970, 1, 2), max_value=datetime.datetime(2200, 1, 1),
                       timezones=st.just(datetime.UTC))
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    name=TEXT, first=TEXT, email=TEXT, active=st.booleans(), staff=st.booleans(), superuser=st.booleans(),
    last_login=st.none() | MOMENTS, joined=MOMENTS,
    other=st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**70, None, "1", "x", 1.5, True]),
)
def test_any_user_and_any_id_read_the_same_through_both_backends(django_db_blocker, name, first, email, active, staff, superuser,
                                                                 last_login, joined, other):
    with django_db_blocker.unblock():
        user = get_user_model().objects.create(
            username="u-" + name, first_name=first, email=email, is_active=active, is_staff=staff, is_superuser=superuser,
            last_login=last_login, date_joined=joined, password="x")
        try:
            found = agree(user.pk)
            agree(user.pk + 1)  # nobody
            agree(str(user.pk))
            agree(other)
        finally:
            user.delete()
    assert (found is not None) == active  # ModelBackend refuses inactive users
    if active:
        assert dict((name, value) for name, _, value in found[1])["last_login"] == last_login


def test_an_inactive_user_is_read_when_the_backend_allows_inactive_users(make_user):
    class AllowAll(QuickModelBackend):
        def user_can_authenticate(self, user):
            return True

    user = make_user(is_active=False)
    assert QuickModelBackend().get_user(user.pk) is None
    assert AllowAll().get_user(user.pk) == user


def test_one_query_and_no_orm_query_built(make_user, django_assert_num_queries, monkeypatch):
    user = make_user()
    monkeypatch.setattr("django.db.models.query.QuerySet.get", lambda *args, **kwargs: pytest.fail("the ORM was asked"))
    QuickModelBackend().get_user(user.pk)  # the statement is built once per connection
    with django_assert_num_queries(1):
        assert QuickModelBackend().get_user(user.pk) == user


def test_a_default_manager_of_the_projects_own_is_asked_not_bypassed(make_user, django_user_model, monkeypatch):
    """A manager that hides some users hides them from the backend too, as from ModelBackend."""
    hidden, shown = make_user(username="hidden"), make_user()
    monkeypatch.setattr(UserManager, "get_queryset", lambda manager: super(UserManager, manager).get_queryset().exclude(username="hidden"))
    assert not reads_plainly(django_user_model, hidden.pk)
    assert QuickModelBackend().get_user(hidden.pk) is None and ModelBackend().get_user(hidden.pk) is None
    assert QuickModelBackend().get_user(shown.pk) == shown


@isolate_apps("documents")
def test_user_models_whose_row_is_not_one_plain_read_are_left_to_the_orm():
    class Inherited(User):
        class Meta:
            app_label = "documents"

    class Proxy(User):
        class Meta:
            app_label, proxy = "documents", True

    class ByUUID(AbstractUser):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)

        class Meta:
            app_label = "documents"

    assert reads_plainly(User, 1)
    assert not any(reads_plainly(model, 1) for model in (Inherited, Proxy, ByUUID))
    assert not reads_plainly(User, True) and not reads_plainly(User, "1")
