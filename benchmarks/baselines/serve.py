"""Serve a baseline WSGI app with waitress, threaded as `backcoach serve` is."""

from __future__ import annotations

import argparse

import waitress

THREADS = 8
"""waitress threads; `backcoach serve` uses 8 (skill/cli.py)."""


def serve(app, argv: list[str] | None = None) -> None:
    """`--port P`: serve `app` on 127.0.0.1:P until killed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=THREADS, ident="baseline")
