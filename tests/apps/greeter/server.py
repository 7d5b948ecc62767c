"""A tiny app with its own server process: the harness's example of a command app whose bugs
are environment switches. Standard library only."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STRICT_NAMES = os.environ.get("GREETER_STRICT_NAMES") == "1"
SHORT_GREETING = os.environ.get("GREETER_SHORT") == "1"

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Greeter</title></head>
<body><main>
<h1>Greeter</h1>
<label for="name">Your name</label> <input id="name">
<button id="go" type="button">Greet</button>
<p data-testid="greeting" id="out"></p>
</main>
<script>
document.getElementById('go').addEventListener('click', async () => {
  const name = document.getElementById('name').value;
  const response = await fetch('/api/greet?name=' + encodeURIComponent(name));
  document.getElementById('out').textContent =
    response.ok ? (await response.json()).greeting : 'Something went wrong';
});
</script></body></html>
"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/api/greet":
            name = parse_qs(url.query).get("name", [""])[0].strip()
            if STRICT_NAMES and " " in name:
                self._send(500, b'{"error": "internal error"}', "application/json")
                return
            greeting = "Hello!" if SHORT_GREETING or not name else f"Hello, {name}!"
            self._send(200, json.dumps({"greeting": greeting}).encode(), "application/json")
        elif url.path == "/":
            self._send(200, PAGE, "text/html; charset=utf-8")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
