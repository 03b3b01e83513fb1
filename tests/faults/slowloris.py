"""Slow clients (slowloris): connections that start a request and never finish it, each
sending one more byte every few seconds so that no read timeout between two bytes ends
it. Half stop inside the headers; the other half send whole headers announcing a body
and trickle the body (R.U.D.Y.). Bounded: ``count`` sockets to one loopback address, a
trickle thread that stops when closed."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path


class SlowClients:
    def __init__(
        self, port: int, count: int, *, cafile: Path | None = None, interval: float = 2.0
    ) -> None:
        """``cafile``: speak TLS (to nginx), trusting that certificate; else plain HTTP."""
        self.port, self.count, self.interval = port, count, interval
        self.context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
        self.sockets: list[socket.socket] = []
        self.open = 0  # how many were still open at the last trickle
        self.rounds = 0  # trickles sent to every open socket
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def start(self) -> None:
        for n in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if self.context is not None:
                sock = self.context.wrap_socket(sock, server_hostname="127.0.0.1")
            sock.sendall(self._opening(n))
            self.sockets.append(sock)
        self.open = len(self.sockets)
        self._thread.start()

    def _opening(self, n: int) -> bytes:
        host = f"Host: 127.0.0.1:{self.port}\r\n"
        if n % 2:
            # Headers whole, the body announced and then trickled.
            return (
                f"POST /dang-nhap HTTP/1.1\r\n{host}Content-Type: application/x-www-form-"
                "urlencoded\r\nContent-Length: 100000\r\n\r\nusername="
            ).encode()
        return f"GET /dang-nhap HTTP/1.1\r\n{host}User-Agent: slow\r\n".encode()

    def _trickle(self) -> None:
        while not self._stop.wait(self.interval):
            alive = 0
            for n, sock in enumerate(self.sockets):
                try:
                    sock.sendall(b"a" if n % 2 else b"X-Slow: a\r\n")
                    alive += 1
                except OSError:
                    pass
            self.open = alive
            self.rounds += 1

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.interval + 10)
        for sock in self.sockets:
            try:
                sock.close()
            except OSError:
                pass
