"""Whether a document agrees with its operation log, and what it should be if not.

The log is the history: versions 0 … n-1 with none missing, replaying to
the document's type and text at version n, and to each milestone's at
its version. collab_check reports what disagrees; collab_repair rebuilds
the document (and its milestones) from the log.
"""

from dataclasses import dataclass, field

from collab import history, store
from documents.models import Milestone


@dataclass
class Finding:
    key: str
    problems: list = field(default_factory=list)
    rebuilt: tuple | None = None  # (type, text, version) from the log, when the log is whole
    milestones: dict = field(default_factory=dict)  # version -> (type, text) the log gives


def examine(document):
    """A Finding for the document: empty problems when it agrees with its log."""
    finding = Finding(document.key)
    rows = store.ops_between(document.pk, 0)
    versions = [row.version for row in rows]
    if versions != list(range(len(rows))):
        missing = sorted(set(range(versions[-1] + 1 if versions else 0)) - set(versions))
        finding.problems.append(f"operations missing from the log at versions {missing[:10]}{'…' if len(missing) > 10 else ''}")
        return finding
    wanted = set(Milestone.objects.filter(document=document).values_list("version", flat=True))
    type_uri, text = None, None
    for row in rows:
        type_uri, text = history.replay([row], type_uri, text)
        if row.version + 1 in wanted:
            finding.milestones[row.version + 1] = (type_uri or "", text or "")
    finding.rebuilt = (type_uri or "", text if type_uri else "", len(rows))
    if document.version != len(rows):
        finding.problems.append(f"at version {document.version} while the log has {len(rows)} operations")
    if (document.type, document.content if document.type else "") != finding.rebuilt[:2]:
        finding.problems.append("its text differs from what the log replays to")
    for milestone in Milestone.objects.filter(document=document):
        if milestone.version not in finding.milestones:
            finding.problems.append(f"milestone at version {milestone.version} lies past the log")
        elif (milestone.type, milestone.content) != finding.milestones[milestone.version]:
            finding.problems.append(f"milestone at version {milestone.version} differs from the log")
    return finding
