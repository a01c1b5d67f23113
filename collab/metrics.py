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
errors = Counter("collab_errors_total", "Error replies sent, by ShareDB error code.", ["code"])
submit_retries = Counter("collab_submit_retries_total", "Commits retried because another process committed first.")
limit_refusals = Counter("collab_limit_refusals_total", "Requests refused under the COLLAB limits, by error code.", ["code"])
