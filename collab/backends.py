"""ModelBackend with the signed-in user read by one plain query.

Every request and every WebSocket handshake reads its user back from the
session through the backend's get_user. ModelBackend builds and compiles
an ORM query for it each time: in a reconnect storm, about a third of the
server's time. QuickModelBackend reads the same row (the user model's
table, by primary key, through the manager's database) with a statement
built once per database connection, and makes the user with Django's own
converters and from_db, as the QuerySet would. Where the ORM could read
something else (a default manager or queryset of the project's own, an
inherited or proxy user model, a primary key that is not an integer) it
asks the ORM, as ModelBackend does. List it in AUTHENTICATION_BACKENDS in
place of ModelBackend (see the README).
"""

import weakref

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.db.models import QuerySet
from django.db.models.lookups import IntegerFieldExact
from django.db.models.manager import BaseManager
from django.db.models.sql import Query


class QuickModelBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        if not reads_plainly(model, user_id):
            return super().get_user(user_id)
        user = read_user(model, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def reads_plainly(model, user_id):
    """Whether `_default_manager.get(pk=user_id)` is a plain read of one row of the model's own table."""
    manager, meta = model._default_manager, model._meta
    return (
        type(user_id) is int
        and type(manager).get_queryset is BaseManager.get_queryset
        and manager._queryset_class is QuerySet
        and not meta.parents  # an inherited or proxy model: its fields may be in its parents' tables
        and meta.pk.get_lookup("exact") is IntegerFieldExact
    )


class UserRead:
    """The statement and converters reading a user by primary key on one database connection."""

    def __init__(self, model, alias, connection):
        meta, quote = model._meta, connection.ops.quote_name
        self.compiler = Query(model).get_compiler(using=alias, connection=connection)
        columns = [field.get_col(meta.db_table) for field in meta.concrete_fields]
        self.converters = self.compiler.get_converters(columns)
        self.attnames = [field.attname for field in meta.concrete_fields]
        self.sql = (f"SELECT {', '.join(self.compiler.compile(column)[0] for column in columns)} FROM {quote(meta.db_table)} "
                    f"WHERE {quote(meta.db_table)}.{quote(meta.pk.column)} = %s")
        self.range = connection.ops.integer_field_range(meta.pk.get_internal_type())


_reads = weakref.WeakKeyDictionary()  # connection -> {model: UserRead}


def read_user(model, user_id):
    alias = model._default_manager.db
    connection = connections[alias]
    read = _reads.setdefault(connection, {}).get(model)
    if read is None:
        read = _reads[connection][model] = UserRead(model, alias, connection)
    low, high = read.range
    if (low is not None and user_id < low) or (high is not None and user_id > high):
        return None  # as the ORM's lookup: no row can have it
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [model._meta.pk.get_db_prep_value(user_id, connection, prepared=False)])
        row = cursor.fetchone()
    if row is None:
        return None
    if read.converters:
        row = next(read.compiler.apply_converters([row], read.converters))
    return model.from_db(alias, read.attnames, row)
