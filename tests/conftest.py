"""Shared fixtures: real SQLite files in temporary folders, and helpers."""
from __future__ import annotations

import uuid

import pytest

from app.registry import Registry
from app.services import workshops

ORGANISER = {"role": "organiser", "id": "organiser", "label": "Organisateur·rice", "org": None}


def uid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def registry(tmp_path):
    reg = Registry(tmp_path / "sessions")
    yield reg
    reg.close()


@pytest.fixture
def ws(registry):
    """An empty live workshop, password 'motdepasse'."""
    return workshops.create(registry, {"name": "Atelier de test", "date": "2026-11-26", "venue": "Salle des fêtes",
                                       "password": "motdepasse"})


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One real server per test worker (rate limits off; rate-limit tests start their own)."""
    from tests.live import Server

    srv = Server(tmp_path_factory.mktemp("live") / "sessions").start()
    yield srv
    srv.stop()


# -- the browser (Debian's chromium driven by Playwright), one per test worker ------------------------------
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield b
    b.close()
