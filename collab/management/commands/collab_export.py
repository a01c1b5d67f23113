from pathlib import Path

from django.core.management.base import BaseCommand

from collab.management.commands._documents import documents_named


class Command(BaseCommand):
    help = "Write documents' current text to <folder>/<key>.txt (UTF-8); deleted documents are skipped."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="document keys (default: every document)")
        parser.add_argument("--to", default="export", help="folder to write into (default: ./export)")

    def handle(self, *args, keys, to, **options):
        folder = Path(to)
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for document in documents_named(keys):
            if not document.type:
                continue
            (folder / f"{document.key}.txt").write_text(document.content, encoding="utf-8")
            written += 1
        self.stdout.write(f"{written} documents written to {folder}/")
