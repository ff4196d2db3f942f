"""The shipped deployment for real: deploy/'s nginx site in front of `backcoach serve`, over TLS.

nginx and the skill run as subprocesses, verification on. Two throwaway authorities stand in
for the outside world: a TLS CA the client (and the skill's download) trust, for the site and for
a stand-in s3.amazonaws.com reached through a local CONNECT proxy; and the test PKI of
test_verify for Alexa's signing chain, handed to the skill with BACKCOACH_TRUST_ROOTS.
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from backcoach.audio.catalog import AudioCatalog
from backcoach.skill.config import SETTINGS, Config, ConfigError
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.simulator import SessionState, Simulator, Turn
from backcoach.skill.web.app import create_app
from tests.helpers import (
    ROOT,
    Conversation,
    assert_no_alexa_ids,
    exercise_slot,
    free_port,
    provided,
    stop_process,
)
from tests.unit.test_verify import URL, Pki, headers_for, make_leaf, make_root, pem, pki  # noqa: F401

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "backcoach.service"
SKILL_ID = env.DEFAULT_SKILL_ID
"""The skill the simulated device calls: the server is told to accept only it."""
DOMAIN = "localhost"
AUDIO = re.compile(r'<audio src="([^"]+)"/>')
LINK = re.compile(r"""https?://[^\s"'<>]+""")
"""A link anywhere in a response: SSML's audio src, a Play stream and its art, APL sources."""
CONTENT_TYPES = {".mp3": "audio/mpeg", ".png": "image/png"}
IMMUTABLE = "public, max-age=31536000, immutable"
PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def nginx_binary() -> Path | None:
    """The nginx .ci/nginx.sh set up (BACKCOACH_TEST_NGINX), else one on this machine."""
    home = os.environ.get("BACKCOACH_TEST_NGINX")
    if home:
        return Path(home) / "nginx"
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    return Path(found) if found else None


# --- a throwaway TLS authority --------------------------------------------------------------


@dataclass
class Tls:
    """A CA file and a certificate/key file pair per host name, all under one directory."""

    ca_file: Path
    files: dict[str, tuple[Path, Path]]

    def client(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def server(self, host: str) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self.files[host])
        return context


