"""The difference between two texts, as HTML for a page: removed text in <del>, added in <ins>."""

from diff_match_patch import diff_match_patch
from django.utils.html import format_html_join

TAGS = {diff_match_patch.DIFF_DELETE: "del", diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_EQUAL: "span"}


def diff_html(old, new):
    differ = diff_match_patch()
    differ.Diff_Timeout = 1.0
    diffs = differ.diff_main(old, new)
    differ.diff_cleanupSemantic(diffs)  # for reading: whole words, not scattered letters
    return format_html_join("", "<{}>{}</{}>", ((TAGS[kind], text, TAGS[kind]) for kind, text in diffs))
