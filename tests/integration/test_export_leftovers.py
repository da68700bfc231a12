"""Export files left in the data folder by a server killed during a download (megabytes each) are
removed when the server starts again; a recent one (a hosted process sharing the folder may be
serving it) stays."""
from __future__ import annotations

import os
import time

import pytest

from tests.live import Server, until

pytestmark = pytest.mark.timeout(120)


def test_leftover_export_files_go_at_start_up(tmp_path):
    data = tmp_path / "sessions"
    out = data / ".exports"
    out.mkdir(parents=True)
    old, fresh, other = out / "export-abc.part", out / "export-def.part", out / "notes.txt"
    for p in (old, fresh, other):
        p.write_bytes(b"%PDF-1.7 ...")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    srv = Server(data).start()
    try:
        assert until(lambda: not old.exists(), timeout=30)
        assert fresh.exists() and other.exists()
    finally:
        srv.stop()