def make_tls(directory: Path, *hosts: str) -> Tls:
    """A CA and a server certificate for each host, written as PEM files."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = make_root("Back Coach throwaway TLS CA", ca_key)
    ca_file = directory / "tls-ca.pem"
    ca_file.write_bytes(pem(ca))
    files = {}
    for host in hosts:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = make_leaf(
            ca,
            ca_key,
            key.public_key(),
            start=now - timedelta(days=1),
            end=now + timedelta(days=30),
            dns_name=host,
        )
        cert_file, key_file = directory / f"{host}.crt", directory / f"{host}.key"
        cert_file.write_bytes(pem(cert))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        files[host] = (cert_file, key_file)
    return Tls(ca_file, files)


# --- s3.amazonaws.com, as the skill reaches it through a proxy --------------------------------


class _CertHost(BaseHTTPRequestHandler):
    """A CONNECT proxy that is itself the tunnel's far end: TLS as s3.amazonaws.com, one GET."""

    server: _CertServer

    def do_CONNECT(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.connection = self.server.tls.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb", buffering=0)
        self.handle_one_request()

    def do_GET(self) -> None:
        self.server.fetched.append(f"https://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.server.chain)))
        self.end_headers()
        self.wfile.write(self.server.chain)

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass


class _CertServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext, chain: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _CertHost)
        self.tls, self.chain, self.fetched = tls, chain, []


# --- the processes ----------------------------------------------------------------------------


def unit_serve_args(port: int | None = None) -> list[str]:
    """The arguments of the unit's `backcoach serve`, on another port if given."""
    (line,) = [x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart=")]
    args = shlex.split(line.removeprefix("ExecStart="))[1:]
    if port is not None:
        args[args.index("--port") + 1] = str(port)
    return args


def unit_environment() -> dict[str, str]:
    """The unit's own Environment= settings."""
    lines = [x for x in UNIT.read_text().splitlines() if x.startswith("Environment=")]
    return dict(x.removeprefix("Environment=").split("=", 1) for x in lines)


def wait_for(check, process: subprocess.Popen, what: str, log: Path) -> None:
    """Poll check() until it holds; fail with the log if the process dies or 60 s pass."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start in 60 s: {log.read_text()[-3000:]}")


def listening(port: int) -> bool:
    """Whether something accepts connections on the port (OSError if not)."""
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    return True


@dataclass
class Site:
    """The running deployment: where to reach it, and how the client trusts it."""

    https_port: int
    http_port: int
    tls: Tls
    fetched: list[str]
    audio_dir: Path

    @property
    def base(self) -> str:
        return f"https://{DOMAIN}:{self.https_port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """One request over https; returns (status, headers, body)."""
        conn = http.client.HTTPSConnection(
            DOMAIN, self.https_port, context=self.tls.client(), timeout=15
        )
        try:
            conn.request(method, path, body=body, headers=headers or {})
            reply = conn.getresponse()
            return reply.status, reply.headers, reply.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def site(audio_dir, pki: Pki, tmp_path_factory) -> Iterator[Site]:  # noqa: F811
    binary = provided(nginx_binary(), "nginx", ".ci/nginx.sh")
    home = os.environ.get("BACKCOACH_TEST_NGINX")
    work = Path(tempfile.mkdtemp(dir=home)) if home else tmp_path_factory.mktemp("nginx")
    now = datetime.now(UTC)
    tls = make_tls(work, DOMAIN, "s3.amazonaws.com")
    alexa_roots = work / "alexa-roots.pem"
    alexa_roots.write_bytes(pem(pki.root))
    chain = pki.bundle(start=now - timedelta(days=1), end=now + timedelta(days=30))
    cert_host = _CertServer(tls.server("s3.amazonaws.com"), chain)
    threading.Thread(target=cert_host.serve_forever, daemon=True).start()

    skill_port, https_port, http_port = free_port(), free_port(), free_port()
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BACKCOACH_") and k.lower() not in PROXY_VARS
    }
    environment |= unit_environment() | {
        "BACKCOACH_SKILL_ID": SKILL_ID,
        "BACKCOACH_AUDIO_DIR": str(audio_dir),
        "BACKCOACH_DATA_DIR": str(work / "data"),
        "BACKCOACH_TRUST_ROOTS": str(alexa_roots),
        "https_proxy": f"http://127.0.0.1:{cert_host.server_port}",
        "SSL_CERT_FILE": str(tls.ca_file),
    }
    skill_log = work / "skill.log"
    with skill_log.open("w") as out:
        skill = subprocess.Popen(
            [sys.executable, "-m", "backcoach.skill.cli", *unit_serve_args(skill_port)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    nginx = None
    try:
        wait_for(lambda: listening(skill_port), skill, "backcoach serve", skill_log)
        cert, key = tls.files[DOMAIN]
        rendered = subprocess.run(
            [DEPLOY / "render-site.sh"],
            env={
                "PATH": os.environ["PATH"],
                "DOMAIN": DOMAIN,
                "AUDIO_DIR": str(audio_dir),
                "UPSTREAM": f"127.0.0.1:{skill_port}",
                "TLS_CERT": str(cert),
                "TLS_KEY": str(key),
                "HTTPS_PORT": str(https_port),
                "HTTP_PORT": str(http_port),
                "ACME_ROOT": str(work / "acme"),
            },
            capture_output=True,
            text=True,
        )
        assert rendered.returncode == 0, rendered.stderr
        (work / "site.conf").write_text(rendered.stdout)
        (work / "nginx.conf").write_text(harness_conf(work))
        nginx_log = work / "error.log"
        nginx = subprocess.Popen(
            [binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(nginx_log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: listening(https_port), nginx, "nginx", nginx_log)
        yield Site(https_port, http_port, tls, cert_host.fetched, Path(audio_dir))
    finally:
        if nginx is not None:
            stop_process(nginx)
        stop_process(skill)
        cert_host.shutdown()
    assert_no_alexa_ids(skill_log.read_text(), "backcoach serve behind nginx")


def harness_conf(work: Path) -> str:
    """The main nginx.conf around the site: what /etc/nginx/nginx.conf is on a server."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {work}/tmp-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 768; }}  # Debian's default nginx.conf
http {{
    access_log {work}/access.log;
{temp}
    include {work}/site.conf;
}}
"""


# --- the checks -------------------------------------------------------------------------------


def signed(body: bytes, key) -> dict[str, str]:
    return {**headers_for(body, key), "Content-Type": "application/json"}


def through_nginx(site: Site, key) -> Callable[[dict], dict]:
    """Sends each envelope signed, through nginx, and answers its (200) response."""

    def send(envelope: dict) -> dict:
        body = json.dumps(envelope).encode()
        status, _, reply = site.request("POST", "/alexa", body, signed(body, key))
        assert status == 200, reply
        return json.loads(reply)

    return send


def conversation(site: Site, key) -> Conversation:
    """A conversation whose every turn is signed and goes through nginx."""
    return Conversation(through_nginx(site, key), audio_s=lambda src: 1.0)


def device(site: Site, key) -> Simulator:
    """An Echo Show whose every request is signed and goes through nginx, clips timed as built."""
    catalog = AudioCatalog.load(site.audio_dir)
    send = through_nginx(site, key)
    return Simulator(send, state=SessionState(), apl=True, length_s=catalog.audio_s)


def links(value: object) -> set[str]:
    """Every URL in a response's JSON, wherever it sits (strings inside strings too)."""
    if isinstance(value, str):
        return set(LINK.findall(value))
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*(links(item) for item in items))


def fetched_as_alexa_would(site: Site, turn: Turn) -> set[str]:
    """GET every link of a turn through nginx: 200 and the type its name says; the links."""
    assert not turn.problems, turn.problems
    found = links(turn.body)
    for url in sorted(found):
        assert url.startswith(f"{site.base}/"), f"{url} is not on the site Alexa reaches"
        status, headers, body = site.request("GET", url.removeprefix(site.base))
        assert status == 200 and body, (url, status)
        assert headers["Content-Type"] == CONTENT_TYPES[Path(url).suffix], url
        if "/audio/" in url:  # a clip's name carries its content's hash
            assert headers["Cache-Control"] == IMMUTABLE, url
    return found


@pytest.mark.slow
def test_a_signed_turn_reaches_the_skill_and_links_follow_the_proxy(site: Site, pki: Pki):  # noqa: F811
    conv = conversation(site, pki.leaf_key)
    launched = conv.launch()
    assert "Welcome to Back Coach" in launched["response"]["outputSpeech"]["ssml"]
    # The skill downloaded the signing chain itself, from where Alexa's header said it is.
    assert site.fetched == [URL]
    played = conv.intent("StartExerciseIntent", exercise="plank")
    urls = AUDIO.findall(played["response"]["outputSpeech"]["ssml"])
    assert urls and all(u.startswith(f"{site.base}/audio/") for u in urls), urls


@pytest.mark.slow
def test_every_link_alexa_follows_is_served_by_the_site(site: Site, pki: Pki):  # noqa: F811
    # A dialog turn on an Echo Show: spoken clips (and whatever its screen links to).
    talking = device(site, pki.leaf_key)
    talking.send(env.launch_request())
    started = talking.send(
        env.intent_request("StartExerciseIntent", {"exercise": exercise_slot("plank")})
    )
    spoken = fetched_as_alexa_would(site, started)
    assert set(started.audio) <= spoken and started.audio, started.ssml
    # A hands-free start: the Play directive's stream, its art and background image.
    hands_free = device(site, pki.leaf_key)
    playing = hands_free.send(env.intent_request("HandsFreeIntent"))
    streamed = fetched_as_alexa_would(site, playing)
    (play,) = [d for d in playing.directives if d["type"] == "AudioPlayer.Play"]
    item = play["audioItem"]
    art = [item["metadata"][role]["sources"][0]["url"] for role in ("art", "backgroundImage")]
    assert {item["stream"]["url"], *art} <= streamed
    assert {Path(url).suffix for url in streamed} == {".mp3", ".png"}
    for event in hands_free.events:  # what the player's reports were answered with
        fetched_as_alexa_would(site, event)


@pytest.mark.slow
def test_slow_clients_hold_nothing_a_voice_turn_needs(site: Site, pki: Pki):  # noqa: F811
    """nginx reads a whole request before the skill sees it (proxy_request_buffering) and
    waits on slow clients in its event loop: 200 connections from one client trickling their
    headers or their bodies hold none of the skill's worker threads."""
    held = []
    try:
        for n in range(200):
            raw = socket.create_connection((DOMAIN, site.https_port), timeout=10)
            sock = site.tls.client().wrap_socket(raw, server_hostname=DOMAIN)
            held.append(sock)
            head = f"POST /alexa HTTP/1.1\r\nHost: {DOMAIN}\r\n"
            if n % 2:  # the headers never end
                sock.sendall(head.encode())
            else:  # the body never comes
                sock.sendall(f"{head}Content-Length: 4000\r\n\r\n{{".encode())
        started = time.monotonic()
        launched = conversation(site, pki.leaf_key).launch()
        took_s = time.monotonic() - started
    finally:
        for sock in held:
            sock.close()
    assert "Welcome to Back Coach" in launched["response"]["outputSpeech"]["ssml"]
    assert took_s < 2.0, f"a turn took {took_s:.1f} s beside 200 slow clients"


def test_images_are_served_with_the_skills_day_of_caching(site: Site):
    """Their names stay the same when redrawn: cacheable, never immutable."""
    status, headers, body = site.request("GET", "/images/art.png")
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["Cache-Control"] == "public, max-age=86400"
    assert site.request("GET", "/images/missing.png")[0] == 404
    assert site.request("POST", "/images/art.png", b"x")[0] == 403


@pytest.mark.slow
def test_nginx_serves_a_clip_range_with_immutable_caching(site: Site):
    clip = sorted(site.audio_dir.glob("*.mp3"))[0]
    data = clip.read_bytes()
    status, headers, body = site.request(
        "GET", f"/audio/{clip.name}", headers={"Range": "bytes=0-143"}
    )
    assert status == 206 and body == data[:144]
    assert headers["Content-Range"] == f"bytes 0-143/{len(data)}"
    assert headers["Content-Type"] == "audio/mpeg"
    assert headers["Cache-Control"] == IMMUTABLE
    status, _, body = site.request("GET", f"/audio/{clip.name}")
    assert status == 200 and body == data


@pytest.mark.slow
def test_forged_requests_are_refused_by_the_skill(site: Site, pki: Pki):  # noqa: F811
    launch = env.Caller(skill_id=SKILL_ID).envelope(env.launch_request(), session_id="s", new=True)
    body = json.dumps(launch).encode()
    status, _, reply = site.request("POST", "/alexa", body, {"Content-Type": "application/json"})
    assert status == 400 and "missing SignatureCertChainUrl" in json.loads(reply)["reason"]
    forged = signed(body, pki.other_key)
    status, _, reply = site.request("POST", "/alexa", body, forged)
    assert status == 400 and json.loads(reply)["reason"] == "bad signature"


@pytest.mark.slow
def test_only_the_endpoint_the_clips_and_the_images_are_public(site: Site):
    assert site.request("GET", "/alexa")[0] == 403
    assert site.request("GET", "/audio/manifest.json")[0] == 404
    assert site.request("GET", "/healthz")[0] == 404
    assert site.request("GET", "/images/")[0] == 404
    assert (
        site.request("POST", "/alexa", b"x" * 300_000, {"Content-Type": "application/json"})[0]
        == 413
    )
    conn = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=5)
    conn.request("GET", "/alexa", headers={"Host": DOMAIN})
    reply = conn.getresponse()
    assert reply.status == 301 and reply.headers["Location"] == f"https://{DOMAIN}/alexa"


