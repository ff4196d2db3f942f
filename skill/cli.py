"""The `backcoach` command line."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys

from .config import Config, ConfigError


def _serve(args: argparse.Namespace, config: Config) -> int:
    """Serve the skill with waitress, a production WSGI server."""
    import waitress

    from .app import create_app

    if args.no_verify:
        config = dataclasses.replace(config, verify=False)
    app = create_app(config)
    url = f"http://{args.host}:{args.port}"
    print(f"Back Coach listening on {url}/alexa (health: {url}/healthz)", flush=True)
    if config.verify:
        print("Request verification is ON: only signed Alexa requests are accepted.", flush=True)
        print("To talk to it locally, start it with `backcoach serve --no-verify`.", flush=True)
    else:
        print("!!! REQUEST VERIFICATION IS OFF: local experiments only. !!!", flush=True)
        print(
            f"Try: curl -s -XPOST {url}/alexa -H 'Content-Type: application/json' "
            "-d @tests/requests/launch.json",
            flush=True,
        )
    waitress.serve(app, host=args.host, port=args.port, threads=8, ident="backcoach")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = argparse.ArgumentParser(prog="backcoach", description="Back Coach voice skill.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the skill over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--no-verify", action="store_true", help="accept unsigned requests (local experiments only)"
    )
    serve.set_defaults(run=_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `backcoach` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"backcoach: {exc}", file=sys.stderr)
        return 2
    return args.run(args, config)


if __name__ == "__main__":
    sys.exit(main())
