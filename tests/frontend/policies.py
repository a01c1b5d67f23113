"""Permission policies for tests: COLLAB["PERMISSION_POLICY"] points at them."""

from collab.policy import DocumentPolicy


class EveryoneEdits(DocumentPolicy):
    def can_view(self, user, document):
        return user.is_authenticated

    can_edit = can_view
