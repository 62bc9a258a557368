#!/usr/bin/python3
"""A local HTTP receiver standing in for an operator's SMS gateway (none runs
here) or a regional system's webhook: appends every POST as a JSON line
{"path", "authorization", "content_type", "webhook", "timestamp",
"signature", "status", "body"} to FILE and answers with STATUS (default 202),
or 503 to the first FAIL_FIRST posts (default 0).

    http_receiver.py PORT FILE [STATUS [FAIL_FIRST]]
"""
import http.server
import json
import sys

port, path = int(sys.argv[1]), sys.argv[2]
status = int(sys.argv[3]) if len(sys.argv) > 3 else 202
fail_first = [int(sys.argv[4]) if len(sys.argv) > 4 else 0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        answer = status
        if fail_first[0] > 0:
            fail_first[0] -= 1
            answer = 503
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({
                "path": self.path,
                "authorization": self.headers.get("Authorization", ""),
                "content_type": self.headers.get("Content-Type", ""),
                "webhook": self.headers.get("X-Kokemus-Webhook", ""),
                "timestamp": self.headers.get("X-Kokemus-Timestamp", ""),
                "signature": self.headers.get("X-Kokemus-Signature", ""),
                "status": answer,
                "body": body.decode("utf-8"),
            }, ensure_ascii=False) + "\n")
        self.send_response(answer)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
