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


class AddPersonForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.VIEWER, _("Viewer")), (Role.EDITOR, _("Editor"))])

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user is called %(name)s."), params={"name": username})
        return user


class RemovePersonForm(forms.Form):
    remove = forms.ModelChoiceField(queryset=DocumentAccess.objects.none(), error_messages={
        "invalid_choice": _("That person has no role on this document (any more)."),
    })

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = document.access.all()
