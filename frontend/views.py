"""The pages: the list of one's documents, the editor, sharing, renaming and deleting.

Who may do what is COLLAB["PERMISSION_POLICY"]'s answer, as on the socket;
title and visibility changes write only their own columns.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collab.conf import collab_settings, permission_policy
from collab.names import display_name
from documents.models import Document, DocumentAccess
from frontend.csp import content_security_policy
from frontend.forms import AddPersonForm, RemovePersonForm, TitleForm, VisibilityForm


class SignInFirst(Exception):
    """An anonymous visitor asked for a page that signing in might open."""


def viewable_document(request, key):
    """The document if COLLAB["PERMISSION_POLICY"] lets this user view it, as on the socket."""
    document = Document.objects.filter(key=key).first()
    if document is None or not permission_policy().can_view(request.user, document):
        if not request.user.is_authenticated:
            raise SignInFirst
        # The same answer as a missing key: a private document's existence is not disclosed.
        raise Http404
    return document


def document_page(view):
    """The view gets the document it may show; an anonymous visitor is sent to sign in first."""
    @wraps(view)
    def page(request, key, *args, **kwargs):
        try:
            document = viewable_document(request, key)
        except SignInFirst:
            return redirect_to_login(request.get_full_path())
        return view(request, document, *args, **kwargs)

    return page


def managed_document(request, key):
    document = viewable_document(request, key)
    if not permission_policy().can_manage(request.user, document):
        raise Http404
    return document


@login_required
@content_security_policy
def document_list(request):
    if request.method == "POST":
        form = TitleForm(request.POST)
        if not permission_policy().can_create(request.user):
            raise Http404
        if form.is_valid():
            document = Document.objects.create(title=form.cleaned_data["title"], created_by=request.user)
            return redirect("collab:editor", key=document.key)
    else:
        form = TitleForm()
    documents = (
        Document.objects.filter(Q(created_by=request.user) | Q(access__user=request.user))
        .exclude(type="").distinct().select_related("created_by").prefetch_related("access__user").order_by("-updated_at")
    )
    return render(request, "collab/document_list.html", {"documents": documents, "form": form})


@content_security_policy
@document_page
def document_editor(request, document):
    policy, settings = permission_policy(), collab_settings()
    config = {
        "key": document.key,
        "collection": settings["COLLECTION"],
        "websocketPath": "/" + settings["ROUTE"],
        "canEdit": policy.can_edit(request.user, document),
        "userName": display_name(request.user),
        # Keys the edits kept in this browser: names need not be unique.
        "userId": str(request.user.pk) if request.user.is_authenticated else None,
        "cspNonce": request.csp_nonce,
        # The editor refuses an edit the server would refuse, instead of sending it.
        "maxMessageBytes": settings["MAX_MESSAGE_BYTES"],
        "maxDocumentBytes": settings["MAX_DOCUMENT_BYTES"],
    }
    return render(request, "collab/editor.html", {
        "document": document, "config": config, "can_manage": policy.can_manage(request.user, document),
    })


@login_required
@require_POST
def document_rename(request, key):
    document = managed_document(request, key)
    form = TitleForm(request.POST, instance=document)
    if form.is_valid():
        form.save()
    return redirect("collab:list")


@login_required
@require_POST
def document_delete(request, key):
    document = managed_document(request, key)
    document.delete()
    messages.success(request, _("Document deleted."))
    return redirect("collab:list")


@login_required
@content_security_policy
def document_share(request, key):
    document = managed_document(request, key)
    visibility_form, person_form, remove_form = VisibilityForm(instance=document), AddPersonForm(), None
    if request.method == "POST":
        if "visibility" in request.POST:
            visibility_form = VisibilityForm(request.POST, instance=document)
            if visibility_form.is_valid():
                visibility_form.save()
                return redirect("collab:share", key=key)
        elif "remove" in request.POST:
            remove_form = RemovePersonForm(request.POST, document=document)
            if remove_form.is_valid():
                remove_form.cleaned_data["remove"].delete()
                return redirect("collab:share", key=key)
        else:
            person_form = AddPersonForm(request.POST)
            if person_form.is_valid():
                DocumentAccess.objects.update_or_create(
                    document=document, user=person_form.cleaned_data["person"],
                    defaults={"role": person_form.cleaned_data["role"]},
                )
                return redirect("collab:share", key=key)
    username = get_user_model().USERNAME_FIELD
    return render(request, "collab/share.html", {
        "document": document, "visibility_form": visibility_form, "person_form": person_form, "remove_form": remove_form,
        "access": document.access.select_related("user").order_by(f"user__{username}"),
    }, status=400 if request.method == "POST" else 200)
