"""transcription-worker: an HTTP service with a /health endpoint, on the Python standard library only."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import job_models

SERVICE = os.environ.get("SERVICE_NAME", "transcription-worker")
PORT = int(os.environ.get("PORT", "8000"))
GREETING = "Hello from transcription-worker"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/health":
            status, body = 200, {"status": "ok", "service": SERVICE}
        elif self.path == "/":
            status, body = 200, {"message": GREETING, "service": SERVICE, "jobs": job_models.describe()}
        else:
            status, body = 404, {"error": "not found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


if __name__ == "__main__":
    print(f"{SERVICE} listening on :{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
