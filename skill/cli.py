"""The `backcoach` command line."""

from __future__ import annotations

import argparse
import dataclasses
import faulthandler
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backcoach.skill.deploy import LAMBDA_PYTHON
from backcoach.skill.log_format import LOG_FORMATS
from backcoach.skill.startup import collector_paused

MODEL_SOURCES = Path(__file__).resolve().parents[1] / "interaction_models"
"""The repository's interaction models and their sentence folders (an editable install)."""

# Only the standard library (and the stdlib-only log_format and startup) above: main()
# imports the skill once the collector is paused.
if TYPE_CHECKING:
    from backcoach.skill.config import Config


def _one_line_errors() -> tuple[type[Exception], ...]:
    """Errors whose message names the setting or file and says why: one line, no traceback.

    (A dialog script's ScriptError is one too, caught where scripts run: importing the dev
    tools here would slow every command's start, `serve` included.)"""
    from backcoach.skill.service import START_UP_ERRORS

    return START_UP_ERRORS


LOCAL_BASE_URL = "https://backcoach.localhost"
"""Where in-process runs pretend to be served from: https, the only audio Alexa plays (only
names of clips are shown, and they are timed from the local build, never fetched)."""


def _fail(message: str) -> int:
    print(f"backcoach: {message}", file=sys.stderr)
    return 2


def _local_catalog(config: Config):
    """This machine's audio build, to time a remote skill's tracks (None if not built)."""
    from backcoach.audio.catalog import AudioCatalog, CatalogError

    try:
        return AudioCatalog.load(config.audio_cache)
    except CatalogError:
        return None


SERVE_THREADS = 8
"""Worker threads running the app: turns, and the start of each download (not its sending)."""

CONNECTION_LIMIT = 1000
"""Open connections waitress keeps; every listener streaming a clip holds one.

Waitress's default, 100, let 100 slow downloads make every voice turn wait in the listen
queue until one of them closed: Alexa gives a turn 8 s, a download can take minutes."""

CHANNEL_TIMEOUT_S = 60
"""A connection with no byte moving for this long is closed.

Long enough for a slow or buffering listener (a paused device resumes with a Range
request), short enough that idle or slow-loris connections give their place back."""

FILES_PER_CONNECTION = 2
"""A download holds its socket and the clip's file open."""

SPARE_FILES = 64
"""Open files beyond the connections: the listening socket, the store, logs, imports."""

PORTS = range(1, 65536)
"""What --port may be: waitress takes 99999 as 34463 (modulo 65536) and 0 as any free port."""


def _positive(text: str) -> int:
    """An argparse type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return value


def _not_negative(text: str) -> int:
    """An argparse type: a whole number, zero or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of zero or more")
    return value


def _allow_open_files(connections: int) -> None:
    """Raise the soft open-files limit to fit `connections` downloads (up to the hard limit)."""
    try:
        import resource
    except ImportError:  # not on Unix: the platform decides
        return
    needed = FILES_PER_CONNECTION * connections + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < needed:
        logging.getLogger(__name__).warning(
            "only %d files may be open (ulimit -Hn): too few for --connection-limit %d",
            target,
            connections,
        )


def _port_error(args: argparse.Namespace) -> str | None:
    """The one-line error for a --port that is no TCP port, before anything is loaded."""
    if args.port in PORTS:
        return None
    return f"--port {args.port} is out of range: a port is 1 to 65535"


def _serve(args: argparse.Namespace, config: Config) -> int:
    """Serve the skill with waitress, a production WSGI server."""
    with collector_paused():  # the web stack: imported once, kept for good (startup.py)
        from backcoach.skill.web.app import MAX_BODY_BYTES, create_app
        from backcoach.skill.web.inline import dispatch_options
        from backcoach.skill.web.prefork import bind, serve_forked, worker_count

    if problem := _port_error(args):
        return _fail(problem)
    if args.no_verify:
        config = dataclasses.replace(config, verify=False)
    # A fatal signal (SIGBUS from a damaged or immutable SQLite -shm file, SIGSEGV) leaves its
    # traceback in the log instead of a silent exit; systemd then restarts the unit.
    faulthandler.enable()
    with collector_paused():  # the routine, its audio and the skill, built once
        app = create_app(config)
    _allow_open_files(args.connection_limit)
    workers = worker_count(args.workers)
    sockets = None
    if workers > 1:  # bound here, shared by the worker processes forked below
        try:
            sockets = bind(args.host, args.port)
        except OSError as exc:
            return _fail(
                f"cannot listen on {args.host}:{args.port} (--host/--port): {exc.strerror}"
            )
    options = dict(
        ident="backcoach",
        connection_limit=args.connection_limit,
        channel_timeout=args.channel_timeout,
        # Refuse a larger body from its Content-Length header, before reading (and spooling to
        # disk) any of it; waitress refuses sizes >= this, the app allows MAX_BODY_BYTES.
        max_request_body_size=MAX_BODY_BYTES + 1,
        # select() cannot watch more than 1024 sockets; poll() can.
        asyncore_use_poll=True,
        # waitress drops X-Forwarded-* by default; behind a trusted proxy ProxyFix reads them.
        clear_untrusted_proxy_headers=not config.trust_proxy,
    )
    server = None
    if sockets is None:
        server = _listen(args, app, **options, **dispatch_options(args.threads))
        if server is None:
            return 2
    url = f"http://{args.host}:{args.port}"
    print(f"Back Coach listening on {url}/alexa (health: {url}/healthz, {url}/readyz)", flush=True)
    if config.verify:
        print("Request verification is ON: only signed Alexa requests are accepted.", flush=True)
        print("To talk to it locally: `backcoach serve --no-verify`, then", flush=True)
    else:
        print("!!! REQUEST VERIFICATION IS OFF: local experiments only. !!!", flush=True)
        print("Talk to it:", flush=True)
    print(f'  backcoach say --url {url}/alexa "start my back routine"', flush=True)
    print(f"  backcoach chat --url {url}/alexa", flush=True)
    if sockets is not None:
        import waitress

        def worker_server():  # each worker its own dispatcher (and, with threads, its threads)
            return waitress.create_server(
                app, sockets=sockets, **options, **dispatch_options(args.threads)
            )

        return serve_forked(worker_server, workers)
    from backcoach.skill.web.stopping import run_until_stopped

    run_until_stopped(server)
    return 0


