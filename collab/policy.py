"""Who may read, edit, delete and create documents over the WebSocket.

The default policy is the documents app's roles, plus the COLLAB
ANONYMOUS setting for visitors who are not signed in. Replace it with
COLLAB["PERMISSION_POLICY"] = "yourapp.YourPolicy".
"""

from collab.conf import collab_settings
from documents import permissions
from documents.models import Visibility

ANONYMOUS_VISIBILITY = {
    "view": {Visibility.LINK_VIEW, Visibility.LINK_EDIT},
    "edit": {Visibility.LINK_EDIT},
}


class DocumentPolicy:
    def allows_connection(self, user):
        return user.is_authenticated or collab_settings()["ANONYMOUS"] in ("view", "edit")

    def _anonymous_may(self, user, document, action):
        allowed = collab_settings()["ANONYMOUS"]
        if user.is_authenticated or allowed is None:
            return False
        if action == "edit" and allowed != "edit":
            return False
        return document.visibility in ANONYMOUS_VISIBILITY[action]

    def can_view(self, user, document):
        return permissions.can_view(user, document) or self._anonymous_may(user, document, "view")

    def can_edit(self, user, document):
        return permissions.can_edit(user, document) or self._anonymous_may(user, document, "edit")

    def can_manage(self, user, document):
        return permissions.can_manage(user, document)

    def can_create(self, user):
        return user.is_authenticated and user.is_active
