from django.core.management.base import BaseCommand, CommandError

from collab.integrity import examine
from collab.management.commands._documents import documents_named


class Command(BaseCommand):
    help = "Check that documents agree with their operation logs: versions contiguous, text and milestones replayed."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="document keys (default: every document)")

    def handle(self, *args, keys, **options):
        checked, damaged = 0, []
        for document in documents_named(keys):
            checked += 1
            finding = examine(document)
            for problem in finding.problems:
                self.stderr.write(f"{document.key}: {problem}")
            if finding.problems:
                damaged.append(document.key)
        if damaged:
            raise CommandError(f"{len(damaged)} of {checked} documents disagree with their logs: run collab_repair {' '.join(damaged[:5])}{' …' if len(damaged) > 5 else ''}")
        self.stdout.write(f"{checked} documents checked: all agree with their logs.")