def test_trust_roots_that_are_not_pem_are_named_on_one_line(tmp_path):
    bad = tmp_path / "roots.pem"
    bad.write_text("not a certificate")
    config = Config(trust_roots=bad, audio=False, data_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"^BACKCOACH_TRUST_ROOTS: .*roots.pem is not a PEM"):
        create_app(config)
    with pytest.raises(ConfigError, match="BACKCOACH_TRUST_ROOTS"):
        Config.from_env({"BACKCOACH_TRUST_ROOTS": str(tmp_path / "missing.pem")})


def env_file() -> dict[str, str]:
    """The settings of deploy/backcoach.env."""
    lines = (DEPLOY / "backcoach.env").read_text().splitlines()
    return dict(x.split("=", 1) for x in lines if x.strip() and not x.startswith("#"))


def test_the_shipped_files_agree_with_each_other():
    settings = env_file() | unit_environment()
    assert set(settings) <= set(SETTINGS.values())
    config = Config.from_env(settings)
    assert config.trust_proxy and config.verify
    # A default render proxies to where the unit listens and serves the audio the unit builds.
    rendered = subprocess.run(
        [DEPLOY / "render-site.sh"],
        env={"PATH": os.environ["PATH"], "DOMAIN": "coach.example.com"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    args = unit_serve_args()
    listen = f"{args[args.index('--host') + 1]}:{args[args.index('--port') + 1]}"
    assert f"server {listen};" in rendered
    assert f"alias {config.audio_cache}/$1;" in rendered
    assert "ssl_certificate /etc/letsencrypt/live/coach.example.com/fullchain.pem;" in rendered
