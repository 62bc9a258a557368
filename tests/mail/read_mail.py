#!/usr/bin/python3
"""Prints the messages an aiosmtpd Mailbox sink delivered, as JSON, read with
Python's own e-mail parser: [{"to", "from", "reply_to", "subject", "message_id",
"language", "content_type", "body", "calendar"}], oldest first; "calendar" is
the attached .ics read with Debian's python3-icalendar ({"method",
"content_type", "events": [{"uid", "sequence", "status", "start", "end",
"tzid", "summary", "location", "description", "attendee"}]}) or null.

    read_mail.py MAILDIR
"""
import email
import email.utils
import email.policy
import json
import mailbox
import sys

import icalendar


def calendar_of(msg):
    for part in msg.iter_attachments():
        if part.get_content_type() != "text/calendar":
            continue
        cal = icalendar.Calendar.from_ical(part.get_content())
        events = []
        for e in cal.walk("VEVENT"):
            start = e.decoded("DTSTART")
            events.append({
                "uid": str(e["UID"]),
                "sequence": int(e["SEQUENCE"]),
                "status": str(e["STATUS"]),
                "start": start.isoformat(),
                "end": e.decoded("DTEND").isoformat(),
                "tzid": str(e["DTSTART"].params.get("TZID", "")),
                "summary": str(e["SUMMARY"]),
                "location": str(e.get("LOCATION", "")),
                "description": str(e.get("DESCRIPTION", "")),
                "attendee": str(e.get("ATTENDEE", "")),
            })
        return {
            "method": str(cal["METHOD"]),
            "content_type": part["Content-Type"].split(";")[0] + ";method=" +
                            str(part["Content-Type"].params.get("method", "")),
            "filename": part.get_filename() or "",
            "events": events,
        }
    return None


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
        "calendar": calendar_of(msg),
    })
messages.sort(key=lambda m: email.utils.parsedate_to_datetime(m["date"]))
json.dump(messages, sys.stdout, ensure_ascii=False)