def _listen(args: argparse.Namespace, app, **options):
    """A waitress server bound to --host/--port, or None with a one-line error printed."""
    import waitress

    try:
        return waitress.create_server(app, host=args.host, port=args.port, **options)
    except OSError as exc:  # the port is taken, or the host is not this machine's
        _fail(f"cannot listen on {args.host}:{args.port} (--host/--port): {exc.strerror}")
        return None


def _simulator(args: argparse.Namespace, config: Config, state=None, time_zones: bool = False):
    """A simulator talking in-process, or over HTTP with --url; and the audio it can time.
    With `time_zones`, an in-process skill reads each device's zone (dialog scripts give
    every device a local Settings API) unless `time_zones` is set off."""
    from backcoach.skill.devtools.envelopes import DEFAULT_SKILL_ID
    from backcoach.skill.devtools.nlu import Nlu
    from backcoach.skill.devtools.simulator import Simulator, in_process, over_http
    from backcoach.skill.service import make_service
    from backcoach.skill.web.app import RequestContext

    if args.url:
        transport = over_http(args.url)
        catalog = _local_catalog(config)
    else:
        zones = "on" if time_zones and config.time_zones == "auto" else config.time_zones
        service = make_service(dataclasses.replace(config, verify=False, time_zones=zones))
        base = config.public_url or LOCAL_BASE_URL
        transport = in_process(service.skill, RequestContext(base_url=base))
        catalog = service.catalog
    audio_s = catalog.audio_s if catalog else None
    skill_id = config.skill_id or DEFAULT_SKILL_ID
    nlu = Nlu.load(config.locale, skill_id_authority=f"amzn1.er-authority.echo-sdk.{skill_id}")
    sim = Simulator(
        transport,
        nlu,
        state,
        skill_id=skill_id,
        audio_player=not getattr(args, "no_audio_player", False),
        apl=getattr(args, "apl", False),
        length_s=audio_s,
    )
    return sim, catalog


def _print_turn(turn, audio_s, as_json: bool) -> None:
    """One turn, for people or (with --json) as one JSON line."""
    from backcoach.skill.devtools.dialogs import clip_id_of
    from backcoach.skill.devtools.response_rules import INVALID

    if as_json:
        exchange = {"request": turn.request, "response": turn.response}
        print(json.dumps({**exchange, "problems": list(turn.problems)}), flush=True)
        return
    match = turn.match
    slots = ""
    if match:
        shown = [f"{n}={v!r} -> {r}" for n, (v, r) in match.resolved_slots().items()]
        slots = "  " + ", ".join(shown) if shown else ""
    print(f"  intent:  {turn.intent}{slots}")
    print(f"  speech:  {turn.speech or '(none)'}")
    for url in turn.audio:
        length = audio_s(url) if audio_s else None
        print(f"  audio:   {clip_id_of(url)}" + (f" ({length:.1f} s)" if length else ""))
    for directive in turn.directives:
        print(f"  directive: {directive.get('type')} {directive.get('playBehavior', '')}".rstrip())
    card = turn.body.get("card")
    if card:
        print(f"  card:    {card.get('title')}")
    print(f"  session: {'ends' if turn.ends_session else 'open'}")
    for problem in turn.problems:
        print(f"  {INVALID} {problem}")
    sys.stdout.flush()


def _print_player(sim) -> None:
    """The virtual player: what plays, where, and what is queued."""
    player = sim.player
    where = f"{player.offset_ms / 1000:.1f} s" if player.token else "-"
    print(
        f"  player:  {player.activity} {player.token or ''} at {where}, {len(player.queue)} queued"
    )


