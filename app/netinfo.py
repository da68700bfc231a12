"""The laptop's network addresses, read from its interfaces: no packet is sent.

A laptop at a venue often has several interfaces at once (wifi, ethernet,
a VPN, a docking station, virtual machines). Phones must be given the
address of the one they share a network with, which is nearly always the
interface that carries the default route. That interface is found from the
routing table (``/proc/net/route`` on Linux, ``route`` on macOS and Windows),
never by sending traffic. Interfaces come from psutil (names and up/down
state on every platform); ranking is a plain function over that data so it
can be tested with made-up interface lists.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Interface:
    name: str          # as the system names it: "wlan0", "Wi-Fi", "en0", "Ethernet 2"
    address: str       # IPv4
    kind: str          # wifi | ethernet | vpn | virtual | other
    up: bool = True
    default_route: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


_KIND_PATTERNS = [
    # Order matters: a "VirtualBox Host-Only Ethernet" adapter is virtual, not ethernet.
    ("vpn", r"^(tun|tap|utun|ppp|wg|ipsec|gpd|zt)\d*|vpn|wireguard|tailscale|zerotier|openvpn|anyconnect|fortinet"
            r"|globalprotect|nordlynx|proton"),
    ("virtual", r"^(docker|veth|br-|virbr|vboxnet|vmnet|lxc|lxd|cni|flannel|podman|kube|bridge|awdl|llw|anpi)"
                r"|virtualbox|vmware|hyper-v|vethernet|wsl|loopback|pseudo"),
    ("wifi", r"^(wl|wlan|wlp|wifi|ath|ra)\d*|wi-?fi|wireless|wlan|sans fil|802\.11|airport"),
    ("ethernet", r"^(eth|enp|eno|ens|enx|em)\d*|ethernet|^en\d+$|local area connection|connexion au r[ée]seau local"),
]


def kind_of(name: str) -> str:
    low = name.lower()
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, low):
            return kind
    return "other"


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


_KIND_RANK = {"wifi": 0, "ethernet": 1, "other": 2, "vpn": 3, "virtual": 4}


def rank(interfaces: list[Interface]) -> list[Interface]:
    """Best first: up, on the default route, private (venue wifi, hotspot), wifi before ethernet, VPN and
    virtual adapters last. Plain function over data."""
    def key(i: Interface):
        private = ipaddress.ip_address(i.address).is_private
        return (not i.up, not i.default_route, i.kind in ("vpn", "virtual"), not private,
                _KIND_RANK.get(i.kind, 2), i.name, i.address)

    return sorted(interfaces, key=key)


# -- the default route, without sending anything -----------------------------------------------------------
def parse_proc_route(text: str) -> str | None:
    """Linux ``/proc/net/route``: the interface whose destination is 0.0.0.0 with the lowest metric."""
    best = None
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 7:
            continue
        iface, dest, flags, metric = cols[0], cols[1], cols[3], cols[6]
        try:
            up = int(flags, 16) & 1
            m = int(metric)
        except ValueError:
            continue
        if dest == "00000000" and up and (best is None or m < best[0]):
            best = (m, iface)
    return best[1] if best else None


def parse_route_get(text: str) -> str | None:
    """macOS/BSD ``route -n get default``: the ``interface:`` line."""
    m = re.search(r"^\s*interface:\s*(\S+)", text, re.M)
    return m.group(1) if m else None


def parse_route_print(text: str) -> str | None:
    """Windows ``route print -4 0.0.0.0``: the local address of the default route with the lowest metric
    (Windows names the route by the interface's address, not its name)."""
    best = None
    for line in text.splitlines():
        cols = line.split()
        if len(cols) >= 5 and cols[0] == "0.0.0.0" and cols[1] == "0.0.0.0":
            try:
                m = int(cols[4])
            except ValueError:
                continue
            if best is None or m < best[0]:
                best = (m, cols[3])
    return best[1] if best else None


def _run(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=3, encoding="utf-8",
                              errors="replace").stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def default_route() -> str | None:
    """The name (or, on Windows, the address) of the interface on the default route, or None."""
    if sys.platform.startswith("linux"):
        try:
            return parse_proc_route(Path("/proc/net/route").read_text(encoding="ascii", errors="replace"))
        except OSError:
            return None
    if sys.platform == "darwin" or "bsd" in sys.platform:
        return parse_route_get(_run(["route", "-n", "get", "default"]))
    if sys.platform == "win32":
        return parse_route_print(_run(["route", "print", "-4", "0.0.0.0"]))
    return None


def interfaces() -> list[Interface]:
    """Every usable IPv4 address of this machine, with its interface's name and kind, ranked best first."""
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return []
    try:
        stats = psutil.net_if_stats()
        addrs = psutil.net_if_addrs()
    except OSError:
        return []
    route = default_route()
    out = []
    for name, entries in addrs.items():
        for a in entries:
            if a.family != socket.AF_INET or not _usable(a.address):
                continue
            up = stats[name].isup if name in stats else True
            out.append(Interface(name=name, address=a.address, kind=kind_of(name), up=up,
                                 default_route=route is not None and route in (name, a.address)))
    return rank(out)


def lan_addresses() -> list[str]:
    """The addresses phones may use, best first (kept for callers that need only the addresses)."""
    return [i.address for i in interfaces() if i.up]


def listens_on_lan(host: str) -> bool:
    """False when the server listens on loopback only: then no phone can reach it, whatever the address."""
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host not in ("localhost",)


def host_is_local(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "[::1]")
