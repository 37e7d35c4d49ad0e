"""Which URLs a subscription may have, and which addresses a delivery may go to (SSRF).

Production: https only, and the host must resolve to public addresses only; a target on
loopback, a private network, link-local (cloud metadata at 169.254.169.254), multicast or a
reserved range is refused when the subscription is made and again at every send (the name
may resolve differently later). `allow_private` (tests, a trusted on-premises setup) lets
http to such addresses through.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_URL = 500


def public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allow_private: bool) -> str:
    """The URL (stripped); ValueError when it may not be a subscription's."""
    url = url.strip()
    parts = urlsplit(url)
    host = parts.hostname
    if len(url) > MAX_URL or not host or parts.username or parts.password:
        raise ValueError("not a webhook URL")
    if not allow_private and _private_host(host):
        raise ValueError("not a public address")
    if parts.scheme == "https" or (parts.scheme == "http" and allow_private):
        return url
    raise ValueError("not a webhook URL")


def _private_host(host: str) -> bool:
    """A host that is plainly not public without asking DNS: an address literal on a
    private, loopback, link-local or reserved range, or a local name (the name's addresses
    are checked again at every send)."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        return not public(name)
    except ValueError:
        return "." not in name  # a bare name resolves on the local network only


def refused(addresses: Iterable[str], allow_private: bool) -> bool:
    """True when any address the host resolved to is not a public one (or none at all)."""
    found = list(addresses)
    return not found or (not allow_private and not all(public(a) for a in found))
