#!/usr/bin/python3
"""A local HTTP receiver standing in for an operator's SMS gateway (none runs
here): appends every POST as a JSON line {"path", "authorization",
"content_type", "body"} to FILE and answers with STATUS (default 202).

    http_receiver.py PORT FILE [STATUS]
"""
import http.server
import json
import sys

port, path = int(sys.argv[1]), sys.argv[2]
status = int(sys.argv[3]) if len(sys.argv) > 3 else 202


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({
                "path": self.path,
                "authorization": self.headers.get("Authorization", ""),
                "content_type": self.headers.get("Content-Type", ""),
                "body": body.decode("utf-8"),
            }, ensure_ascii=False) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
