"""A local server leaves out the libraries python-socketio imports for its clients and its Redis manager
(12 MB of memory); hosted mode keeps redis. Checked in a fresh interpreter, as ``run.py serve`` starts."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from atelier.__main__ import _leave_out_unused
_leave_out_unused(sys.argv[1:])
import socketio, engineio
from app import create_app
import tempfile
create_app({"DATA_DIR": tempfile.mkdtemp(), "ASYNC_MODE": "threading"})
print(json.dumps({m: sys.modules.get(m) is not None for m in ("redis", "requests", "websocket", "flask_socketio")}))
"""


def _loaded(*argv, env=None):
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_local_server_starts_without_the_socketio_clients_and_redis():
    assert _loaded("serve", "--port", "5000") == {"redis": False, "requests": False, "websocket": False,
                                                 "flask_socketio": True}


def test_hosted_mode_keeps_redis():
    assert _loaded("serve", "--message-queue", "redis://127.0.0.1:6379/0")["redis"] is True
    import os

    env = {**os.environ, "ATELIER_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0"}
    assert _loaded("serve", env=env)["redis"] is True
