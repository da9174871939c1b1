"""Shared code of the Python services: a JSON HTTP server with a /health endpoint."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(service: str, default_port: int = 8000) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            ok = self.path == "/health"
            body = json.dumps({"status": "ok", "service": service} if ok else {"error": "not found"}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            print(f"{self.address_string()} {fmt % args}", flush=True)

    port = int(os.environ.get("PORT", default_port))
    print(f"{service} listening on :{port}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
