"""Cookies, CSRF, content types, Content-Security-Policy, the secret key, and logs."""
from __future__ import annotations

import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from tests.security.world import FR, PASSWORD, World, snapshot_db, uid

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def w(server):
    return World(server, devices=0, name="En-têtes")


# -- cookies ------------------------------------------------------------------------------------
def _set_cookies(resp):
    return resp.raw.headers.getlist("Set-Cookie")


def test_session_cookie_is_httponly_and_samesite(w):
    r = requests.get(w.srv.url(f"/j/{w.code}"))
    cookies = [c for c in _set_cookies(r) if c.startswith("atelier=")]
    assert cookies, _set_cookies(r)
    for c in cookies:
        assert "HttpOnly" in c and re.search(r"SameSite=(Lax|Strict)", c), c
    r = requests.post(w.api("/login/organiser"), json={"password": PASSWORD})
    assert r.status_code == 200
    for c in _set_cookies(r):
        assert "HttpOnly" in c and "SameSite=" in c, c


def test_language_cookie_is_httponly_and_samesite(w):
    r = requests.get(w.srv.url("/?lang=en"))
    lang = [c for c in _set_cookies(r) if c.startswith("lang=")]
    assert lang and all("HttpOnly" in c and "SameSite=Lax" in c for c in lang)


# -- CSRF ---------------------------------------------------------------------------------------
FORMS = [
    ("/workshops", {"name": "Atelier CSRF", "password": PASSWORD}),
    ("/w/{code}/organiser/login", {"password": PASSWORD}),
    ("/w/{code}/facilitator/login", {"code": "ABCDEFGH"}),
]


@pytest.mark.parametrize("token", [None, "", "forged-token"], ids=["missing", "empty", "forged"])
@pytest.mark.parametrize("path,form", FORMS, ids=[f[0] for f in FORMS])
def test_form_posts_without_the_token_are_refused(w, path, form, token):
    s = requests.Session()
    s.get(w.srv.url(f"/w/{w.code}/organiser"))  # a browser with a session (and its own token)
    data = dict(form)
    if token is not None:
        data["csrf"] = token
    files_before = sorted(p.name for p in w.srv.data_dir.glob("*.sqlite"))
    before = snapshot_db(w.db_path)
    r = s.post(w.srv.url(path.format(code=w.code)), data=data, allow_redirects=False)
    assert r.status_code == 400, r.status_code
    assert FR["err.csrf"] in r.text
    assert sorted(p.name for p in w.srv.data_dir.glob("*.sqlite")) == files_before
    assert snapshot_db(w.db_path) == before
    assert "atelier" not in s.get(w.api("/state")).text or s.get(w.api("/state")).status_code == 401


def test_form_post_with_the_token_works(w):
    s = requests.Session()
    html = s.get(w.srv.url(f"/w/{w.code}/organiser")).text
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    r = s.post(w.srv.url(f"/w/{w.code}/organiser/login"), data={"csrf": token, "password": PASSWORD},
               allow_redirects=False)
    assert r.status_code == 302
    assert s.get(w.api("/b2b")).status_code == 200


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
def test_api_writes_must_be_json(w, content_type):
    before = snapshot_db(w.db_path)
    body = '{"id": "%s", "kind": "offer", "category": "other", "title": "Formulaire"}' % uid()
    r = w.org.post(w.api("/sheets"), data=body, headers={"Content-Type": content_type})
    assert r.status_code == 415
    assert r.json()["error"] == FR["err.json_only"]
    r = requests.post(w.srv.url("/api/workshops"), data={"name": "x", "password": PASSWORD})
    assert r.status_code == 415
    assert snapshot_db(w.db_path) == before


# -- CSP and scripts ----------------------------------------------------------------------------
class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.js_urls = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        for k, v in attrs.items():
            if k.startswith("on"):
                self.handlers.append((tag, k))
            if k in ("href", "src", "action") and v and v.strip().lower().startswith("javascript:"):
                self.js_urls.append((tag, k))


