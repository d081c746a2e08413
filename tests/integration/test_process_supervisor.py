"""`make run-split`'s supervisor: a process that dies is started again; Ctrl-C stops them all."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from rebound.process_supervisor import read_procfile
from support import wait_for

pytestmark = pytest.mark.integration


def test_read_procfile_keeps_order_and_skips_comments(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("# the web\nweb: exec rebound run frontend\n\nworker: exec x: y\n")
    assert read_procfile(procfile) == {"web": "exec rebound run frontend", "worker": "exec x: y"}


def test_a_dying_process_is_restarted_and_ctrl_c_stops_everything(tmp_path):
    (tmp_path / "Procfile").write_text(
        "crasher: echo up; exit 3\n"
        f"steady: echo $$ > {tmp_path}/steady.pid; exec sleep 120\n")
    log = open(tmp_path / "out.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "rebound.process_supervisor", str(tmp_path / "Procfile")],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    text = lambda: (tmp_path / "out.log").read_text()  # noqa: E731
    try:
        wait_for(lambda: len(re.findall(r"crasher +\| started", text())) >= 3, timeout=15, message=text)
        assert "exited with 3; restarting in 1 s" in text() and "restarting in 2 s" in text()
        steady_pid = int(wait_for(lambda: (tmp_path / "steady.pid").exists()
                                  and (tmp_path / "steady.pid").read_text().strip()))
        assert len(re.findall(r"steady +\| started", text())) == 1, "the steady process was restarted"
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert time.monotonic() - started < 10
        wait_for(lambda: not _alive(steady_pid), timeout=2, message="the steady process outlived Ctrl-C")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
