from django.conf import settings
from django.db import models, router, transaction
from django.urls import reverse
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


class EngineFieldError(ValueError):
    """Code tried to write a column that only committed operations may change."""


class NulCharacterError(ValueError):
    """Text with NUL (U+0000), which PostgreSQL's text columns cannot hold: refused on every database."""


class DocumentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        raise EngineFieldError(
            "Documents cannot be bulk-created: each needs its create operation. "
            "Use Document.objects.create(...) or collab.api.create_document(...) for each."
        )


class Document(models.Model):
    """The current text of a document; its history is the Operation log.

    `content`, `version`, `type` and `access_revision` belong to the engine:
    they change only by committing operations (collab.api, the WebSocket),
    never by save(). A save writes only the other columns that changed since
    the row was read, so a stale instance cannot undo someone else's rename,
    and a document saved for the first time logs its create operation.
    """

    ENGINE_FIELDS = frozenset({"content", "version", "type", "access_revision"})
    TEXT_FIELDS = frozenset({"key", "title", "content"})  # where NUL is refused (PostgreSQL cannot store it)

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
    access_revision = models.PositiveBigIntegerField(
        _("access revision"), default=0, editable=False,
        help_text=_("Goes up whenever roles or visibility change, so that open connections re-check their rights."),
    )

    class Meta:
        db_table = "documents_document"
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at"]

    objects = DocumentQuerySet.as_manager()

    def __str__(self):
        return self.title or self.key

    def get_absolute_url(self):
        # The pages' URL names, namespaced: `include("frontend.urls")` in the site's urls.py.
        return reverse("collab:editor", args=[self.key])

    @classmethod
    def from_db(cls, db, field_names, values):
        document = super().from_db(db, field_names, values)
        document._remember()
        return document

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._remember()

    def _remember(self):
        self._loaded = {f.attname: self.__dict__[f.attname] for f in self._meta.concrete_fields if f.attname in self.__dict__}

    def _changed_fields(self):
        loaded = getattr(self, "_loaded", {})
        return {
            field.name for field in self._meta.concrete_fields
            if not field.primary_key and field.attname in self.__dict__
            and (field.attname not in loaded or self.__dict__[field.attname] != loaded[field.attname])
        }

    def save(self, *args, update_fields=None, **kwargs):
        if self._state.adding and not kwargs.get("force_update"):
            return self.save_new(*args, **kwargs)
        changed = self._changed_fields()
        wanted = changed if update_fields is None else set(update_fields)
        engine_owned = wanted & changed & self.ENGINE_FIELDS if update_fields is None else wanted & self.ENGINE_FIELDS
        if engine_owned:
            raise EngineFieldError(
                f"Document.{', '.join(sorted(engine_owned))} changes only by committing operations: use "
                "collab.api.replace_text(document, text) or collab.api.submit(document, op), not save()."
            )
        wanted -= {"updated_at"}
        if not wanted:
            return
        self.refuse_nul(self.TEXT_FIELDS & wanted)
        super().save(*args, update_fields=wanted | {"updated_at"}, **kwargs)
        self._remember()

    def save_new(self, *args, src="", seq=None, **kwargs):
        """Insert the document at version 1 with its create operation (version 0), in one transaction.

        `src` and `seq` identify the submitting connection when the create came over the wire.
        """
        self.refuse_nul(self.TEXT_FIELDS)
        self.type, self.version = TEXT_UNICODE, 1
        kwargs.pop("force_insert", None)
        with transaction.atomic(using=router.db_for_write(Document, instance=self)):
            super().save(*args, force_insert=True, **kwargs)
            Operation.objects.create(
                document=self, version=0, kind=Operation.Kind.CREATE,
                op=create_payload(self.content), src=src, seq=seq, author=self.created_by,
            )
        self._remember()
        return self

    def refuse_nul(self, names):
        for name in sorted(names):
            value = getattr(self, name, None)
            if isinstance(value, str) and "\x00" in value:
                raise NulCharacterError(f"Document.{name} may not contain NUL (U+0000), which PostgreSQL cannot store")


def create_payload(data):
    """What a create operation records, as ShareDB sends it: {type, data}."""
    return {"type": TEXT_UNICODE, "data": data}


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


class Milestone(models.Model):
    """The text after `version` ops, kept every COLLAB["MILESTONE_INTERVAL"] versions,
    so reading an old version replays at most that many ops."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="milestones")
    version = models.PositiveBigIntegerField(_("version"))
    type = models.CharField(_("OT type"), max_length=100, blank=True)
    content = models.TextField(_("content"), blank=True)
    # Who wrote each character, as runs [[length, author pk or null], ...]; null until first asked for.
    authors = models.JSONField(_("authors"), null=True, blank=True)

    class Meta:
        db_table = "documents_milestone"
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="documents_milestone_unique_version"),
        ]

    def __str__(self):
        return f"{self.document_id} at v{self.version}"


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
