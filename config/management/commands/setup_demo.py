import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from documents.models import Document, Visibility

DEMO_USERNAME = "demo"
DEMO_DOCUMENT_KEY = "welcome"
DEMO_TEXT = "Welcome! Open this page in a second window and type in both.\n"


class Command(BaseCommand):
    help = "Create the demo user and the demo document if they do not exist yet."

    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(DEMO_USERNAME, password=password)
            # Printed once: the password is not stored anywhere readable.
            self.stdout.write(f"Demo login: {DEMO_USERNAME} / {password}")
        if not Document.objects.filter(key=DEMO_DOCUMENT_KEY).exists():
            Document.objects.create(
                key=DEMO_DOCUMENT_KEY, title="Welcome", content=DEMO_TEXT,
                created_by=user, visibility=Visibility.LINK_EDIT,
            )
            self.stdout.write(f"Demo document: /d/{DEMO_DOCUMENT_KEY}/")
