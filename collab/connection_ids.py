"""Connection ids (ShareDB's `src`): bound to one user, unforgeable, never shown to others.

A reconnecting client sends its old id in the handshake, and ops it resends
carry it as `src`; the server de-duplicates by (src, seq). So an id must not
be adoptable by anyone else: it carries an HMAC of its owner, checked
against SECRET_KEY and SECRET_KEY_FALLBACKS. Ops and presence relayed to
other connections show a masked id instead, stable per connection, so the
ShareDB client can still tell one sender from another.
"""

import base64
import hmac
import secrets
from functools import lru_cache

from django.conf import settings
from django.utils.crypto import salted_hmac

NONCE_BYTES = 12
MAC_BYTES = 12
ID_LENGTH = 4 * (NONCE_BYTES + MAC_BYTES) // 3
SALT = "collab.connection-id"
MASK_SALT = "collab.connection-id.mask"


def _b64(raw):
    return base64.urlsafe_b64encode(raw).decode()


def _mac(nonce, owner, secret):
    return _b64(salted_hmac(SALT, f"{nonce}|{owner}", secret=secret, algorithm="sha256").digest()[:MAC_BYTES])


def owner_of(user, session_key=None):
    """Who ids are issued to: a signed-in user, or an anonymous visitor's session."""
    if user.is_authenticated:
        return f"user:{user.pk}"
    return f"anonymous:{session_key or ''}"


def issue(owner):
    nonce = _b64(secrets.token_bytes(NONCE_BYTES))
    return nonce + _mac(nonce, owner, settings.SECRET_KEY)


def held_by(connection_id, owner):
    """Whether the id was issued to this owner (by this site, under any of its keys)."""
    if type(connection_id) is not str or len(connection_id) != ID_LENGTH:
        return False
    nonce, mac = connection_id[: ID_LENGTH // 2], connection_id[ID_LENGTH // 2 :]
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(mac, _mac(nonce, owner, secret)) for secret in secrets_in_use)


@lru_cache(maxsize=4096)
def mask(connection_id):
    """The id as other connections see it; empty stays empty (ops made by server code)."""
    if not connection_id:
        return connection_id
    return _b64(salted_hmac(MASK_SALT, connection_id, algorithm="sha256").digest()[:MAC_BYTES])
