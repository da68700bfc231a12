"""Starting on any laptop: port fallback, the address phones get, keep-awake, and what the terminal says."""
from __future__ import annotations

import socket

import pytest

from app import keepawake, netinfo, startup
from app.netinfo import Interface


class _NoWorkshops:
    def all(self):
        return []


def _listening_socket():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def test_a_taken_port_moves_to_the_next_free_one():
    s = _listening_socket()
    try:
        taken = s.getsockname()[1]
        assert not startup.port_free("127.0.0.1", taken)
        got = startup.free_port_from("127.0.0.1", taken)
        assert got is not None and got > taken and startup.port_free("127.0.0.1", got)
        assert startup.free_port_from("127.0.0.1", taken, tries=1) is None
    finally:
        s.close()


def test_banner_says_the_port_moved_before_any_address():
    lines, target = startup.banner("0.0.0.0", 5001, 5000, None, _NoWorkshops(),
                                   interfaces=[Interface("wlan0", "192.168.1.20", "wifi", default_route=True)])
    text = "\n".join(lines)
    assert "Le port 5000 est déjà utilisé" in lines[1] and "5001" in lines[1]
    assert "pour les téléphones (même wifi) : http://192.168.1.20:5001/   (wifi, wlan0)" in text
    assert target == "http://192.168.1.20:5001/"


def test_loopback_host_shows_no_lan_address_and_no_qr():
    lines, target = startup.banner("127.0.0.1", 5000, 5000, None, _NoWorkshops(),
                                   interfaces=[Interface("wlan0", "192.168.1.20", "wifi")])
    text = "\n".join(lines)
    assert "192.168.1.20" not in text and "pour les téléphones" not in text
    assert "ne pourront pas s’y connecter" in text
    assert target is None


def test_no_network_explains_the_hotspot():
    lines, target = startup.banner("0.0.0.0", 5000, 5000, None, _NoWorkshops(), interfaces=[])
    text = "\n".join(lines)
    assert "point d’accès wifi" in text and "internet n’est pas nécessaire" in text
    assert target is None


def test_several_cards_wifi_on_the_default_route_first_vpn_and_docker_last():
    ifs = netinfo.rank([
        Interface("docker0", "172.17.0.1", "virtual"),
        Interface("tun0", "10.8.0.5", "vpn"),
        Interface("enx00e04c", "192.168.50.2", "ethernet"),
        Interface("wlp2s0", "192.168.1.20", "wifi", default_route=True),
    ])
    assert [i.name for i in ifs] == ["wlp2s0", "enx00e04c", "tun0", "docker0"]
    lines, _ = startup.banner("0.0.0.0", 5000, 5000, None, _NoWorkshops(), interfaces=ifs)
    text = "\n".join(lines)
    assert "pour les téléphones (même wifi) : http://192.168.1.20:5000/" in text
    assert "autre adresse possible : http://10.8.0.5:5000/   (VPN, tun0)" in text
    assert "Plusieurs réseaux" in text


def test_a_down_interface_is_never_first_even_on_the_default_route():
    ifs = netinfo.rank([Interface("eth0", "192.168.0.9", "ethernet", up=False, default_route=True),
                        Interface("Wi-Fi", "192.168.1.20", "wifi")])
    assert ifs[0].name == "Wi-Fi"


@pytest.mark.parametrize("name,kind", [
    ("wlan0", "wifi"), ("wlp3s0", "wifi"), ("Wi-Fi", "wifi"), ("Connexion réseau sans fil", "wifi"),
    ("eth0", "ethernet"), ("enp0s31f6", "ethernet"), ("en0", "ethernet"), ("Ethernet 2", "ethernet"),
    ("tun0", "vpn"), ("utun3", "vpn"), ("wg0", "vpn"), ("Tailscale", "vpn"), ("ppp0", "vpn"),
    ("docker0", "virtual"), ("vEthernet (WSL)", "virtual"), ("VirtualBox Host-Only Ethernet Adapter", "virtual"),
    ("vmnet8", "virtual"), ("br-1a2b3c", "virtual"), ("awdl0", "virtual"),
])
def test_interface_kinds_from_their_names_on_each_system(name, kind):
    assert netinfo.kind_of(name) == kind


def test_default_route_read_from_each_systems_table():
    linux = ("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
             "tun0\t00000000\t0108000A\t0003\t0\t0\t50\t00000000\n"
             "wlp2s0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\n"
             "wlp2s0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\n")
    assert netinfo.parse_proc_route(linux) == "tun0"  # lowest metric wins, as the kernel routes
    mac = "   route to: default\ndestination: default\n       mask: default\n    gateway: 192.168.1.1\n  interface: en0\n"
    assert netinfo.parse_route_get(mac) == "en0"
    windows = ("IPv4 Route Table\n===\nActive Routes:\nNetwork Destination        Netmask          Gateway       "
               "Interface  Metric\n          0.0.0.0          0.0.0.0      192.168.1.1     192.168.1.20     35\n"
               "          0.0.0.0          0.0.0.0        10.0.0.1        10.0.0.7     25\n")
    assert netinfo.parse_route_print(windows) == "10.0.0.7"
    assert netinfo.parse_proc_route("Iface\tDestination\n") is None
    assert netinfo.parse_route_get("") is None and netinfo.parse_route_print("garbage") is None


def test_keep_awake_starts_and_releases(monkeypatch):
    monkeypatch.setenv("WAKEPY_FAKE_SUCCESS", "1")  # wakepy's own test double
    awake = keepawake.KeepAwake()
    assert awake.start() == "awake_on" and awake.active
    awake.stop()
    assert not awake.active


def test_keep_awake_refused_by_the_system_is_said_not_fatal(monkeypatch):
    """A machine with no way to inhibit sleep (no desktop session): wakepy finds no method; we warn, go on."""
    monkeypatch.delenv("WAKEPY_FAKE_SUCCESS", raising=False)
    import wakepy

    real = wakepy.keep.running
    monkeypatch.setattr(wakepy.keep, "running", lambda **kw: real(methods=[], **kw))
    awake = keepawake.KeepAwake()
    assert awake.start() == "awake_failed" and not awake.active
    assert "impossible d’empêcher la mise en veille" in startup.msg("awake_failed")
    awake.stop()

    def broken(**kw):
        raise RuntimeError("no D-Bus")

    monkeypatch.setattr(wakepy.keep, "running", broken)
    assert keepawake.KeepAwake().start() == "awake_failed"


def test_keep_awake_off_on_request():
    awake = keepawake.KeepAwake(enabled=False)
    assert awake.start() == "awake_off" and not awake.active
    awake.stop()
