from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from collab import store
from collab.integrity import examine
from collab.management.commands._documents import documents_named
from documents.models import Milestone


class Command(BaseCommand):
    help = "Rebuild documents that disagree with their operation logs (text, type, version and milestones) from the log."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="document keys (default: every document)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be repaired, change nothing")

    def handle(self, *args, keys, dry_run, **options):
        repaired, beyond = 0, []
        for document in documents_named(keys):
            finding = examine(document)
            if not finding.problems:
                continue
            if finding.rebuilt is None:
                beyond.append(document.key)
                self.stderr.write(f"{document.key}: cannot be rebuilt: {'; '.join(finding.problems)}")
                continue
            self.stdout.write(f"{document.key}: {'would rebuild' if dry_run else 'rebuilt'} at version {finding.rebuilt[2]} ({'; '.join(finding.problems)})")
            if not dry_run:
                rebuild(document, finding)
                repaired += 1
        if beyond:
            raise CommandError(f"{len(beyond)} documents have operations missing from their logs: restore them from a backup")
        self.stdout.write(f"{repaired} documents repaired." if not dry_run else "Dry run: nothing changed.")


def rebuild(document, finding):
    type_uri, text, version = finding.rebuilt
    with transaction.atomic():
        store.set_head(document.pk, type_uri, text, version)
        for milestone_version, (milestone_type, milestone_text) in finding.milestones.items():
            Milestone.objects.filter(document=document, version=milestone_version).update(type=milestone_type, content=milestone_text)
        Milestone.objects.filter(document=document, version__gt=version).delete()
