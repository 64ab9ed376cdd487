"""Where a webhook may point: HTTPS to public addresses only, checked when it is registered and again
before every attempt (a name can resolve elsewhere tomorrow).

The addresses a URL's host resolves to are returned with it, and the sender connects to those very
addresses (`webhooks.sending`), so a name that answers with a public address to the check and a private
one a moment later (DNS rebinding) still never reaches the private one.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"https": 443, "http": 80}
# The characters of a URL's path and query that keep their meaning there, "%" of an escape included.
PATH_SAFE = "!$%&'()*+,/:;=?@~"


class UnsafeUrl(ValueError):
    """A URL the portal does not send to; the message says why, for the person who registered it."""


@dataclass(frozen=True)
class Target:
    """A checked URL: the host for the Host header and the certificate, and the addresses to connect to."""

    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    path: str  # with its query; the fragment is never sent
    addresses: tuple[IPAddress, ...]


def allows_private() -> bool:
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_URLS)


def resolve(url: str) -> Target:
    """Check `url` and resolve its host; raise UnsafeUrl for anything but HTTPS to public addresses
    (plain HTTP and any address are allowed only with WEBHOOK_ALLOW_PRIVATE_URLS)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeUrl(_("Địa chỉ webhook không hợp lệ.")) from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allows_private()):
        raise UnsafeUrl(_("Địa chỉ webhook phải dùng HTTPS."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(_("Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu."))
    if not parts.hostname:
        raise UnsafeUrl(_("Địa chỉ webhook phải có tên máy chủ."))
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeUrl(_("Tên máy chủ của địa chỉ webhook không hợp lệ.")) from None
    port = port or DEFAULT_PORTS[scheme]
    addresses = addresses_of(host, port)
    if not allows_private():
        refused = [judged(address) for address in addresses if not is_public(address)]
        if refused:
            raise UnsafeUrl(
                _(
                    "Địa chỉ webhook trỏ tới một địa chỉ nội bộ (%(address)s): loopback, mạng riêng, link-local "
                    "hay địa chỉ dành riêng đều không được chấp nhận."
                )
                % {"address": refused[0]}
            )
    # As a request line carries it: ASCII, anything else percent-encoded (what is already encoded stays so).
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=PATH_SAFE)
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def addresses_of(host: str, port: int) -> tuple[IPAddress, ...]:
    """The host itself when it is an address; otherwise every address it resolves to, each once."""
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeUrl(_("Không phân giải được tên máy chủ %(host)s.") % {"host": host}) from None
    addresses: list[IPAddress] = []
    for family, _type, _protocol, _name, socket_address in found:
        if family in (socket.AF_INET, socket.AF_INET6):
            # An IPv6 answer may carry its zone ("fe80::1%eth0"); the zone is no part of the address's kind.
            address = ipaddress.ip_address(str(socket_address[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
    if not addresses:
        raise UnsafeUrl(_("Không phân giải được tên máy chủ %(host)s.") % {"host": host})
    return tuple(addresses)


def is_public(address: IPAddress) -> bool:
    """An address on the Internet: not the loopback, a private or shared network, link-local (the cloud's
    metadata service at 169.254.169.254), multicast, reserved or unspecified."""
    address = judged(address)
    refused = (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    # `is_global` also leaves out what none of the above names, such as the carrier-grade NAT range 100.64/10.
    return address.is_global and not refused


def judged(address: IPAddress) -> IPAddress:
    """The address whose kind counts: an IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
