"""One POST to a webhook: to the addresses its URL was just checked against, never following a redirect,
with a timeout, keeping no more of the answer than a short excerpt for the owner's log."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from .addresses import IPAddress, Target, UnsafeUrl, resolve

TIMEOUT_SECONDS = 10.0
# Of the receiver's answer, only this much is read and kept, in the delivery's last error.
EXCERPT_BYTES = 200
ERROR_CHARS = 300


@dataclass(frozen=True)
class Answer:
    """What came back: the HTTP status (None when no answer came) and, unless it is 2xx, why it failed."""

    status: int | None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Answer:
    try:
        target = resolve(url)
    except UnsafeUrl as refused:
        return Answer(status=None, error=short(str(refused)))
    connection = _connection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
    except TimeoutError:
        return Answer(status=None, error=f"Hết thời gian chờ ({timeout:g} giây).")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Answer(status=None, error=short(f"Không kết nối được: {type(error).__name__}: {error}"))
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Answer(status=response.status)
    return Answer(status=response.status, error=short(f"HTTP {response.status} {response.reason}: {excerpt}"))


def short(text: str) -> str:
    """One printable line of at most ERROR_CHARS characters: it is shown to the owner and stored (a NUL
    would be refused by PostgreSQL)."""
    printable = "".join(character if character.isprintable() else " " for character in text)
    return " ".join(printable.split())[:ERROR_CHARS]


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)


def _connect(addresses: tuple[IPAddress, ...], port: int, timeout: float | None) -> socket.socket:
    """A connection to the first of the checked addresses that answers."""
    failure: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except OSError as error:
            failure = error
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP (allowed only with WEBHOOK_ALLOW_PRIVATE_URLS) to the checked addresses."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses; the certificate is verified against the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._addresses = target.addresses

    def connect(self) -> None:
        self.sock = self._tls.wrap_socket(_connect(self._addresses, self.port, self.timeout), server_hostname=self.host)
