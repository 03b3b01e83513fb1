"""An nginx the test owns, in front of a gunicorn: the repo's site file
(deploy/nginx/ketnap.conf) as written, but for the lines a deployer changes anyway —
listen addresses (free loopback ports here), the upstream's port and the certificate
(a throwaway one, made by openssl) — inside a main config of its own whose pid, logs
and temporary files stay in the test's directory. Started in the foreground
(``daemon off``) and stopped by its own pid.

Without nginx (``scripts/ensure-nginx.sh`` installs it for ``make test``) the tests
that need it skip, except in CI, where they fail."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .gunicorn import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy/nginx/ketnap.conf"
BIN = Path("/usr/sbin/nginx")
#: The README's gunicorn address, which the site file's upstream names.
UPSTREAM = "127.0.0.1:8000"

MAIN = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/ketnap.conf;
}}
"""


def require_nginx() -> None:
    """Skip without nginx and openssl, or fail in CI (where nothing may skip)."""
    missing = [
        name for name, found in (("nginx", BIN.exists()), ("openssl", _openssl())) if not found
    ]
    if not missing:
        return
    message = f"{' and '.join(missing)} not installed (scripts/ensure-nginx.sh installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def _openssl() -> str | None:
    return shutil.which("openssl")


def _replace(text: str, pattern: str, new: str, count: int) -> str:
    """``pattern`` replaced by ``new``: it must match ``count`` lines of the site file, or
    the file changed and this helper no longer renders what a deployer would run."""
    text, found = re.subn(pattern, new, text, flags=re.MULTILINE)
    assert found == count, f"{SITE.name}: {pattern!r} matched {found} lines, not {count}"
    return text


def render_site(upstream_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """The site file with this test's ports and certificate; every other line as written."""
    text = SITE.read_text(encoding="utf-8")
    text = _replace(
        text, rf"^(\s*server) {re.escape(UPSTREAM)};", rf"\1 127.0.0.1:{upstream_port};", 1
    )
    text = _replace(text, r"^\s*listen \[::\]:.*\n", "", 2)  # no IPv6 on the test's loopback
    text = _replace(text, r"^(\s*listen) 80;", rf"\1 127.0.0.1:{http_port};", 1)
    text = _replace(text, r"^(\s*listen) 443 ssl", rf"\1 127.0.0.1:{https_port} ssl", 1)
    text = _replace(text, r"^(\s*ssl_certificate) \S+;", rf"\1 {cert};", 1)
    return _replace(text, r"^(\s*ssl_certificate_key) \S+;", rf"\1 {key};", 1)


class Nginx:
    """nginx from the repo's site file in front of ``upstream_port`` (a gunicorn)."""

    def __init__(self, upstream_port: int, workdir: Path) -> None:
        self.dir = workdir / "nginx"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.http_port, self.https_port = free_port(), free_port()
        self.base = f"https://127.0.0.1:{self.https_port}"
        self.cert, self.key = self.dir / "cert.pem", self.dir / "key.pem"
        self.upstream_port = upstream_port
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> None:
        self._certificate()
        (self.dir / "ketnap.conf").write_text(
            render_site(self.upstream_port, self.http_port, self.https_port, self.cert, self.key)
        )
        (self.dir / "nginx.conf").write_text(MAIN.format(dir=self.dir))
        self.log = open(self.dir / "stderr.log", "ab")
        self.process = subprocess.Popen(
            [
                str(BIN),
                "-p",
                str(self.dir),
                "-e",
                str(self.dir / "error.log"),
                "-c",
                str(self.dir / "nginx.conf"),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_listening(timeout)
        except BaseException:
            self.stop()  # a fixture that fails to start never reaches its teardown
            raise

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.errors()
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx not listening after {timeout} s: {self.errors()}")

    def _certificate(self) -> None:
        """A self-signed certificate for 127.0.0.1, which the test's clients trust."""
        subprocess.run(
            [
                str(_openssl()),
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )

    def errors(self) -> str:
        parts = [self.dir / "stderr.log", self.dir / "error.log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown: the workers go too
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process:
            self.log.close()
