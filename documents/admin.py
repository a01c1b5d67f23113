from django.contrib import admin
from django.db.models.functions import Length
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # The text changes only through operations, so the log stays the history.
        if obj is None:
            return ["all_operations"]
        return ["key", "type", "content", "version", "created_at", "updated_at", "all_operations"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["key", "title", "visibility", "content", "created_by"]
        return ["key", "title", "visibility", "created_by", "type", "version", "created_at", "updated_at", "all_operations", "content"]

    @admin.display(description=_("history"))
    def all_operations(self, document):
        if document.pk is None:
            return "—"
        url = reverse("admin:documents_operation_changelist") + f"?document__id__exact={document.pk}"
        return format_html('<a href="{}">{}</a>', url, _("All %(count)s operations") % {"count": document.version})

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by = obj.created_by or request.user
        obj.save()


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
