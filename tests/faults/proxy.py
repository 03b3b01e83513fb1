"""A TCP proxy on 127.0.0.1 in front of PostgreSQL, which a test can cut and restore.

Stopping the shared PostgreSQL server is not an option: cutting this proxy makes the
database unreachable for the app under test alone. While cut, it drops the open
connections and refuses new ones (accepts and closes them at once)."""

from __future__ import annotations

import socket
import threading

from .gunicorn import free_port


class Proxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.cut = threading.Event()
        self.closed = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.cut.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, *socks: socket.socket) -> None:
        for sock in socks:
            with self._lock:
                self._open.discard(sock)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def interrupt(self) -> None:
        """The database becomes unreachable: open connections die, new ones fail."""
        self.cut.set()
        with self._lock:
            current = list(self._open)
        self._drop(*current)

    def restore(self) -> None:
        self.cut.clear()

    def close(self) -> None:
        self.closed.set()
        self.interrupt()
        self._listener.close()
