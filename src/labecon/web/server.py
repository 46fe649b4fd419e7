"""Run the app in a background thread on a free loopback port (for notebooks, tests and benchmarks)."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn

from labecon.errors import BackendError
from labecon.web.app import create_app
from labecon.web.settings import WebSettings


class BackgroundServer:
    """The app served by Uvicorn in a daemon thread; a context manager.

    Parameters
    ----------
    settings : WebSettings, optional
        The app's limits.
    host : str
        Address to bind; loopback by default.
    port : int
        Port to bind; 0 picks a free one (see :attr:`url`).
    """

    def __init__(self, settings: WebSettings | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(
            create_app(settings), host=host, port=port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.host = host
        self.thread = threading.Thread(target=self.server.run, name="labecon-web", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        """The server's base address, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 20.0) -> BackgroundServer:
        """Start serving and wait until the port is bound."""
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                msg = "the web server did not start"
                raise BackendError(msg)
            time.sleep(0.02)
        self.port = int(self.server.servers[0].sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
