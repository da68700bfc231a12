"""The laptop's LAN addresses, read from the interfaces: no packet is sent."""
from __future__ import annotations

import ipaddress
import socket


def lan_addresses() -> list[str]:
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return []
    out = []
    for name, addrs in psutil.net_if_addrs().items():
        for a in addrs:
            if a.family != socket.AF_INET:
                continue
            try:
                ip = ipaddress.ip_address(a.address)
            except ValueError:
                continue
            if ip.is_loopback or ip.is_link_local:
                continue
            out.append(a.address)
    # Private (home/venue wifi, hotspot) addresses first.
    return sorted(set(out), key=lambda x: (not ipaddress.ip_address(x).is_private, x))
