#!/usr/bin/python3
"""Fetches a calendar feed over HTTP and prints it as JSON, read with Debian's
python3-icalendar: {"status", "content_type", "referrer_policy", "method",
"name", "refresh", "events": [{"uid", "sequence", "status", "start", "summary", "location"}]};
for an answer other than 200: {"status", "body"}.

    fetch_feed.py URL [METHOD]
"""
import json
import sys
import urllib.error
import urllib.request

import icalendar

url = sys.argv[1]
method = sys.argv[2] if len(sys.argv) > 2 else "GET"
try:
    with urllib.request.urlopen(urllib.request.Request(url, method=method,
                                                       data=b"" if method == "POST" else None)) as r:
        body = r.read().decode("utf-8")
        cal = icalendar.Calendar.from_ical(body)
        print(json.dumps({
            "status": r.status,
            "content_type": r.headers["Content-Type"],
            "referrer_policy": r.headers["Referrer-Policy"],
            "method": str(cal["METHOD"]),
            "name": str(cal.get("X-WR-CALNAME", "")),
            "refresh": str(cal.get("X-PUBLISHED-TTL", "")),
            "events": [{
                "uid": str(e["UID"]),
                "sequence": int(e["SEQUENCE"]),
                "status": str(e["STATUS"]),
                "start": e.decoded("DTSTART").isoformat(),
                "summary": str(e["SUMMARY"]),
                "location": str(e.get("LOCATION", "")),
            } for e in cal.walk("VEVENT")],
        }, ensure_ascii=False))
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "body": e.read().decode("utf-8")}))
