"""ShareDB's error codes (lib/error.js) that this server sends, and the error that carries one."""


class ErrorCode:
    MESSAGE_BADLY_FORMED = "ERR_MESSAGE_BADLY_FORMED"
    OT_OP_BADLY_FORMED = "ERR_OT_OP_BADLY_FORMED"
    OT_OP_NOT_PROVIDED = "ERR_OT_OP_NOT_PROVIDED"
    DOC_ALREADY_CREATED = "ERR_DOC_ALREADY_CREATED"
    DOC_DOES_NOT_EXIST = "ERR_DOC_DOES_NOT_EXIST"
    DOC_WAS_DELETED = "ERR_DOC_WAS_DELETED"
    DOC_TYPE_NOT_RECOGNIZED = "ERR_DOC_TYPE_NOT_RECOGNIZED"
    OP_SUBMIT_REJECTED = "ERR_OP_SUBMIT_REJECTED"
    OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT = "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT"
    MAX_SUBMIT_RETRIES_EXCEEDED = "ERR_MAX_SUBMIT_RETRIES_EXCEEDED"
    SUBMIT_TRANSFORM_OPS_NOT_FOUND = "ERR_SUBMIT_TRANSFORM_OPS_NOT_FOUND"
    SNAPSHOT_READS_REJECTED = "ERR_SNAPSHOT_READS_REJECTED"
    PRESENCE_TRANSFORM_FAILED = "ERR_PRESENCE_TRANSFORM_FAILED"
    PROTOCOL_VERSION_NOT_SUPPORTED = "ERR_PROTOCOL_VERSION_NOT_SUPPORTED"
    CONNECTION_SEQ_INTEGER_OVERFLOW = "ERR_CONNECTION_SEQ_INTEGER_OVERFLOW"
    # Not in ShareDB: queries need a query language this server does not have yet.
    QUERIES_NOT_SUPPORTED = "ERR_QUERIES_NOT_SUPPORTED"
    # Not in ShareDB, which has no limits: the COLLAB limits (docs/security.md).
    MESSAGE_TOO_LARGE = "ERR_MESSAGE_TOO_LARGE"
    DOC_TOO_LARGE = "ERR_DOC_TOO_LARGE"
    RATE_LIMITED = "ERR_RATE_LIMITED"
    LIMIT_EXCEEDED = "ERR_LIMIT_EXCEEDED"
    # Not in ShareDB: a document whose row disagrees with its log (collab_repair mends it).
    LOG_OUT_OF_STEP = "ERR_LOG_OUT_OF_STEP"
    UNKNOWN_ERROR = "ERR_UNKNOWN_ERROR"


class CollabError(Exception):
    """A refusal the client is told about as `error: {code, message}`."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_wire(self):
        return {"code": self.code, "message": self.message}