def _say(args: argparse.Namespace, config: Config) -> int:
    """One turn; --session FILE carries the conversation across calls. Exits 1 when Alexa
    would reject a response."""
    from backcoach.skill.devtools.simulator import SessionState, TransportError

    path = Path(args.session) if args.session else None
    state = SessionState.load(path) if path else SessionState()
    if args.user:
        state.user_id = args.user
    sim, catalog = _simulator(args, config, state)
    audio_s = catalog.audio_s if catalog else None
    try:
        turn = sim.say(" ".join(args.utterance), barge_in_s=args.barge_in)
    except TransportError as exc:
        return _fail(str(exc))
    turns = [turn, *sim.events]
    for shown in turns:
        _print_turn(shown, audio_s, args.json)
    if path:
        sim.keep_player()
        state.save(path)
    return 1 if any(t.problems for t in turns) else 0  # Alexa would have rejected a response


CHAT_HELP = """Type what you would say to Alexa. Commands:
  :launch       open the skill      :end     end the session (SessionEndedRequest)
  :wait N       let N seconds of hands-free playback pass (:wait end: to the end)
  :player       what the virtual player is doing
  :later T      let time pass with nothing played (T: 90, 10m, 25h, 2d)
  :barge N TEXT say TEXT N seconds into the last response (cutting it short)
  :json         toggle JSON output  :quit    leave"""


def _chat(args: argparse.Namespace, config: Config) -> int:
    """An interactive conversation, with line editing and history."""
    from backcoach.skill.devtools.simulator import SessionState, TransportError, duration_s

    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    state = SessionState()
    if args.user:
        state.user_id = args.user
    sim, catalog = _simulator(args, config, state)
    audio_s = catalog.audio_s if catalog else None
    as_json = args.json
    print(CHAT_HELP, file=sys.stderr)
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return 0
        if not line:
            continue
        try:
            if line in (":quit", ":q"):
                return 0
            if line == ":json":
                as_json = not as_json
                continue
            if line == ":end":
                turn = sim.end_session()
                if turn:
                    _print_turn(turn, audio_s, as_json)
                continue
            if line.startswith(":wait"):
                amount = line.removeprefix(":wait").strip() or "10"
                events = sim.play_to_end() if amount == "end" else sim.wait(float(amount))
                for event in events:
                    _print_turn(event, audio_s, as_json)
                _print_player(sim)
                continue
            if line == ":player":
                _print_player(sim)
                continue
            if line.startswith(":later"):
                try:
                    sim.advance(duration_s(line.removeprefix(":later").strip() or "10m"))
                except ValueError as exc:
                    print(f"backcoach: {exc}", file=sys.stderr)
                continue
            before = len(sim.events)
            barge_in_s = None
            if line.startswith(":barge"):
                _, seconds, line = (line.split(maxsplit=2) + ["", ""])[:3]
                try:
                    barge_in_s = float(seconds)
                except ValueError:
                    print("backcoach: :barge takes seconds, then what you say", file=sys.stderr)
                    continue
            turn = sim.say("open back coach" if line == ":launch" else line, barge_in_s)
        except TransportError as exc:
            print(f"backcoach: {exc}", file=sys.stderr)
            continue
        for shown in [turn, *sim.events[before:]]:
            _print_turn(shown, audio_s, as_json)


CONSOLE_THREADS = 4
"""Worker threads of the console: the page's turns and events, clip and speech downloads."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Where the console may listen: it runs the skill unverified, so never on a network."""


def _console(args: argparse.Namespace, config: Config) -> int:
    """The web console on localhost: talk, hear, see the JSON; the page is the audio player."""
    from backcoach.skill.devtools.console.app import create_console_app

    if args.host not in LOOPBACK_HOSTS:
        return _fail(
            f"console: --host {args.host} is not loopback (use 127.0.0.1): it is unverified"
        )
    if problem := _port_error(args):
        return _fail(problem)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}"
    app = create_console_app(config, base_url=url, user_id=args.user)
    server = _listen(args, app, ident="backcoach-console", threads=CONSOLE_THREADS)
    if server is None:
        return 2
    print(
        f"Back Coach console on {url}/console/ (local only, request verification off)", flush=True
    )
    from backcoach.skill.web.stopping import run_until_stopped

    run_until_stopped(server)
    return 0


