#!/usr/bin/env python3
"""A plain static HTTP server for symbol-server tests, with the ways real servers misbehave.

    static_server.py ROOT            serves ROOT on 127.0.0.1, a free port; prints "port N"

The first path component chooses a behaviour, the rest is a file under ROOT:
    /files/NAME/ID/FILE          the file (404 when absent)
    /slow/NAME/ID/FILE           the file after 5 seconds
    /truncated/NAME/ID/FILE      a Content-Length of the file's size, half the bytes, then close
    /huge/NAME/ID/FILE           claims 10 GiB (Content-Length) and streams zeros
    /endless/NAME/ID/FILE        no Content-Length, zeros until the client stops
    /redirect/NAME/ID/FILE       302 to /files/NAME/ID/FILE
    /loop/NAME/ID/FILE           302 to itself
    /error/NAME/ID/FILE          500
Each request is printed as "GET /path" on standard output (flushed), so a test counts them.
Written for this project's tests (Python's http.server underneath).
"""
import http.server
import os
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        print(f"GET {self.path}", flush=True)
        parts = self.path.split("/")
        if len(parts) < 3:
            return self.plain(404)
        behaviour, rest = parts[1], "/".join(parts[2:])
        path = os.path.realpath(os.path.join(ROOT, rest))
        if not path.startswith(ROOT + os.sep):
            return self.plain(404)
        if behaviour == "redirect":
            return self.redirect("/files/" + rest)
        if behaviour == "loop":
            return self.redirect(self.path)
        if behaviour == "error":
            return self.plain(500)
        if behaviour in ("huge", "endless"):
            self.send_response(200)
            if behaviour == "huge":
                self.send_header("Content-Length", str(10 << 30))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(100000):
                    self.wfile.write(b"\0" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if not os.path.isfile(path):
            return self.plain(404)
        with open(path, "rb") as f:
            data = f.read()
        if behaviour == "slow":
            time.sleep(5)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if behaviour == "truncated":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def plain(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


ROOT = os.path.realpath(sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"port {server.server_address[1]}", flush=True)
server.serve_forever()
