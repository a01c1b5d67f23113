"""The site's settings for the load benchmarks: the per-connection limits lifted.

The limits are sized for people (a few dozen ops a second, twenty tabs);
the load scenarios drive hundreds of ops a second per client and hundreds
of connections of one user, which the limits would refuse by design.
"""

from config.settings import *  # noqa: F403

COLLAB = {
    "MESSAGES_PER_SECOND": 1_000_000, "MESSAGE_BURST": 1_000_000,
    "OPS_PER_SECOND": 1_000_000, "OPS_BURST": 1_000_000,
    "MAX_CONNECTIONS_PER_USER": 1_000_000,
}
