"""The history page: the text at any version, who wrote which character, and restoring a version.

The slider's moves are answered by a small JSON view; the text and its
authors come from the nearest milestone plus at most COLLAB["MILESTONE_INTERVAL"] ops.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collab import api
from collab.conf import permission_policy
from collab.errors import CollabError
from collab.history import authors_at, version_times
from collab.names import display_name
from frontend.csp import content_security_policy
from frontend.views import SignInFirst, document_page, viewable_document

COLOURS = 8  # .remote-0 … .remote-7 in site.css


def colour(author):
    return f"remote-{author % COLOURS}" if author is not None else "unknown-author"


def version_of(request, document):
    try:
        version = int(request.GET.get("version") or request.POST.get("version") or document.version)
    except ValueError:
        raise Http404 from None
    if not 1 <= version <= document.version:
        raise Http404
    return version


def at_version(document, version):
    """What the page shows for one version: its text in runs by author, the authors, and when it was made."""
    text = api.text_at(document, version=version) or ""
    authors = authors_at(document.pk, version)
    runs, position = [], 0
    for author, run in groupby(authors):
        length = sum(1 for _ in run)
        runs.append([text[position : position + length], author])
        position += length
    people = {user.pk: user for user in get_user_model()._default_manager.filter(pk__in={a for a in authors if a is not None})}
    made = version_times(document.pk, [version]).get(version)
    return {
        "version": version, "head": document.version,
        "made": formats.date_format(made, "DATETIME_FORMAT") if made else "",
        "runs": [{"text": text, "author": author, "colour": colour(author)} for text, author in runs],
        "authors": [{"id": pk, "name": display_name(user), "colour": colour(pk)} for pk, user in people.items()],
    }


def history_document(request, key):
    try:
        return viewable_document(request, key)
    except SignInFirst:
        raise Http404 from None


@content_security_policy
@document_page
def history(request, document):
    view = at_version(document, version_of(request, document))
    may_edit = permission_policy().can_edit(request.user, document)
    return render(request, "collab/history.html", {"document": document, "view": view, "may_edit": may_edit})


def history_at(request, key, version):
    document = history_document(request, key)
    if not 1 <= version <= document.version:
        raise Http404
    return JsonResponse(at_version(document, version))


@require_POST
def restore(request, key):
    document = history_document(request, key)
    version = version_of(request, document)
    try:
        api.replace_text(document, api.text_at(document, version=version) or "", user=request.user)
    except CollabError as error:
        messages.error(request, _("Version %(version)s was not restored: %(reason)s") % {"version": version, "reason": error.message})
        return redirect("collab:history", key=key)
    return redirect("collab:editor", key=key)
