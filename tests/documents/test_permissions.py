import pytest
from django.contrib.auth.models import AnonymousUser

from documents.models import DocumentAccess, Role, Visibility
from documents.permissions import can_edit, can_manage, can_view, effective_role

pytestmark = pytest.mark.django_db

ALLOWED = {  # role -> (view, edit, manage)
    None: (False, False, False),
    Role.VIEWER: (True, False, False),
    Role.EDITOR: (True, True, False),
    Role.OWNER: (True, True, True),
}


def answers(user, document):
    return can_view(user, document), can_edit(user, document), can_manage(user, document)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.OWNER])
def test_each_given_role_on_a_private_document(role, make_document, make_user):
    document, user = make_document(visibility=Visibility.PRIVATE), make_user()
    DocumentAccess.objects.create(document=document, user=user, role=role)
    assert effective_role(user, document) == role
    assert answers(user, document) == ALLOWED[role]


@pytest.mark.parametrize(("visibility", "role"), [
    (Visibility.PRIVATE, None), (Visibility.LINK_VIEW, Role.VIEWER), (Visibility.LINK_EDIT, Role.EDITOR),
])
def test_visibility_grants_any_signed_in_user(visibility, role, make_document, make_user):
    document = make_document(visibility=visibility)
    assert answers(make_user(), document) == ALLOWED[role]


@pytest.mark.parametrize("visibility", list(Visibility))
def test_anonymous_and_inactive_users_get_nothing(visibility, make_document, make_user):
    document = make_document(visibility=visibility)
    assert answers(AnonymousUser(), document) == ALLOWED[None]
    assert answers(make_user(is_active=False), document) == ALLOWED[None]


def test_the_stronger_of_role_and_visibility_wins(make_document, make_user):
    document, user = make_document(visibility=Visibility.LINK_EDIT), make_user()
    DocumentAccess.objects.create(document=document, user=user, role=Role.VIEWER)
    assert effective_role(user, document) == Role.EDITOR


def test_creator_and_superuser_own_it(make_document, make_user):
    creator = make_user()
    document = make_document(created_by=creator)
    assert answers(creator, document) == ALLOWED[Role.OWNER]
    assert answers(make_user(is_superuser=True), document) == ALLOWED[Role.OWNER]
    assert answers(make_user(), document) == ALLOWED[None]
