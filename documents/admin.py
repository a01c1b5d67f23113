from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Length
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from collab import api
from collab.conf import collab_settings, permission_policy
from collab.errors import CollabError
from collab.limits import document_fits
from documents.diff import diff_html
from documents.models import Document, DocumentAccess, Operation

RECENT_OPERATIONS = 20
OP_PREVIEW_CHARS = 120


def op_preview(operation):
    text = "—" if operation.op is None else str(operation.op)
    return text if len(text) <= OP_PREVIEW_CHARS else text[:OP_PREVIEW_CHARS] + "…"


class DocumentAccessInline(admin.TabularInline):
    model = DocumentAccess
    extra = 0
    raw_id_fields = ["user"]


class RecentOperationsFormSet(BaseInlineFormSet):
    # Only the newest few: a document may have hundreds of thousands.
    def get_queryset(self):
        if not hasattr(self, "_recent"):
            self._recent = list(super().get_queryset().order_by("-version").select_related("author")[:RECENT_OPERATIONS])
        return self._recent


class RecentOperationInline(admin.TabularInline):
    model = Operation
    formset = RecentOperationsFormSet
    verbose_name_plural = _("recent operations (newest first)")
    fields = readonly_fields = ["version", "kind", "preview", "author", "src", "seq", "created_at"]
    can_delete = False
    extra = 0
    show_change_link = False

    @admin.display(description=_("operation"))
    def preview(self, operation):
        return op_preview(operation)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentForm(forms.ModelForm):
    """The text is edited like any other field; saving sends the change as an op.

    The form remembers the version the text was loaded at, so the change is
    made against it and transformed over whatever others typed meanwhile.
    """

    text = forms.CharField(label=_("text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 20, "cols": 100}))
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None  # set by DocumentAdmin.get_form: whose rights decide

    class Meta:
        model = Document
        fields = ["key", "title", "visibility", "created_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["text"].initial = self.instance.content
            self.fields["loaded_version"].initial = self.instance.version
            # Each field also posts the value it was loaded with, so a change is
            # what this form changed, not what others changed since it was loaded.
            for name in self.model_fields():
                self.fields[name].show_hidden_initial = True

    def model_fields(self):
        columns = {field.name for field in Document._meta.concrete_fields}
        return [name for name in self.fields if name in columns]

    def _post_clean(self):
        kept = {name: getattr(self.instance, name) for name in self.model_fields() if name not in self.changed_data}
        super()._post_clean()
        for name, value in kept.items():
            setattr(self.instance, name, value)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if "\r" not in (self.instance.content or ""):
            # Browsers post a textarea's line breaks as CRLF; the text had none.
            text = text.replace("\r\n", "\n")
        limit = collab_settings()["MAX_DOCUMENT_BYTES"]
        if not document_fits(text, limit):
            raise forms.ValidationError(_("The text is over the limit of %(limit)s bytes."), params={"limit": limit})
        if self.instance.pk is not None and "text" in self.changed_data and not permission_policy().can_edit(self.user, self.instance):
            raise forms.ValidationError(_("You may not edit this document's text."))
        return text


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = ["__str__", "key", "version", "created_by", "updated_at", "size"]
    list_filter = ["visibility", "type"]
    search_fields = ["title", "key", "content"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]
    inlines = [DocumentAccessInline, RecentOperationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(size=Length("content"))

    @admin.display(description=_("size (characters)"), ordering="size")
    def size(self, document):
        return document.size

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["all_operations"]
        return ["key", "type", "version", "created_at", "updated_at", "all_operations"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["key", "title", "visibility", "text", "created_by"]
        return ["key", "title", "visibility", "created_by", "type", "version", "created_at", "updated_at",
                "all_operations", "text", "loaded_version"]

    @admin.display(description=_("history"))
    def all_operations(self, document):
        if document.pk is None:
            return "—"
        operations = reverse("admin:documents_operation_changelist") + f"?document__id__exact={document.pk}"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            operations, _("All %(count)s operations") % {"count": document.version},
            reverse("admin:documents_document_text_history", args=[document.pk]), _("Text at any version, restore"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.content = form.cleaned_data["text"]
            obj.created_by = obj.created_by or request.user
            obj.save()
            return
        obj.save()  # the other columns, those that changed
        if "text" in form.changed_data:
            try:
                api.replace_text(obj, form.cleaned_data["text"], user=request.user, version=form.cleaned_data["loaded_version"])
            except CollabError as error:
                messages.error(request, _("The text was not saved: %(reason)s") % {"reason": error.message})

    def get_urls(self):
        history = path("<path:object_id>/text-history/", self.admin_site.admin_view(self.text_history), name="documents_document_text_history")
        return [history, *super().get_urls()]

    def text_history(self, request, object_id):
        """The text at a chosen version, its difference from now, and restoring it as one new op."""
        document = get_object_or_404(Document, pk=object_id)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        policy = permission_policy()
        may_edit = self.has_change_permission(request, document) and policy.can_edit(request.user, document)
        try:
            version = min(max(int(request.POST.get("version") or request.GET.get("version") or document.version), 1), document.version)
        except ValueError:
            version = document.version
        text = api.text_at(document, version=version)
        if request.method == "POST":
            if not may_edit:
                raise PermissionDenied
            try:
                committed = api.replace_text(document, text or "", user=request.user)
            except CollabError as error:
                messages.error(request, _("Not restored: %(reason)s") % {"reason": error.message})
            else:
                if committed is None:
                    messages.info(request, _("Version %(version)s is the current text already.") % {"version": version})
                else:
                    messages.success(request, _("Version %(version)s restored as version %(new)s.") % {"version": version, "new": committed + 1})
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": document, "title": _("Text history"),
            "version": version, "text": text, "diff": diff_html(text or "", document.content), "may_edit": may_edit,
            "operation": Operation.objects.filter(document=document, version=version - 1).select_related("author").first(),
        }
        return TemplateResponse(request, "admin/documents/document/text_history.html", context)


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    """The log is append-only: it can be read here, never changed."""

    list_display = ["document", "version", "kind", "preview", "author", "src", "seq", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["document", "author"]
    ordering = ["document", "-version"]
    show_full_result_count = False
    list_per_page = 100

    @admin.display(description=_("operation"))
    def preview(self, operation):
        return op_preview(operation)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
