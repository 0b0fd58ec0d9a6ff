"""Line endings of text people write: stored with LF only.

Browsers send a textarea's line breaks as CRLF (the HTML spec says so), API
clients and Slack send LF, old Macs CR. The operations that store post text,
comments and justifications call normalize_newlines() once, so the same post
reaches the same content hash, and saving an unchanged multi-line post in the
web never makes a new revision. `reviewq scan` and POST /scan do not: they
answer with offsets into the text exactly as it was given.

Pure: no Flask, database or clock.
"""
from __future__ import annotations


def normalize_newlines(text):
    """`text` with CRLF and lone CR turned into LF; anything that is not a str is returned as is."""
    if not isinstance(text, str) or "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
