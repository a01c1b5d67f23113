"""Content-Security-Policy on the app's own pages: only their own scripts run.

A decorator, not a middleware: the policy is this app's, and a host site
keeps its own pages, its debug page and its admin as they are. CodeMirror
injects its styles at run time and marks them with the per-request nonce
(EditorView.cspNonce), so no other inline style is trusted.
"""

import secrets
from functools import wraps

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def content_security_policy(view):
    @wraps(view)
    def with_policy(request, *args, **kwargs):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = view(request, *args, **kwargs)
        response.setdefault("Content-Security-Policy", POLICY.format(nonce=request.csp_nonce))
        return response

    return with_policy
