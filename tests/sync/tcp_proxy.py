"""A loopback HTTP/1.1 proxy in front of the registry that can fail requests on cue.

Rules are consumed in order. "cut" forwards the request, lets the registry respond in full (so it
commits), then closes the client's connection without sending a byte of the response. "status"
answers itself with the given status and headers, without reaching the registry.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Rule:
    path_prefix: str
    action: str  # "cut" or "status"
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


class FaultyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self.seen: list[tuple[str, str, str]] = []  # (method, path, what happened)
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, rule: Rule, times: int = 1) -> None:
        with self._lock:
            self._rules.extend([rule] * times)

    def close(self) -> None:
        self._closing = True
        self._server.close()

    def _take_rule(self, path: str) -> Rule | None:
        with self._lock:
            for index, rule in enumerate(self._rules):
                if path.startswith(rule.path_prefix):
                    return self._rules.pop(index)
        return None

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                method, path, head_lines, body = request
                rule = self._take_rule(path)
                if rule is not None and rule.action == "status":
                    self.seen.append((method, path, f"status {rule.status}"))
                    client.sendall(_status_response(rule.status, rule.headers))
                    continue
                response = self._forward(method, path, head_lines, body)
                if rule is not None and rule.action == "cut":
                    self.seen.append((method, path, "cut"))
                    return
                self.seen.append((method, path, "forwarded"))
                client.sendall(response)
                return  # the registry's response carries Connection: close
        except OSError:
            return
        finally:
            reader.close()
            client.close()

    def _forward(self, method: str, path: str, head_lines: list[bytes], body: bytes) -> bytes:
        lines = [line for line in head_lines if not line.lower().startswith(b"connection:")]
        lines.append(b"Connection: close")
        with socket.create_connection(self.upstream, timeout=60) as upstream:
            upstream.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)


def _read_request(reader) -> tuple[str, str, list[bytes], bytes] | None:  # noqa: ANN001
    head_lines = []
    while True:
        line = reader.readline(65536)
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            break
        head_lines.append(line)
    method, path, _ = head_lines[0].decode("latin-1").split(" ", 2)
    length = 0
    for line in head_lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = reader.read(length) if length else b""
    return method, path, head_lines, body


def _status_response(status: int, headers: dict[str, str]) -> bytes:
    body = b'{"detail":"injected by the test proxy"}'
    lines = [f"HTTP/1.1 {status} Injected", "Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