def _test_dialogs(args: argparse.Namespace, config: Config) -> int:
    """Run dialog scripts and report pass/fail per step."""
    from backcoach.skill.devtools.dialogs import (
        ScriptError,
        ScriptOutcome,
        find_scripts,
        junit_report,
        load_script,
        run_script,
        shipped_scripts,
    )
    from backcoach.skill.devtools.simulator import TransportError

    if args.directory is None:
        paths, where = shipped_scripts(), "the shipped dialog scripts"
    else:
        directory = Path(args.directory)
        paths = find_scripts(directory) if directory.is_dir() else [directory]
        where = str(directory)
    if not paths:
        return _fail(f"no dialog scripts (*.yaml) in {where}")
    sim, catalog = _simulator(args, config, time_zones=True)
    timing = {"length_s": sim.player.length_s}
    if catalog is not None:
        timing["onsets_s"] = catalog.onsets_s
    failed = 0
    outcomes: list[ScriptOutcome] = []

    def report(script, result):
        mark = "PASS" if result.ok else "FAIL"
        print(f"  {mark} {result.step.label}")
        for event in result.events:
            print(f"       event {event.intent}")
        for problem in result.problems:
            print(f"       {problem}")

    for path in paths:
        try:
            script = load_script(path)
            print(f"{script.name} ({path.name})")
            started = time.perf_counter()
            results = run_script(script, sim.transport, report, **timing)
        except (ScriptError, TransportError) as exc:
            return _fail(str(exc))
        outcomes.append(ScriptOutcome(script, results, time.perf_counter() - started))
        failed += sum(not r.ok for r in results)
    print(f"{len(paths)} scripts, {failed} failed steps")
    if args.junit:
        try:
            Path(args.junit).write_bytes(junit_report(outcomes))
        except OSError as exc:
            return _fail(f"cannot write the JUnit report {args.junit} (--junit): {exc.strerror}")
    return 1 if failed else 0


def _coverage(args: argparse.Namespace, config: Config) -> int:
    """The share of a TSV's utterances the interaction model understands, and each miss."""
    from backcoach.skill.devtools.coverage import CoverageError, read_rows, report, run
    from backcoach.skill.devtools.nlu import Nlu

    nlu = Nlu.load(config.locale)
    missed = 0
    for name in args.files:
        try:
            results = run(nlu, read_rows(Path(name)))
        except CoverageError as exc:
            return _fail(str(exc))
        lines = report(nlu, results, name)
        print("\n".join(lines if not args.quiet else lines[:1]))
        missed += sum(not r.ok for r in results)
    return 1 if missed and args.strict else 0


def _model_build(args: argparse.Namespace, config: Config) -> int:
    """Expand the sentence templates into the interaction model JSON (or check it is current)."""
    from backcoach.skill.devtools.model_source import ModelSourceError, build, write

    folder = Path(args.sources) if args.sources else MODEL_SOURCES / config.locale
    out = Path(args.out) if args.out else MODEL_SOURCES / f"{config.locale}.json"
    try:
        model = build(folder)
    except ModelSourceError as exc:
        return _fail(str(exc))
    if args.check:
        current = out.is_file() and json.loads(out.read_text(encoding="utf-8")) == model
        if not current:
            return _fail(f"{out}: not what {folder} expands to: run `backcoach model build`")
        return 0
    print(f"{out}: {'written' if write(model, out) else 'unchanged'}")
    return 0


def _export(args: argparse.Namespace, config: Config) -> int:
    """Write ask-resources.json and the skill package in the layout `ask deploy` takes."""
    import os

    from backcoach.skill.devtools.skill_package import (
        SETTINGS_FILE,
        PackageError,
        export_skill_package,
        load_settings,
    )

    # The file is optional: the environment alone can say it all.
    default = Path(SETTINGS_FILE)
    settings_path = Path(args.settings) if args.settings else default if default.exists() else None
    try:
        settings = load_settings(settings_path, os.environ)
        written = export_skill_package(
            Path(args.directory), settings, locale=config.locale, draft=args.draft
        )
    except PackageError as exc:
        return _fail(str(exc))
    for path in written:
        print(path)
    return 0


def _audio_build(args: argparse.Namespace, config: Config) -> int:
    """Render every clip the skill can play into the audio cache."""
    from backcoach.audio.build import cli as audio_cli
    from backcoach.skill.domain.phrases import load_phrases
    from backcoach.skill.domain.routine import load_routine

    if args.voice is None and config.piper_voice:
        args.voice = Path(config.piper_voice)
    args.engine = args.engine or config.engine
    routine = load_routine(config.routine_path)
    return audio_cli.run(args, routine, load_phrases(config.locale), config.audio_cache)


def _render(args: argparse.Namespace, config: Config) -> int:
    """The whole routine as one MP3, with chapters printed at the end."""
    from backcoach.audio.build.practice import chapter_lines, render_routine
    from backcoach.audio.build.voices import EngineError, make_voice
    from backcoach.skill.domain.coach import Coach
    from backcoach.skill.domain.phrases import load_phrases
    from backcoach.skill.domain.routine import load_routine

    coach = Coach(load_routine(config.routine_path), load_phrases(config.locale))
    try:
        voice = make_voice(args.engine or config.engine, args.voice or config.piper_voice)
        chapters = render_routine(coach, args.level - 1, voice, Path(args.out))
    except EngineError as exc:
        return _fail(str(exc))
    print(f"wrote {args.out}")
    print("Chapters:")
    for line in chapter_lines(chapters):
        print(f"  {line}")
    return 0


