from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentAccess, Role


class TitleForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title"]


class VisibilityForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["visibility"]


def username_label():
    User = get_user_model()
    return User._meta.get_field(User.USERNAME_FIELD).verbose_name.capitalize()


class AddPersonForm(forms.Form):
    """Give someone a role, found by the user model's USERNAME_FIELD (a username, an email address…)."""

    person = forms.CharField(max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.VIEWER, _("Viewer")), (Role.EDITOR, _("Editor"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = username_label()

    def clean_person(self):
        User = get_user_model()
        value = self.cleaned_data["person"]
        people = User._default_manager.filter(**{User.USERNAME_FIELD: value})
        if any(field.name == "is_active" for field in User._meta.get_fields()):
            people = people.filter(is_active=True)
        person = people.first()
        if person is None:
            raise forms.ValidationError(_("Nobody active is called %(name)s."), params={"name": value})
        return person


class RemovePersonForm(forms.Form):
    remove = forms.ModelChoiceField(queryset=DocumentAccess.objects.none(), error_messages={
        "invalid_choice": _("That person has no role on this document (any more)."),
    })

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = document.access.all()
