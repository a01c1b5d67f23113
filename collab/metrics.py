"""Prometheus metrics of the real-time server, per process (served at /metrics by collab.urls).

Names carry their units; labels are few and bounded (an error code, an
op kind), never a document key or a user.
"""

from prometheus_client import Counter, Gauge, Histogram

connections = Gauge("collab_connections", "Open WebSocket connections.")
subscriptions = Gauge("collab_subscriptions", "Documents subscribed to, over all connections.")
ops_committed = Counter("collab_ops_committed_total", "Operations committed (socket and Python API).", ["kind"])
submit_seconds = Histogram(
    "collab_submit_seconds", "Time from a socket submit's arrival to its outcome.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
# The committer's batches: how many submissions go together, how long one takes in the database
# thread and how much of that is the thread's own CPU (the rest is waiting: for the database
# server, SQLite's fsync, the GIL shared with the event loop), and how long a submission waits
# for its batch to start.
commit_batch_submissions = Histogram(
    "collab_commit_batch_submissions", "Submissions committed together in one batch.", buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
commit_batch_seconds = Histogram(
    "collab_commit_batch_seconds", "Time one batch spends in the database thread, from its start to its outcome.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
commit_batch_cpu_seconds = Counter("collab_commit_batch_cpu_seconds_total", "CPU time the database thread spent on batches.")
commit_wait_seconds = Histogram(
    "collab_commit_wait_seconds", "Time the first submission of each batch waited for the batch before it.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
errors = Counter("collab_errors_total", "Error replies sent, by ShareDB error code.", ["code"])
submit_retries = Counter("collab_submit_retries_total", "Commits retried because another process committed first.")
limit_refusals = Counter("collab_limit_refusals_total", "Requests refused under the COLLAB limits, by error code.", ["code"])