def _user(args: argparse.Namespace, config: Config) -> int:
    """Show or forget what is kept about one person."""
    from backcoach.skill.service import make_adapter

    adapter = make_adapter(config)
    if adapter is None or not hasattr(adapter, "load"):
        return _fail("this store (BACKCOACH_STORE) keeps nothing that can be listed here")
    if args.action == "show":
        data = adapter.load(args.user_id)
        if data is None:
            return _fail(f"nothing is kept about {args.user_id}")
        # Everything kept: the attributes and the finished sessions' history rows.
        shown = {"attributes": data, "history": adapter.history(args.user_id)}
        print(json.dumps(shown, indent=2, sort_keys=True))
        return 0
    if not adapter.delete(args.user_id):
        return _fail(f"nothing is kept about {args.user_id}")
    print(f"forgot {args.user_id}")
    return 0


def _package_lambda(args: argparse.Namespace, config: Config) -> int:
    """Write the AWS Lambda zip: serving code, its dependencies, the routine and manifest."""
    from backcoach.skill.deploy.lambda_package import PackageError, checkout, package_lambda

    source = Path(args.source) if args.source else checkout()
    if source is None:
        return _fail("package lambda: not run from a checkout; give --source CHECKOUT_OR_WHEEL")
    try:
        packaged = package_lambda(
            Path(args.out),
            source=source,
            audio_dir=config.audio_cache,
            routine=config.routine_path,
            with_boto3=args.with_boto3,
            python_version=args.python_version,
            platform=args.platform,
        )
    except PackageError as exc:
        return _fail(f"package lambda: {exc}")
    print(f"wrote {args.out}: {packaged.size_bytes / 1e6:.1f} MB")
    if packaged.bytecode_for is None:
        print(
            f"note: no python{args.python_version} here, so the package carries no compiled"
            " modules and every cold start compiles them; build it where that Python is on PATH",
            file=sys.stderr,
        )
    return 0


def _audio_publish(args: argparse.Namespace, config: Config) -> int:
    """Upload the built MP3s and the shipped images to S3, skipping those already there."""
    from backcoach.skill.deploy.publish import PublishError, publish

    try:
        done = publish(
            config.audio_cache, args.url, endpoint_url=args.endpoint_url, region=args.region
        )
    except PublishError as exc:
        return _fail(f"audio publish: {exc}")
    print(f"published to {args.url}: {done.uploaded} uploaded, {done.skipped} already there")
    return 0


def _package_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("out", metavar="OUT.zip", help="the zip to write")
    sp.add_argument(
        "--source", metavar="PATH", help="a checkout or wheel of backcoach (default: this checkout)"
    )
    sp.add_argument(
        "--with-boto3",
        action="store_true",
        help="include boto3 (Lambda's Python runtime already has it)",
    )
    sp.add_argument(
        "--python-version",
        metavar="X.Y",
        default=LAMBDA_PYTHON,
        help=f"the function's runtime (default: python{LAMBDA_PYTHON}; or 3.12, 3.14)",
    )
    sp.add_argument(
        "--platform", metavar="TAG", help="e.g. manylinux2014_aarch64 for an arm64 function"
    )


def _policy_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--account", metavar="ID", help="the AWS account id (12 digits)")
    sp.add_argument("--region", metavar="REGION", help="the function's and table's region")
    sp.add_argument("--table", metavar="NAME", help="the DynamoDB table (BACKCOACH_STORE's)")
    sp.add_argument("--function", metavar="NAME", default="backcoach", help="the function")
    sp.add_argument("--create-table", action="store_true", help="also allow &create=1")
    sp.add_argument(
        "--users", action="store_true", help="also allow `backcoach user` to list and show"
    )
    sp.add_argument(
        "--bucket", metavar="BUCKET/PREFIX", help="instead, the policy to run `audio publish`"
    )


def _package_policy(args: argparse.Namespace, config: Config) -> int:
    """Print an IAM policy derived from the actions the code calls."""
    from backcoach.skill.deploy.policy import PolicyError, Where, lambda_policy, publish_policy

    try:
        if args.bucket:
            bucket, _, prefix = args.bucket.removeprefix("s3://").partition("/")
            policy = publish_policy(bucket, prefix)
        else:
            missing = [f"--{n}" for n in ("account", "region", "table") if not getattr(args, n)]
            if missing:
                return _fail(f"package policy: give {', '.join(missing)} (or --bucket)")
            where = Where(args.account, args.region, args.table, args.function)
            policy = lambda_policy(where, create_table=args.create_table, users=args.users)
    except PolicyError as exc:
        return _fail(f"package policy: {exc}")
    print(json.dumps(policy, indent=2))
    return 0


def _publish_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "url",
        metavar="s3://BUCKET/PREFIX",
        help="clips go to PREFIX/audio/, images to PREFIX/images/; BACKCOACH_PUBLIC_URL is"
        " the https URL of PREFIX",
    )
    sp.add_argument("--endpoint-url", metavar="URL", help="another S3 endpoint (MinIO, tests)")
    sp.add_argument("--region", help="the bucket's region (default: AWS_REGION, else us-east-1)")


