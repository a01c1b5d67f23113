"""ModelBackend with the signed-in user read by one plain query.

Every request and every WebSocket handshake reads its user back from the
session through the backend's get_user. ModelBackend builds and compiles
an ORM query for it each time: in a reconnect storm of 2,000, a quarter
of the server's time. QuickModelBackend reads the same row (the user model's
table, by primary key, through the manager's database) with a statement
built once per database connection, selecting each column as the ORM
does (its select_format) and making the user with Django's own converters
and from_db, as the QuerySet would. Where the ORM could read something
else (a default manager, queryset or get of the project's own, an
inherited or proxy user model, a primary key that is not an integer, a
column selected with parameters) it asks the ORM, as ModelBackend does.
List it in AUTHENTICATION_BACKENDS in place of ModelBackend (see the README).
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.db.models.lookups import IntegerFieldExact
from django.db.models.manager import BaseManager
from django.db.models.sql import Query
from django.dispatch import receiver

# Kept on each database connection (a thread's own), so it goes when the connection does.
CACHE = "_collab_user_reads"


class QuickModelBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        read = plain_read(model, user_id)
        rows = None if read is None else read.rows(user_id)
        if rows is None or len(rows) > 1:  # more than one: the ORM says MultipleObjectsReturned
            return super().get_user(user_id)
        user = read.user(rows[0]) if rows else None
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)


def reads_plainly(model, user_id):
    """Whether `_default_manager.get(pk=user_id)` is a plain read of one row of the model's own table."""
    manager, meta = model._default_manager, model._meta
    return (
        type(user_id) is int
        and type(manager).get_queryset is BaseManager.get_queryset
        and getattr(type(manager).get, "__wrapped__", None) is QuerySet.get  # the manager's get is the queryset's
        and manager._queryset_class is QuerySet
        and not meta.parents  # an inherited or proxy model: its fields may be in its parents' tables
        and meta.pk.get_lookup("exact") is IntegerFieldExact
    )


def plain_read(model, user_id):
    """The connection's UserRead for the model, or None where the ORM must be asked."""
    if not reads_plainly(model, user_id):
        return None
    alias = model._default_manager.db
    connection = connections[alias]
    reads = vars(connection).setdefault(CACHE, {})
    read = reads.get(model)
    if read is None:
        read = reads[model] = UserRead(model, alias, connection)
    return read if read.plain else None


class UserRead:
    """The statement and converters reading a user by primary key on one database connection."""

    def __init__(self, model, alias, connection):
        self.model, self.alias, self.connection = model, alias, connection
        meta, quote = model._meta, connection.ops.quote_name
        self.compiler = Query(model).get_compiler(using=alias, connection=connection)
        columns = [field.get_col(meta.db_table) for field in meta.concrete_fields]
        selected = [column.select_format(self.compiler, *self.compiler.compile(column)) for column in columns]
        self.plain = not any(params for _, params in selected)
        self.converters = self.compiler.get_converters(columns)
        self.attnames = [field.attname for field in meta.concrete_fields]
        self.sql = (f"SELECT {', '.join(sql for sql, _ in selected)} FROM {quote(meta.db_table)} "
                    f"WHERE {quote(meta.db_table)}.{quote(meta.pk.column)} = %s")
        self.range = connection.ops.integer_field_range(meta.pk.get_internal_type())

    def rows(self, user_id):
        """Up to two rows with the key: a second says the key is not unique (a view, say)."""
        pk = self.model._meta.pk
        value = pk.get_prep_value(user_id)
        low, high = self.range
        if (low is not None and value < low) or (high is not None and value > high):
            return []  # as the ORM's lookup: no row can have it
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [pk.get_db_prep_value(value, self.connection, prepared=True)])
            return cursor.fetchmany(2)

    def user(self, row):
        if self.converters:
            row = next(self.compiler.apply_converters([row], self.converters))
        return self.model.from_db(self.alias, self.attnames, row)


@receiver(setting_changed)
def _forget_reads(*, setting, **kwargs):
    # Converters may read the time settings when they are chosen (on MySQL and Oracle, USE_TZ).
    if setting in ("USE_TZ", "TIME_ZONE"):
        for connection in connections.all(initialized_only=True):
            vars(connection).pop(CACHE, None)
