from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from documents.models import Document, Visibility
from documents.permissions import can_edit, can_view


@login_required
def document_list(request):
    documents = (
        Document.objects.filter(Q(created_by=request.user) | Q(access__user=request.user))
        .exclude(type="").distinct().order_by("-updated_at")
    )
    return render(request, "frontend/document_list.html", {"documents": documents})


@login_required
def document_editor(request, key):
    document = get_object_or_404(Document, key=key)
    if not can_view(request.user, document):
        # Same answer as a missing key: a private document's existence is not disclosed.
        raise Http404
    return render(request, "frontend/editor.html", {
        "document": document, "can_edit": can_edit(request.user, document), "Visibility": Visibility,
    })