class _LateArguments(argparse.ArgumentParser):
    """A subcommand's parser that adds its arguments only when that subcommand is used."""

    def __init__(self, *args, add_arguments: Callable[[argparse.ArgumentParser], None], **kw):
        super().__init__(*args, **kw)
        self._add_arguments: Callable[[argparse.ArgumentParser], None] | None = add_arguments

    def _ready(self) -> None:
        if self._add_arguments is not None:
            add, self._add_arguments = self._add_arguments, None
            add(self)

    def parse_known_args(self, args=None, namespace=None):
        self._ready()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._ready()
        return super().format_help()


def _audio_build_arguments(build: argparse.ArgumentParser) -> None:
    """The build's own options; its module pulls in the build stack (numpy, pydub, Piper)."""
    from backcoach.skill.extras import missing_extra

    try:
        from backcoach.audio.build import cli as audio_cli
    except ImportError as exc:
        if (missing := missing_extra(exc)) is None:
            raise
        raise SystemExit(_fail(f"audio build {missing}")) from None
    audio_cli.add_arguments(build)
    build.set_defaults(engine=None)  # unset: BACKCOACH_ENGINE decides (see _audio_build)


class _Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Each option's default after its help; descriptions and examples kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False):  # nothing to show for an unset option or a flag
            return action.help
        return super()._get_help_string(action)


class _TopLevel(argparse.ArgumentParser):
    """The `backcoach` parser: its help ends with the BACKCOACH_* settings."""

    def format_help(self) -> str:
        if self.epilog is None:  # built only when help is shown: it reads config.py
            self.epilog = _settings_epilog()
        return super().format_help()


def _settings_epilog() -> str:
    """The BACKCOACH_* variables and what each sets (from the Config fields)."""
    import textwrap

    from backcoach.skill.config import settings_help

    lines = ["settings (environment variables; unset or blank keeps the default):"]
    for var, doc in settings_help():
        lines += textwrap.wrap(
            doc or "-", width=96, initial_indent=f"  {var:<24}", subsequent_indent=" " * 26
        )
    lines += ["", "`backcoach COMMAND --help` says what each command does, with an example."]
    return "\n".join(lines)


