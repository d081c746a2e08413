"""Local, transparent classification of job-search e-mail: no message leaves the server."""
from services.mailbox.classify.classifier import CLASSES, Classification, classify, classify_bytes
from services.mailbox.classify.parse import ParsedMail, parse_message

__all__ = ["CLASSES", "Classification", "ParsedMail", "classify", "classify_bytes", "parse_message"]
