"""`asista worker` and `asista serve` as real processes: they start, answer, and stop cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE"}}
    env["ASISTA_VAR_DIR"] = str(tmp_path / "var")
    return env


def _wait_for(output: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in output.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in:\n{output.read_text(errors='replace')}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_worker_stops_gracefully_on_ctrl_c_and_sigterm(tmp_path: Path, signum: int) -> None:
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "asista", "worker", "--workers", "2"],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(log, "Asista worker: 2 thread(s)")
            time.sleep(1)
            worker.send_signal(signum)
            assert worker.wait(timeout=20) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
    assert "Shutting down gracefully" in log.read_text()


def test_serve_answers_healthz_and_stops_both_children_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "asista", "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "2"],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            body = _get_when_up(f"http://127.0.0.1:{port}/healthz")
            assert b'"database": "ok"' in body and b'"queue": "ok"' in body
            _wait_for(log, "Asista worker:")
            serve.send_signal(signal.SIGTERM)
            assert serve.wait(timeout=45) == 0
        finally:
            if serve.poll() is None:
                serve.kill()
    text = log.read_text()
    assert "Shutting down: Master" in text and "Shutting down gracefully" in text


def _get_when_up(url: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
