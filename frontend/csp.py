"""Content-Security-Policy on the site's pages: only its own scripts run.

CodeMirror injects its styles at run time and marks them with the
per-request nonce (EditorView.cspNonce), so no other inline style is
trusted. Django admin keeps its own inline styles, so it is left out.
"""

import secrets

from django.urls import reverse

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if not request.path.startswith(reverse("admin:index")):
            response.setdefault("Content-Security-Policy", POLICY.format(nonce=request.csp_nonce))
        return response
