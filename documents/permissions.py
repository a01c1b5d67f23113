"""Who may do what with a document.

A user's effective role is the strongest of: owner if they created it (or
are a superuser), the role they were given, and what the document's
visibility grants anyone signed in. Anonymous users get nothing here; the
real-time layer decides separately whether to let them in at all.
"""

from documents.models import DocumentAccess, Role, Visibility

RANK = {None: 0, Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}
VISIBILITY_ROLE = {Visibility.PRIVATE: None, Visibility.LINK_VIEW: Role.VIEWER, Visibility.LINK_EDIT: Role.EDITOR}


def effective_role(user, document):
    """The user's role on the document, or None for no access."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or (document.created_by_id is not None and document.created_by_id == user.pk):
        return Role.OWNER
    granted = (
        DocumentAccess.objects.filter(document=document, user=user).values_list("role", flat=True).first()
        if document.pk is not None
        else None
    )
    return max(granted, VISIBILITY_ROLE[document.visibility], key=RANK.__getitem__)


def has_role(user, document, role):
    return RANK[effective_role(user, document)] >= RANK[role]


def can_view(user, document):
    return has_role(user, document, Role.VIEWER)


def can_edit(user, document):
    return has_role(user, document, Role.EDITOR)


def can_manage(user, document):
    return has_role(user, document, Role.OWNER)
