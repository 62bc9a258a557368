#!/usr/bin/python3
"""Prints the messages an aiosmtpd Mailbox sink delivered, as JSON, read with
Python's own e-mail parser: [{"to", "from", "reply_to", "subject", "message_id",
"language", "content_type", "body"}], oldest first.

    read_mail.py MAILDIR
"""
import email
import email.utils
import email.policy
import json
import mailbox
import sys

messages = []
for key, raw in mailbox.Maildir(sys.argv[1], factory=None, create=False).iteritems():
    msg = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    messages.append({
        "to": str(msg["To"]),
        "from": str(msg["From"]),
        "reply_to": str(msg["Reply-To"] or ""),
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "language": str(msg["Content-Language"] or ""),
        "content_type": text.get_content_type() if text else "",
        "charset": text.get_content_charset() if text else "",
        "body": text.get_content() if text else "",
        "date": str(msg["Date"]),
    })
messages.sort(key=lambda m: email.utils.parsedate_to_datetime(m["date"]))
json.dump(messages, sys.stdout, ensure_ascii=False)
