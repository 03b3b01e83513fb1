"""A gunicorn the test owns: started on a free loopback port, killed by its own pids."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after its ")" are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


class Server:
    def __init__(
        self, database_url: str, workdir: Path, workers: int = 4, options: tuple[str, ...] = ()
    ) -> None:
        self.database_url, self.workdir, self.workers = database_url, workdir, workers
        self.options = options  # more gunicorn options (bench/http_load.py tries some)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "KETNAP_SECRET_KEY": "faults"}
        self.log = open(self.workdir / f"gunicorn-{self.port}.log", "ab")
        # cwd: the app keeps its instance folder (attachments) under the working directory.
        self.process = subprocess.Popen(
            [
                str(BIN),
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                *self.options,
                "web:create_app()",
            ],
            cwd=self.workdir,
            env={**env, "PYTHONPATH": str(Path(__file__).parents[2])},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_ready(timeout)
        except BaseException:
            # A fixture that fails to start never reaches its teardown: stop here, or the
            # master and its workers outlive the test and load every test after it.
            self.stop()
            raise

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until every worker is up and the app answers (bounded by ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: see {self.log.name}"
            try:
                if requests.get(self.base + "/api/v1/tasks", timeout=2).status_code == 401:
                    if len(self.workers_pids()) == self.workers:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {timeout} s: see {self.log.name}")

    def workers_pids(self) -> list[int]:
        return children(self.process.pid)

    def kill_worker(self) -> int:
        """kill -9 one worker (the master starts a new one)."""
        pid = self.workers_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """kill -9 the master and its workers, as a crash of the machine's server would."""
        pids = [self.process.pid, *self.workers_pids()]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pids[1:]) and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            workers = self.workers_pids()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                for pid in [self.process.pid, *workers]:
                    _kill_quietly(pid)
                self.process.wait(5)
        self.log.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
