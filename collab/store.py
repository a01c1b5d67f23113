"""The database side of the engine: read heads and op ranges, commit one op.

Synchronous database code, called from async code through database_sync_to_async.
The two statements of every submit (read the head, commit) are plain SQL:
the ORM's per-call cost was most of the submit path's time.
"""

import contextlib
import functools
import itertools
import json
import re
import threading
from collections import OrderedDict, deque
from typing import NamedTuple

import orjson
from django.db import IntegrityError, connection, transaction

from collab import metrics, signals
from collab.conf import collab_settings
from collab.errors import CollabError, ErrorCode
from documents.models import Document, Milestone, Operation, now_ms

MAX_VERSION = 2**63 - 1


DOCUMENT_FIELDS = ("id", "key", "type", "content", "version", "visibility", "created_by_id", "access_revision")
SELECT_DOCUMENT = f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM {Document._meta.db_table} WHERE key = %s"
# The time an op is logged at comes first in both: it is added when the writes are sent.
INSERT_OPERATION = (
    f"INSERT INTO {Operation._meta.db_table} (created_at, document_id, version, kind, op, src, seq, author_id) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
INSERT_MILESTONE = f"INSERT INTO {Milestone._meta.db_table} (document_id, version, type, content) VALUES (%s, %s, %s, %s)"
# Guarded by the version and the access revision the submit was decided on: if
# either moved (another process committed, rights changed), nothing is written.
MOVE_DOCUMENT = (
    f"UPDATE {Document._meta.db_table} SET updated_at = %s, content = %s, type = %s, version = %s "
    "WHERE id = %s AND version = %s AND access_revision = %s"
)


def load_document(key, lock=False):
    """The document's head, read with one plain query: this is on every submit.

    With `lock`, where the database can (PostgreSQL), the row stays locked
    until the transaction ends: no other process can move it between this
    read and the write that follows.
    """
    flush_pending()
    with connection.cursor() as cursor:
        cursor.execute(SELECT_DOCUMENT + (" FOR UPDATE" if lock and connection.features.has_select_for_update else ""), [key])
        row = cursor.fetchone()
    return None if row is None else Document.from_db(connection.alias, DOCUMENT_FIELDS, row)


class OpRow(NamedTuple):
    """A committed op as the engine handles it."""

    version: int
    kind: str
    op: object
    src: str
    seq: int | None
    author_id: int | None = None
    # (document id, access revision) it was committed under, on an op just committed here (None when
    # read back from the log): a connection that read its rights on another row of the key, or at an
    # older revision, reads them again.
    access: tuple | None = None


class LogOutOfStep(CollabError):
    """Raised after the document row was moved: the transaction it happened in must be rolled back."""


class Heads:
    """The documents the committer wrote last, as it left them, with their newest ops, so a
    submit needs to read neither the row nor (usually) the ops it missed.

    Only the committer's thread uses it. A head may be stale (another
    process or thread committed, rights changed): commit() is guarded, a
    miss forgets the head, a refusal decided on one is decided again on the
    row (SubmitRequest), and a batch rolled back forgets its documents.
    """

    RECENT_OPS = 256

    def __init__(self, size=1024):
        self.size, self.documents, self.recent = size, OrderedDict(), {}

    def get(self, key):
        document = self.documents.get(key)
        if document is not None:
            self.documents.move_to_end(key)
        return document

    def put(self, key, document):
        self.forget(key)
        if document is not None:
            self.documents[key] = document
            if len(self.documents) > self.size:
                self.recent.pop(self.documents.popitem(last=False)[0], None)

    def forget(self, key):
        self.documents.pop(key, None)
        self.recent.pop(key, None)

    def remember(self, key, row):
        """A row just committed here, at the head of the document kept for `key`."""
        recent = self.recent.setdefault(key, deque(maxlen=self.RECENT_OPS))
        if recent and recent[-1].version != row.version - 1:
            recent.clear()
        recent.append(row)

    def rows_since(self, document, start):
        """The ops from `start` to the document's head, if they are all at hand; else None."""
        recent = self.recent.get(document.key)
        if not recent or recent[0].version > start or recent[-1].version != document.version - 1:
            return None
        return [row for row in recent if row.version >= start]


SELECT_OPS = (
    f"SELECT version, kind, op, src, seq, author_id FROM {Operation._meta.db_table} "
    "WHERE document_id = {document} AND version >= %s AND version < %s ORDER BY version"
)
BY_ID = SELECT_OPS.replace("{document}", "%s")
BY_KEY = SELECT_OPS.replace("{document}", f"(SELECT id FROM {Document._meta.db_table} WHERE key = %s)")


def _ops(query, document, start, stop):
    flush_pending()
    with connection.cursor() as cursor:
        cursor.execute(query, [document, start, MAX_VERSION if stop is None else stop])
        rows = cursor.fetchall()
    # PostgreSQL's driver decodes jsonb itself; SQLite hands back the text.
    return [OpRow(version, kind, json.loads(op) if isinstance(op, str) else op, src, seq, author)
            for version, kind, op, src, seq, author in rows]


def ops_between(document_id, start, stop=None):
    """Committed ops with start <= version < stop, in order, as OpRows.

    Plain SQL: a submit that raced others reads these on the hot path.
    """
    return _ops(BY_ID, document_id, start, stop)


def ops_for_key(key, start, stop):
    """As ops_between, by document key (a consumer filling a gap knows only the key)."""
    return _ops(BY_KEY, key, start, stop)


def heads_if_changed(keys, data_version):
    """(data version, {key: (version, access revision)} of the documents, or None when nothing changed).

    On SQLite, PRAGMA data_version moves only when another connection
    commits: unchanged, the heads are not read at all.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")
            now = cursor.fetchone()[0]
        if now == data_version:
            return now, None
    else:
        now = None
    heads = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, version, access_revision FROM {Document._meta.db_table} WHERE key IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            heads.update({key: (version, revision) for key, version, revision in cursor.fetchall()})
    return now, heads


def version_of(document, src, seq, author_id):
    """The version this author's op from (src, seq) was committed at, or None."""
    flush_pending()
    return (
        Operation.objects.filter(document=document, src=src, seq=seq, author_id=author_id)
        .values_list("version", flat=True).first()
    )


class Move(NamedTuple):
    """MOVE_DOCUMENT's parameters but the time: the row from `head` to `version`, if still at `head` and `revision`."""

    content: str
    type: str
    version: int
    document_id: int
    head: int
    revision: int


class BatchConflict(Exception):
    """A document moved under a batch of writes (another process committed first): the batch is rolled back."""


class PendingWrites:
    """The writes of a batch of submissions, sent together per table (write_rows).

    One round trip per table for the whole batch instead of two per op: on
    PostgreSQL most of a batch's time was waiting for the server. A
    document's consecutive moves in the batch make one (from the first's
    head to the last's version). The batch is sent when it ends, or before
    anything is read in its transaction, so every read sees the batch's
    own writes.
    """

    def __init__(self):
        self.moves, self.operations, self.milestones = {}, [], []  # moves: {document id: move}

    def move(self, move):
        earlier = self.moves.get(move.document_id)
        if earlier is None:
            self.moves[move.document_id] = move
        elif (earlier.version, earlier.revision) == (move.head, move.revision):
            self.moves[move.document_id] = move._replace(head=earlier.head)
        else:  # not from where the batch left the document: let the guarded writes one by one decide
            raise BatchConflict(f"document {move.document_id} was moved from version {move.head}, not from {earlier.version} where the batch left it")

    def flush(self):
        moves, operations, milestones = list(self.moves.values()), self.operations, self.milestones
        if not (moves or operations or milestones):
            return
        self.moves, self.operations, self.milestones = {}, [], []
        # One time for the ops sent together, read after everything they were decided on: an op is
        # never logged earlier than one another writer committed before it (fetch by timestamp).
        now = log_time()
        with connection.cursor() as cursor:
            moved = write_rows(cursor, MOVE_DOCUMENT, [(now, *move) for move in moves])
            if moved != len(moves):
                raise BatchConflict(f"{len(moves) - moved} of {len(moves)} documents moved meanwhile")
            write_rows(cursor, INSERT_OPERATION, [(now, *operation) for operation in operations])
            if milestones:
                cursor.executemany(INSERT_MILESTONE, milestones)


def write_rows(cursor, statement, rows):
    """Send `rows` to the one-row `statement`; the number of rows it changed.

    SQLite prepares the statement once for an executemany. PostgreSQL parses
    and plans every statement it is sent (Django binds parameters on the
    client): sent a row a statement, that was most of its work on a batch.
    There several rows go in one statement, as one JSON parameter (escaped
    by orjson in C: psycopg escapes a list's strings in Python, a second a
    large text of quotes or backslashes). One row goes as it is: its text
    is not escaped twice (a large document's edit, alone in its batch).
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql" and len(rows) > 1:
        cursor.execute(json_statement(statement), [orjson.dumps(rows).decode()])
    else:
        cursor.executemany(statement, rows)
    return cursor.rowcount


@functools.cache
def json_statement(statement):
    """The one-row INSERT or UPDATE `statement` for a JSON array of rows (PostgreSQL).

    Each %s becomes its column's value in the rows, cast to the column's
    type; to text where the column is a varchar, whose length the column
    then checks as for the one-row statement (a cast to it would cut).
    """
    inserting = statement.startswith("INSERT")
    model = Operation if inserting else Document
    types = {field.column: field.db_type(connection) for field in model._meta.concrete_fields}
    columns = re.search(r"\(([^)]*)\) VALUES", statement)[1].split(", ") if inserting else re.findall(r"(\w+) = %s", statement)
    values = [f"(item->>{index})::{'text' if types[column].startswith('varchar') else types[column]}" for index, column in enumerate(columns)]
    items = "jsonb_array_elements(%s::jsonb) AS item"
    if inserting:
        return f"{statement.split(' VALUES ')[0]} SELECT {', '.join(values)} FROM {items}"
    placeholders = itertools.count()
    changes, condition = re.sub("%s", lambda _: f"batch.c{next(placeholders)}", statement).split(" WHERE ")
    selected = ", ".join(f"{value} AS c{index}" for index, value in enumerate(values))
    return f"{changes} FROM (SELECT {selected} FROM {items}) AS batch WHERE {condition}"


_batch = threading.local()


@contextlib.contextmanager
def writes_together():
    """commit() within this block only queues its writes; they are sent at its end (in the caller's transaction)."""
    assert getattr(_batch, "pending", None) is None, "writes_together() does not nest"
    _batch.pending = PendingWrites()
    try:
        yield
        _batch.pending.flush()
    finally:
        _batch.pending = None


def flush_pending():
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.flush()


def commit(document, kind, op, src, seq, author, content, type_uri):
    """Move the document one version on and append the op at its version, in the caller's transaction.

    False (and nothing written) when another process committed at that
    version first, or rights changed since the document was read. The
    guarded UPDATE goes first: once it has moved the row, this transaction
    holds it, so the INSERT at that version cannot meet another's, and no
    savepoint of its own is needed. Within writes_together() the writes are
    queued and True is returned: a lost race then fails the whole batch
    (BatchConflict), whose submissions are run again one by one.
    """
    head = document.version
    op_json = None if op is None else orjson.dumps(op).decode()  # a checked op: JSON's types, valid Unicode
    move = Move(content, type_uri, head + 1, document.pk, head, document.access_revision)
    operation = (document.pk, head, kind, op_json, src, seq, author.pk if author else None)
    milestone = (document.pk, head + 1, type_uri, content) if (head + 1) % collab_settings()["MILESTONE_INTERVAL"] == 0 else None
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.move(move)
        pending.operations.append(operation)
        if milestone:
            pending.milestones.append(milestone)
    elif not write_now(document, move, operation, milestone):
        return False
    document.version, document.content, document.type = head + 1, content, type_uri
    signal_after_commit(document.key, OpRow(head, kind, op, src, seq, author.pk if author else None), author)
    return True


def log_time():
    """Now, to the millisecond, as the database stores an op's time."""
    return connection.ops.adapt_datetimefield_value(now_ms())


def write_now(document, move, operation, milestone):
    now = log_time()
    with connection.cursor() as cursor:
        cursor.execute(MOVE_DOCUMENT, (now, *move))
        if cursor.rowcount != 1:
            return False
        try:
            cursor.execute(INSERT_OPERATION, (now, *operation))
        except IntegrityError:
            # The log already has an op at the document's version: damaged before the engine owned its columns.
            raise LogOutOfStep(ErrorCode.LOG_OUT_OF_STEP, f"document {document.key!r} disagrees with its operation log at version "
                                                          f"{document.version}: an administrator must run `manage.py collab_repair`") from None
        if milestone:
            cursor.execute(INSERT_MILESTONE, milestone)
    return True


def set_head(document_id, type_uri, content, version):
    """Put the document at a head rebuilt from its log (collab_repair): the one write outside commit().

    The access revision moves too, so that a head remembered by a running
    server (its text damaged, its version perhaps the same) fails commit()'s guard.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Document._meta.db_table} SET type = %s, content = %s, version = %s, access_revision = access_revision + 1 WHERE id = %s",
            [type_uri, content, version, document_id],
        )


def signal_after_commit(key, row, user):
    def send():
        metrics.ops_committed.labels(row.kind).inc()
        signals.operation_committed.send(Document, key=key, version=row.version, kind=row.kind, op=row.op, user=user)
        if row.kind == Operation.Kind.CREATE:
            signals.document_created.send(Document, key=key, user=user)
        elif row.kind == Operation.Kind.DELETE:
            signals.document_deleted.send(Document, key=key, user=user)

    transaction.on_commit(send)


def create(key, data, src, seq, author):
    """A new document at version 1, or None when the key was taken meanwhile."""
    flush_pending()
    try:
        return Document(key=key, title=key, content=data, created_by=author).save_new(src=src, seq=seq)
    except IntegrityError:
        return None
