"""The client's address behind reverse proxies (TRUSTED_PROXIES; README, "Configuration").

The peer of the TCP connection is the client unless it is one of the deployment's own
proxies. Only then is `X-Forwarded-For` read, from the right: each trusted proxy appends the
address it got the request from, so the rightmost hop that is not a trusted proxy is the
first one we did not put there ourselves, the client. Anything to its left was written by
the client and may be forged. A peer that is not a trusted proxy is the client whatever
headers it sends, so a spoofed `X-Forwarded-For` changes nothing."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "?"


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """`10.0.0.0/8, 192.168.1.5, ::1` -> networks; ValueError for anything else."""
    found: list[Network] = []
    for part in (text or "").replace(" ", ",").split(","):
        if part:
            found.append(ipaddress.ip_network(part, strict=False))
    return tuple(found)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: Sequence[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in nets)


def client_address(peer: str | None, forwarded: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the rightmost
    untrusted `X-Forwarded-For` hop (`forwarded`: the header's values in order). A hop that
    is not an address ends the walk at the last trusted one."""
    if peer is None:
        return UNKNOWN
    ip = _address(peer)
    if ip is None or not trusted or not _trusted(ip, trusted):
        return peer if ip is None else str(ip)
    hops = [hop for value in forwarded for hop in value.split(",") if hop.strip()]
    client = ip
    for hop in reversed(hops):
        found = _address(hop)
        if found is None:
            break
        client = found
        if not _trusted(found, trusted):
            break
    return str(client)
