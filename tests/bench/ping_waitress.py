"""The one-process baseline: the trivial Flask /ping under waitress, as `rebound run all` serves.

Run: python -m tests.bench.ping_waitress PORT
"""
from __future__ import annotations

import sys

from waitress.server import create_server

from tests.bench.ping_app import create_app


def main() -> None:
    create_server(create_app(), host="127.0.0.1", port=int(sys.argv[1]), threads=8).run()


if __name__ == "__main__":
    main()
