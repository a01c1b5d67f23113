"""On PostgreSQL, text its columns cannot hold (NUL) is refused as a bad op, and the document goes on;
a document created through collab.api with it is refused with the same code, and one saved through the
ORM with a clear error, not the database's."""

from tests.support.live import ShareDBClients


def test_an_op_inserting_nul_is_refused_with_a_clear_error_and_the_next_op_commits(servers):
    [(_, site)] = servers(1)
    site.create_user("nul-writer")
    clients = ShareDBClients(site)
    try:
        clients.open("writer", "nul-writer")
        clients("create", name="writer", id="nul-doc", text="ab")
        refused = clients("submitAndWait", name="writer", id="nul-doc", op=[1, "\x00"])
        assert (refused["error"], refused["data"]) == ("ERR_OT_OP_BADLY_FORMED", "ab")  # rolled back by the client
        assert clients("submitAndWait", name="writer", id="nul-doc", op=[1, "-"])["error"] is None
        assert site.query("SELECT content, version FROM documents_document WHERE key = ?", "nul-doc") == [("a-b", 2)]
    finally:
        clients.close()


# In a management command's process, as a task or a view of the site would.
NUL_FROM_PYTHON = """
from collab import api
from documents.models import Document
try:
    api.create_document('nul-api', 'a\\x00b')
except Exception as error:
    print('api:', type(error).__name__, error.code, Document.objects.filter(key='nul-api').exists())
document = Document.objects.create(key='nul-title', title='before')
document.title = 'a\\x00b'
try:
    document.save()
except Exception as error:
    print('orm:', type(error).__name__, Document.objects.get(key='nul-title').title)
"""


def test_nul_from_python_code_is_refused_with_a_clear_error_before_the_database(servers):
    [(_, site)] = servers(1)
    output = site.manage_shell(NUL_FROM_PYTHON).splitlines()
    assert output[-2:] == ["api: CollabError ERR_OT_OP_BADLY_FORMED False", "orm: NulCharacterError before"]
