from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.keys import MAX_KEY_LENGTH, generate_key, validate_key

TEXT_UNICODE = "http://sharejs.org/types/text-unicode"


def now_ms():
    """The current time to the millisecond, as ShareDB timestamps ops (fetch by timestamp compares ms)."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private: only people given a role")
    LINK_VIEW = "link_view", _("Anyone signed in with the link can view")
    LINK_EDIT = "link_edit", _("Anyone signed in with the link can edit")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    OWNER = "owner", _("Owner")


class Document(models.Model):
    """The current text of a document; its history is the Operation log."""

    key = models.CharField(
        _("key"), max_length=MAX_KEY_LENGTH, unique=True, default=generate_key, validators=[validate_key],
        help_text=_("The document id on the wire and in the URL."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Empty while the document does not exist on the wire (never created, or deleted).
    type = models.CharField(_("OT type"), max_length=100, blank=True, default=TEXT_UNICODE)
    content = models.TextField(_("content"), blank=True)
    version = models.PositiveBigIntegerField(_("version"), default=0, help_text=_("Number of committed operations."))
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "documents_document"
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title or self.key


class Operation(models.Model):
    """One committed operation: applied to `version`, it produced `version + 1`."""

    class Kind(models.TextChoices):
        CREATE = "create", _("create")
        EDIT = "edit", _("edit")
        DELETE = "delete", _("delete")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="operations")
    version = models.PositiveBigIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    # create: {"type": uri, "data": text}; edit: the text-unicode op; delete: null.
    op = models.JSONField(_("operation"), null=True, blank=True)
    src = models.CharField(_("source connection"), max_length=64, blank=True)
    seq = models.PositiveBigIntegerField(_("sequence number"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("committed"), default=now_ms)

    class Meta:
        db_table = "documents_operation"
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["document", "version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="documents_operation_unique_version"),
        ]
        indexes = [
            models.Index(fields=["document", "src", "seq"], name="documents_op_src_seq"),
            models.Index(fields=["document", "created_at"], name="documents_op_created"),
        ]

    def __str__(self):
        return f"{self.document_id} v{self.version} {self.kind}"


class DocumentAccess(models.Model):
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="document_access")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        db_table = "documents_access"
        verbose_name = _("access role")
        verbose_name_plural = _("access roles")
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="documents_access_unique_user"),
        ]

    def __str__(self):
        return f"{self.user} {self.role} {self.document}"
