"""A document's past, read from its log: the text at any version or time, who wrote each character.

Rebuilt from the nearest milestone (a full text kept every MILESTONE_INTERVAL
ops) and the ops after it; the milestones passed on the way learn their
authors, so the next authorship read starts closer.
"""

import json
from datetime import datetime, timezone

from django.db import connection

from collab import authorship, ot
from collab.store import ops_between
from documents.models import Milestone, Operation

# The last millisecond datetime can hold: later timestamps mean "now".
LATEST_MS = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp() * 1000)


def replay(rows, type_uri=None, data=None):
    """(type, data) after the given ops, starting from nothing or from (type_uri, data)."""
    for row in rows:
        if row.kind == Operation.Kind.CREATE:
            type_uri, data = row.op["type"], row.op["data"]
        elif row.kind == Operation.Kind.DELETE:
            type_uri, data = None, None
        else:
            data = ot.apply(data, row.op)
    return type_uri, data


def snapshot_at(document, version):
    """{v, type, data} of the document after `version` ops; no data while it does not exist, as ShareDB sends it."""
    if version == document.version:
        type_uri, data = document.type or None, document.content
    else:
        type_uri, data = replay_from_milestone(document.pk, version)
    return {"v": version, "type": type_uri, "data": data} if type_uri else {"v": version, "type": None}


SELECT_MILESTONE = (
    f"SELECT version, type, content FROM {Milestone._meta.db_table} "
    "WHERE document_id = %s AND version <= %s ORDER BY version DESC LIMIT 1"
)


def replay_from_milestone(document_id, version):
    """(type or None, text) after `version` ops: the nearest milestone at or below it, then the ops since."""
    with connection.cursor() as cursor:
        cursor.execute(SELECT_MILESTONE, [document_id, version])
        milestone = cursor.fetchone()
    start, type_uri, data = milestone if milestone else (0, None, None)
    return replay(ops_between(document_id, start, version), type_uri or None, data)


SELECT_AUTHORED_MILESTONE = (
    f"SELECT version, authors FROM {Milestone._meta.db_table} "
    "WHERE document_id = %s AND version <= %s AND authors IS NOT NULL ORDER BY version DESC LIMIT 1"
)
SELECT_UNAUTHORED_MILESTONES = (
    f"SELECT version FROM {Milestone._meta.db_table} WHERE document_id = %s AND version > %s AND version <= %s AND authors IS NULL"
)
SET_MILESTONE_AUTHORS = f"UPDATE {Milestone._meta.db_table} SET authors = %s WHERE document_id = %s AND version = %s"


def authors_at(document_id, version):
    """The author (a user pk, or None) of each character of the text after `version` ops.

    Starts from the nearest milestone whose authors are known; milestones
    passed on the way learn theirs, so the next read starts closer.
    """
    with connection.cursor() as cursor:
        cursor.execute(SELECT_AUTHORED_MILESTONE, [document_id, version])
        known = cursor.fetchone()
        cursor.execute(SELECT_UNAUTHORED_MILESTONES, [document_id, known[0] if known else 0, version])
        unknown = {row[0] for row in cursor.fetchall()}
    start = known[0] if known else 0
    authors = authorship.expand(json.loads(known[1]) if known and isinstance(known[1], str) else known[1] if known else [])
    for row in ops_between(document_id, start, version):
        if row.kind == Operation.Kind.CREATE:
            authors = [row.author_id] * len(row.op["data"])
        elif row.kind == Operation.Kind.DELETE:
            authors = []
        else:
            authorship.apply(authors, row.op, row.author_id)
        if row.version + 1 in unknown:
            with connection.cursor() as cursor:
                cursor.execute(SET_MILESTONE_AUTHORS, [json.dumps(authorship.compress(authors)), document_id, row.version + 1])
    return authors


def version_times(document_id, versions):
    """{version: when it was made} for the given versions (version v is made by the op at v - 1)."""
    rows = Operation.objects.filter(document_id=document_id, version__in=[v - 1 for v in versions]).values_list("version", "created_at")
    return {version + 1: created for version, created in rows}


def version_at_time(document, timestamp_ms):
    """How many ops were committed at or before the time, in ms since the epoch."""
    moment = datetime.fromtimestamp(min(timestamp_ms, LATEST_MS) / 1000, tz=timezone.utc)
    return Operation.objects.filter(document=document, created_at__lte=moment).count()