class _Version(argparse.Action):
    """--version: the installed package's version, looked up only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("backcoach")
        except PackageNotFoundError:  # run from a source tree that was never installed
            shown = "unknown (not installed)"
        print(f"backcoach {shown}")
        parser.exit()


def _examples(*lines: str) -> str:
    """An epilog of example command lines."""
    return "example:\n" + "\n".join(f"  {line}" for line in lines)


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = _TopLevel(
        prog="backcoach",
        description="Back Coach: an Alexa skill that coaches back exercises hands free.",
        formatter_class=_Help,
    )
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, description: str, *examples: str, **kw):
        return sub.add_parser(
            name,
            help=help,
            description=description,
            epilog=_examples(*examples),
            formatter_class=_Help,
            **kw,
        )

    serve = command(
        "serve",
        "serve the skill over HTTP",
        "Serve POST /alexa, GET /healthz (the process is up), GET /readyz (the store answers\n"
        "and the audio build is complete; 503 and the reason otherwise) and the built clips\n"
        "under /audio with waitress. Clips are streamed by waitress's event loop, not a worker\n"
        "thread, so slow listeners never hold up a turn; a body over the app's limit is\n"
        "refused (413) from its Content-Length, unread. One log line per request: type,\n"
        "intent, status, latency, new session, a salted hash of the user id\n"
        "(BACKCOACH_LOG_SALT) and Alexa's request id. SIGTERM or Ctrl-C drains: the port\n"
        "closes, the turns under way finish (10 s at most), one line says it stopped.",
        "backcoach serve --port 8080",
        "BACKCOACH_PUBLIC_URL=https://coach.example.com backcoach serve --log-format json",
        "backcoach serve --no-verify    # local experiments only",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on, 1 to 65535")
    serve.add_argument(
        "--no-verify", action="store_true", help="accept unsigned requests (local experiments only)"
    )
    serve.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text",
        help="log lines as timestamped text, or one JSON object a line for a log collector",
    )
    serve.add_argument(
        "--workers",
        type=_not_negative,
        metavar="N",
        default=1,
        help="server processes sharing the port (0: one per core; `make run` and the systemd"
        " unit use 0 with --threads 0: turns are CPU-bound, so processes, not threads, use"
        " every core)",
    )
    serve.add_argument(
        "--threads",
        type=_not_negative,
        metavar="N",
        default=SERVE_THREADS,
        help="turn threads per process (0: turns run on the server's event loop, no hand-off;"
        " clips are sent by the loop either way)",
    )
    serve.add_argument(
        "--connection-limit",
        type=_positive,
        metavar="N",
        default=CONNECTION_LIMIT,
        help="open connections kept, each streaming listener holds one; more wait to be accepted",
    )
    serve.add_argument(
        "--channel-timeout",
        type=_positive,
        metavar="SECONDS",
        default=CHANNEL_TIMEOUT_S,
        help="close a connection idle this long: slow-loris or gone listeners",
    )
    serve.set_defaults(run=_serve)

    def endpoint(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--url",
            help="a running endpoint, e.g. http://127.0.0.1:8080/alexa (default: in-process)",
        )

    def talk(sp: argparse.ArgumentParser) -> None:
        endpoint(sp)
        sp.add_argument(
            "--no-audio-player", action="store_true", help="a device without AudioPlayer"
        )
        sp.add_argument("--apl", action="store_true", help="a device with a screen (APL)")
        sp.add_argument("--json", action="store_true", help="one JSON line per turn")
        sp.add_argument("--user", help="the Alexa userId to talk as (default: a fixed test user)")

    say = command(
        "say",
        "say one thing to the skill",
        "Say one thing to the skill as you would to an Echo: the words are matched to an\n"
        "intent by the local NLU, sent in-process (or to --url), and the turn is printed:\n"
        "intent, speech, clips, directives. Player events that follow are sent too.\n"
        "Exits 1 when Alexa would reject a response.",
        'backcoach say "open back coach"',
        'backcoach say --session me.json "start my back routine"',
    )
    say.add_argument("utterance", nargs="+", help="what is said")
    say.add_argument("--session", metavar="FILE", help="continue the conversation kept in FILE")
    say.add_argument(
        "--barge-in",
        type=float,
        metavar="N",
        help="say it N seconds into the last response, cutting it short (default: after it, "
        "as a person answers once the audio ends)",
    )
    talk(say)
    say.set_defaults(run=_say)

    chat = command(
        "chat",
        "talk to the skill interactively",
        "Talk to the skill line by line, with line editing and history; `:launch`, `:wait N`,\n"
        "`:player`, `:later T`, `:end` and `:quit` act on the session and the virtual player.",
        "backcoach chat",
        "backcoach chat --url http://127.0.0.1:8080/alexa",
    )
    talk(chat)
    chat.set_defaults(run=_chat)

    console = command(
        "console",
        "a web page on localhost to talk to the skill and hear it",
        "Serve a local page: type or speak, hear the speech, clips and hands-free tracks (the\n"
        "page is the AudioPlayer), see every request and response. Offline, loopback only.",
        "backcoach console",
        "backcoach console --port 8091",
    )
    console.add_argument("--host", default="127.0.0.1", help="a loopback address")
    console.add_argument("--port", type=int, default=8090, help="port to listen on")
    console.add_argument("--user", help="the Alexa userId to talk as (default: a fixed test user)")
    console.set_defaults(run=_console)

    dialogs = command(
        "test-dialogs",
        "run dialog scripts",
        "Run YAML dialog scripts (conversations with expectations) through the simulator and\n"
        "report each step; exits 1 when a step fails, 2 when a script is malformed.",
        "backcoach test-dialogs",
        "backcoach test-dialogs my-scripts/ --junit dialogs.xml",
    )
    dialogs.add_argument(
        "directory",
        nargs="?",
        help="a directory of *.yaml scripts, or one script (default: the shipped scripts)",
    )
    dialogs.add_argument(
        "--junit",
        metavar="PATH",
        help="also write a JUnit XML report there, one testcase per script (for CI)",
    )
    endpoint(dialogs)  # each script says its device (audio_player), and runs as a fresh user
    dialogs.set_defaults(run=_test_dialogs)

    coverage = command(
        "coverage",
        "how much of your sentences the model understands",
        "Read TSV files of `utterance<TAB>intent` rows (`#` comments, `A|B` where either is\n"
        "right), understand each as Alexa would with the exported interaction model only, and\n"
        "print the share understood and each miss with the nearest sample of its intent.",
        "backcoach coverage my-sentences.tsv",
        "backcoach coverage tests/language/heldout/*.tsv --quiet",
    )
    coverage.add_argument("files", nargs="+", help="TSV files of utterances and intents")
    coverage.add_argument("--quiet", action="store_true", help="only the share understood")
    coverage.add_argument("--strict", action="store_true", help="exit 1 if any row is missed")
    coverage.set_defaults(run=_coverage)

    model = command(
        "model",
        "build the interaction model from its sentence templates",
        "Expand interaction_models/<locale>/*.yaml (templates: (a|b), [optional], <rule>,\n"
        "{slot}) into interaction_models/<locale>.json, checking Alexa's rules on the way.",
        "backcoach model build",
        "backcoach model build --check",
    )
    model_sub = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    model_build = model_sub.add_parser("build", help="write (or --check) the model JSON")
    model_build.add_argument("--check", action="store_true", help="fail if the JSON is stale")
    model_build.add_argument("--sources", help="the folder of sentence files")
    model_build.add_argument("--out", help="the JSON to write")
    model_build.set_defaults(run=_model_build)

    export = command(
        "export-skill-package",
        "write an ASK CLI skill package",
        "Write ask-resources.json and skill-package/ (manifest, interaction models, icons) in\n"
        "the layout `ask deploy` takes. The endpoint comes from BACKCOACH_LAMBDA_ARN, else\n"
        "BACKCOACH_PUBLIC_URL; policy\n"
        "URLs and the certificate type from the environment or a settings file.",
        "BACKCOACH_PUBLIC_URL=https://coach.example.com backcoach export-skill-package out/",
        "backcoach export-skill-package out/ --draft",
    )
    export.add_argument("directory", help="where ask-resources.json and skill-package/ go")
    export.add_argument(
        "--settings",
        metavar="FILE",
        help="endpoint, policy URLs and certificate type (default: ./skill-package.yaml if any)",
    )
    export.add_argument(
        "--draft",
        action="store_true",
        help="allow a placeholder endpoint and missing policy URLs (not for certification)",
    )
    export.set_defaults(run=_export)

    render = command(
        "render",
        "the whole routine as one MP3, to practise",
        "Render the whole routine at one level as a single MP3, to practise without a device;\n"
        "the chapters (where each exercise starts) are printed at the end.",
        "backcoach render --out routine.mp3 --level 2",
    )
    render.add_argument("--out", required=True, help="the MP3 file to write")
    render.add_argument("--level", type=int, default=1, help="dose level; 1 is the beginner dose")
    render.add_argument(
        "--engine",
        choices=("piper", "gtts"),
        help="speech engine (default: BACKCOACH_ENGINE, else piper)",
    )
    render.add_argument("--voice", type=Path, default=None, help="another Piper voice (.onnx)")
    render.set_defaults(run=_render)

    user = command(
        "user",
        "what is kept about one person",
        "Show everything the store (BACKCOACH_STORE) keeps about one person, or forget it.",
        "backcoach user show amzn1.ask.account.EXAMPLE",
        "backcoach user forget amzn1.ask.account.EXAMPLE",
    )
    user.add_argument("action", choices=("show", "forget"), help="show or forget")
    user.add_argument("user_id", help="the Alexa userId (or personId)")
    user.set_defaults(run=_user)

    audio = command(
        "audio",
        "precomputed audio",
        "Build the clips the skill plays (spoken cues, timed counts, hands-free tracks).",
        "backcoach audio build",
    )
    audio_sub = audio.add_subparsers(
        dest="audio_command", required=True, parser_class=_LateArguments, metavar="COMMAND"
    )
    build = audio_sub.add_parser(
        "build",
        help="render every clip into the audio cache",
        description="Render every clip the skill can play into the audio cache\n"
        "(BACKCOACH_AUDIO_DIR, default DATA_DIR/audio) with its manifest.json; clips already\n"
        "built from the same text and voice are kept.",
        epilog=_examples("backcoach audio build", "backcoach audio build --engine gtts"),
        formatter_class=_Help,
        add_arguments=_audio_build_arguments,
    )
    build.set_defaults(run=_audio_build)
    publish = audio_sub.add_parser(
        "publish",
        help="upload the built MP3s and the images to S3 (for AWS Lambda), skipping those there",
        add_arguments=_publish_arguments,
    )
    publish.set_defaults(run=_audio_publish)

    package = sub.add_parser("package", help="deployment packages")
    package_sub = package.add_subparsers(
        dest="package_command", required=True, parser_class=_LateArguments
    )
    package_lambda = package_sub.add_parser(
        "lambda",
        help="a zip for AWS Lambda: code, dependencies, routine and manifest (not the MP3s)",
        add_arguments=_package_arguments,
    )
    package_lambda.set_defaults(run=_package_lambda)
    package_policy = package_sub.add_parser(
        "policy",
        help="the IAM policy the function's role needs (or, with --bucket, the publisher's)",
        add_arguments=_policy_arguments,
    )
    package_policy.set_defaults(run=_package_policy)
    return p


def _load_skill_modules() -> tuple[type[Exception], ...]:
    """Import what every command needs, collecting no garbage meanwhile; the one-line errors."""
    with collector_paused():
        return _one_line_errors()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `backcoach` console script."""
    from backcoach.skill.log_format import configure_logging

    args = parser().parse_args(argv)
    # The simulator's commands print the turns: only warnings are worth a log line there.
    quiet = args.command in ("say", "chat", "test-dialogs", "console")
    configure_logging(
        getattr(args, "log_format", "text"), logging.WARNING if quiet else logging.INFO
    )
    errors = _load_skill_modules()
    from backcoach.skill.config import Config

    try:
        config = Config.from_env()
        return args.run(args, config)
    except errors as exc:
        return _fail(str(exc.args[0]) if exc.args else str(exc))  # KeyError's str() quotes
    except ImportError as exc:  # an extra's module, imported by the command that needs it
        from backcoach.skill.extras import missing_extra

        if (missing := missing_extra(exc)) is None:
            raise
        words = (args.command, getattr(args, "audio_command", None))
        return _fail(f"{' '.join(w for w in words if w)} {missing}")


if __name__ == "__main__":
    sys.exit(main())
