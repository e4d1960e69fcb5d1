"""How ``yusuan serve`` runs uvicorn: the HTTP protocol with ``TCP_NODELAY`` on every connection.

asyncio sets ``TCP_NODELAY`` only on sockets whose ``proto`` is ``IPPROTO_TCP``; the
listening socket uvicorn creates for several workers has ``proto`` 0, so its connections
kept Nagle's algorithm on, and a response written as headers then body waited for the
client's delayed ACK — 40 ms on every keep-alive request (measured: 44 ms p50 for a
one-client unit page with ``--workers 2``, 1.5 ms with one worker).  The protocol below
sets the option itself, whichever loop and parser uvicorn picks.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    def connection_made(self, transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)
