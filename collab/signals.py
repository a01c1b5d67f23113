"""Signals sent once an operation is committed, for socket and Python edits alike.

All are sent after the transaction commits (transaction.on_commit), in the
thread that committed it: keep receivers short, or hand the work to a task.

- operation_committed(sender=Document, key, version, kind, op, user): one op
  applied to `version` (producing version + 1); kind is "create", "edit" or
  "delete"; op is the text-unicode op, {type, data} for a create, None for a
  delete; user is the author, or None for anonymous and server-made edits.
- document_created(sender=Document, key, user): a document came into being
  (its create op), through the socket, collab.api or the ORM.
- document_deleted(sender=Document, key, user): a document stopped existing,
  by a delete op (user: who) or by its row being deleted (user None).
"""

from django.dispatch import Signal

operation_committed = Signal()
document_created = Signal()
document_deleted = Signal()
