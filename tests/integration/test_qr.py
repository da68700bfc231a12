"""The join QR decodes, with an independent decoder (zbarimg), to the join URL, which serves the join page."""
import shutil
import subprocess

import requests


def test_join_qr_decodes_to_the_join_url_that_serves_the_join_page(server, tmp_path):
    assert shutil.which("zbarimg"), "zbar-tools must be installed (.ci/run does it)"
    ws, organiser = server.new_workshop()
    png = requests.get(server.url(f"/w/{ws['code']}/qr.png"))
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    path = tmp_path / "qr.png"
    path.write_bytes(png.content)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip()
    assert url == ws["join_url"] == f"{server.base}/j/{ws['code']}"
    page = requests.get(url)
    assert page.status_code == 200
    assert "Choisissez votre structure" in page.text


def test_table_qr_preselects_the_table(server, tmp_path):
    ws, _ = server.new_workshop()
    path = tmp_path / "t.png"
    path.write_bytes(requests.get(server.url(f"/w/{ws['code']}/qr.png?t=4")).content)
    url = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True).stdout.strip()
    assert url.endswith(f"/j/{ws['code']}?t=4")
    assert '"table": 4' in requests.get(url).text


def test_code_is_short_and_unambiguous(server):
    ws, _ = server.new_workshop()
    assert len(ws["code"]) == 6
    assert not set(ws["code"]) & set("01OIL")
    assert requests.get(server.url(f"/j/{ws['code'].lower()}")).status_code == 200
