"""QuickModelBackend reads the user ModelBackend reads: the same row, values, types and state, or the same refusal."""

import datetime
import gc
import threading
import uuid
import weakref

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractUser, User, UserManager
from django.db import connections, models
from django.test.utils import isolate_apps
from hypothesis import given, settings
from hypothesis import strategies as st

from django.db.models.sql.compiler import SQLCompiler

from collab.backends import CACHE, QuickModelBackend, UserRead, reads_plainly

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


def no_orm_query(monkeypatch):
    monkeypatch.setattr(SQLCompiler, "execute_sql", lambda *args, **kwargs: pytest.fail("the ORM was asked"))


def test_one_query_and_no_orm_query_built(make_user, django_assert_num_queries, monkeypatch):
    user = make_user()
    no_orm_query(monkeypatch)
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


@pytest.mark.django_db(transaction=True)
def test_a_threads_connection_goes_with_the_thread(make_user):
    """Found in review: the statements were cached by connection in a WeakKeyDictionary whose values
    referred back to their key, so every thread's connection (a request's, under Django's ASGI
    handler) stayed open for good. Kept on the connection itself, they go with it."""
    user = make_user()
    left = []

    def request():
        assert QuickModelBackend().get_user(user.pk) == user
        left.append(weakref.ref(connections["default"]))

    for _ in range(3):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    gc.collect()
    assert [ref() for ref in left] == [None] * 3


def test_each_column_is_selected_as_the_orm_selects_it(make_user, monkeypatch):
    """Found in review: a field may wrap its column in the SELECT (GeoDjango's geometries do): the ORM's
    select_format is applied, and a column selected with parameters is left to the ORM."""
    user = make_user(first_name="ada")
    field = get_user_model()._meta.get_field("first_name")
    monkeypatch.setattr(field, "select_format", lambda compiler, sql, params: (f"UPPER({sql})", params), raising=False)
    vars(connections["default"]).pop(CACHE, None)  # a field's select_format never changes but here: read it again
    agree(user.pk)
    assert QuickModelBackend().get_user(user.pk).first_name == "ADA"
    vars(connections["default"]).pop(CACHE)
    monkeypatch.setattr(field, "select_format", lambda compiler, sql, params: (f"{sql} || %s", [*params, "!"]), raising=False)
    assert QuickModelBackend().get_user(user.pk).first_name == "ada!" == ModelBackend().get_user(user.pk).first_name


def test_a_default_managers_own_get_is_asked(make_user, monkeypatch):
    """Found in review: ModelBackend asks the manager's get, which a project may override (soft deletion)."""
    hidden = make_user(is_staff=True)
    monkeypatch.setattr(UserManager, "get", lambda manager, *args, **kwargs:
                        super(UserManager, manager).get(*args, is_staff=False, **kwargs), raising=False)
    assert not reads_plainly(get_user_model(), hidden.pk)
    assert QuickModelBackend().get_user(hidden.pk) is None is ModelBackend().get_user(hidden.pk)


def test_a_key_found_twice_is_left_to_the_orm(make_user, monkeypatch):
    """On a view or unmanaged table the key may not be unique: the ORM raises MultipleObjectsReturned."""
    user = make_user()
    monkeypatch.setattr(UserRead, "rows", lambda read, user_id: [("row",), ("row",)])
    monkeypatch.setattr(ModelBackend, "get_user", lambda backend, user_id: ("asked the ORM", user_id))
    assert QuickModelBackend().get_user(user.pk) == ("asked the ORM", user.pk)


@pytest.mark.parametrize("changed", [{"USE_TZ": False}, {"TIME_ZONE": "Asia/Kolkata"}])
def test_users_read_the_same_after_the_time_settings_change(make_user, settings, changed):
    """Converters may read the time settings when they are chosen (MySQL, Oracle): the statements go."""
    user = make_user(last_login=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC))
    agree(user.pk)  # the statement built before the change
    assert CACHE in vars(connections["default"])
    for name, value in changed.items():
        setattr(settings, name, value)
    assert CACHE not in vars(connections["default"])
    assert agree(user.pk) is not None


@pytest.mark.django_db(transaction=True)
async def test_the_async_read_is_the_plain_one_too(make_user, monkeypatch):
    from asgiref.sync import sync_to_async

    user = await sync_to_async(make_user)()
    no_orm_query(monkeypatch)
    assert await QuickModelBackend().aget_user(user.pk) == user
