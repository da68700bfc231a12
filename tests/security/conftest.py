"""Security tests; helpers live in ``tests.security.world``.

``server`` is tests/conftest.py's session server (rate limits off), started
with a longer start-up allowance: on a loaded CI machine a gevent server can
take more than 20 s to answer its first request.
"""
import pytest


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    from tests.live import Server

    srv = Server(tmp_path_factory.mktemp("live") / "sessions").start(timeout=90)
    yield srv
    srv.stop()