def _pages(w):
    return {
        "home": (requests.Session(), "/"),
        "participant": (w.pa, f"/j/{w.code}"),
        "participant-new": (requests.Session(), f"/j/{w.code}"),
        "organiser": (w.org, f"/w/{w.code}/organiser"),
        "organiser-login": (requests.Session(), f"/w/{w.code}/organiser"),
        "facilitator": (w.fac_session, f"/w/{w.code}/facilitator"),
        "facilitator-login": (requests.Session(), f"/w/{w.code}/facilitator"),
        "wall": (requests.Session(), f"/w/{w.code}/wall?t={w.projector_token}"),
        "wall-refused": (requests.Session(), f"/w/{w.code}/wall?t=faux"),
        "not-found": (requests.Session(), "/nulle-part"),
        "bad-code": (requests.Session(), "/j/ZZZZZZ"),
    }


PAGE_NAMES = ["home", "participant", "participant-new", "organiser", "organiser-login", "facilitator",
              "facilitator-login", "wall", "wall-refused", "not-found", "bad-code"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_has_a_csp_and_no_inline_script(w, name):
    session, path = _pages(w)[name]
    r = session.get(w.srv.url(path))
    csp = r.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp, csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    p = Scripts()
    p.feed(r.text)
    for s in p.scripts:
        assert s.get("src") or s.get("type") == "application/json", (name, s)
    assert not p.handlers, p.handlers
    assert not p.js_urls, p.js_urls
    assert PASSWORD not in r.text and w.fac["code"] not in r.text


def test_api_answers_have_the_headers_too(w):
    for r in (requests.get(w.srv.url("/api/openapi.json")), w.org.get(w.api("/state"))):
        assert "Content-Security-Policy" in r.headers and r.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_hold_no_secret(w):
    """The boot data of the staff pages carries no code, password hash or token it does not need."""
    for session, path in ((w.fac_session, f"/w/{w.code}/facilitator"), (w.pa, f"/j/{w.code}")):
        html = session.get(w.srv.url(path)).text
        assert w.projector_token not in html and w.fac["code"] not in html and "password_hash" not in html


# -- secret key and logs ------------------------------------------------------------------------
def test_secret_key_is_per_install_in_the_data_folder(server):
    key_file = server.data_dir / ".secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    assert len(key) >= 32
    for path in [*ROOT.glob("app/**/*.py"), *ROOT.glob("*.py"), *ROOT.glob("*.cfg"), *ROOT.glob("*.toml")]:
        assert key not in path.read_bytes(), path
    assert not re.search(r"SECRET_KEY\s*=\s*['\"]", "\n".join(p.read_text() for p in ROOT.glob("app/**/*.py")))


def test_a_new_install_gets_its_own_key(tmp_path):
    from app.registry import load_secret_key

    a, b = load_secret_key(tmp_path / "one"), load_secret_key(tmp_path / "two")
    assert a != b and load_secret_key(tmp_path / "one") == a
    assert stat.S_IMODE((tmp_path / "one" / ".secret_key").stat().st_mode) == 0o600


def test_no_secret_in_the_server_log(server, w):
    # sign-ins (good and bad), a facilitator code, the wall link, a refused form: then read the log
    requests.post(w.api("/login/organiser"), json={"password": PASSWORD})
    requests.post(w.api("/login/organiser"), json={"password": PASSWORD + "-faux"})
    requests.post(w.api("/login/facilitator"), json={"code": w.fac["code"]})
    requests.get(w.srv.url(f"/w/{w.code}/wall"), params={"t": w.projector_token})
    requests.get(w.srv.url(f"/w/{w.code}/facilitator"), params={"code": w.fac["code"]})
    log = Path(server.log_path).read_text(encoding="utf-8", errors="replace")
    for secret in (PASSWORD, w.fac["code"], w.projector_token, "password_hash", "scrypt:", "pbkdf2:"):
        assert secret not in log, secret
    session_cookie = next(c.value for c in w.org.cookies if c.name == "atelier")
    assert session_cookie not in log
