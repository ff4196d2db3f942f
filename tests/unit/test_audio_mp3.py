"""The MP3 format Alexa needs: encoding, decoding with the codec delay, the format check."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.audio.build.ffmpeg import AudioSegment, Sine, pcm_args, run_ffmpeg
from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import (
    CODEC_DELAY_SAMPLES,
    MAX_LENGTH_S,
    TRACK_ENCODE_ARGS,
    check_mp3,
    check_stream_mp3,
    decode_mp3,
    encode_mp3,
    encode_track,
    mp3_length_s,
)

RATE = 24000


def bursts(at_s: tuple[float, ...], length_s: float = 3.0, rate: int = RATE) -> AudioSegment:
    """Silence with a 100 ms tone starting at each of `at_s`."""
    audio = AudioSegment.silent(round(length_s * 1000), frame_rate=rate)
    tone = Sine(440, sample_rate=rate).to_audio_segment(duration=100, volume=-10.0)
    for t in at_s:
        audio = audio.overlay(tone, position=round(t * 1000))
    return audio


def noise_bursts(at_s: tuple[float, ...], length_s: float = 3.0) -> AudioSegment:
    """Silence with 100 ms of loud noise at each of `at_s` (dearer to encode than a tone)."""
    samples = np.zeros(round(length_s * RATE))
    noise = np.random.default_rng(1).normal(0, 3000, RATE // 10)
    for t in at_s:
        samples[round(t * RATE) : round(t * RATE) + len(noise)] = noise
    return AudioSegment(
        samples.astype(np.int16).tobytes(), sample_width=2, frame_rate=RATE, channels=1
    )


def ffmpeg_mp3(path, audio: AudioSegment, *options: str):
    """Encode to a file (so ffmpeg writes its Xing/Info frame) with arbitrary options."""
    run_ffmpeg([*pcm_args(audio.frame_rate), "-i", "pipe:0", *options, str(path)], audio.raw_data)
    return path


def test_encoded_files_pass_the_check(tmp_path):
    path = encode_mp3(bursts((0.5, 1.5)), tmp_path / "a.mp3")
    assert check_mp3(path) == []
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp3"], "no temporary file left"
    assert mp3_length_s(path) == pytest.approx(3.0 + CODEC_DELAY_SAMPLES / RATE, abs=0.03)


def test_decoding_removes_the_codec_delay_so_onsets_are_where_they_were_put(tmp_path):
    path = encode_mp3(bursts((0.5, 1.25, 2.0)), tmp_path / "a.mp3")
    samples, rate = decode_mp3(path)
    assert rate == RATE
    assert onsets_s(samples, rate, threshold_dbfs=-60.0) == pytest.approx(
        (0.5, 1.25, 2.0), abs=0.002
    )
    raw, _ = decode_mp3(path, strip_codec_delay=False)
    late = CODEC_DELAY_SAMPLES / RATE
    assert onsets_s(raw, rate, threshold_dbfs=-60.0) == pytest.approx(
        (0.5 + late, 1.25 + late, 2.0 + late), abs=0.002
    )
    assert len(raw) - len(samples) == CODEC_DELAY_SAMPLES


def test_encode_refuses_audio_in_another_format(tmp_path):
    with pytest.raises(ValueError, match="mono 16-bit 24000 Hz"):
        encode_mp3(bursts((0.1,), rate=44100), tmp_path / "a.mp3")
    with pytest.raises(ValueError, match="2 channel"):
        encode_mp3(bursts((0.1,)).set_channels(2), tmp_path / "a.mp3")


def test_check_refuses_mpeg1_at_the_wrong_rates(tmp_path):
    audio = bursts((0.1,), rate=44100)
    path = ffmpeg_mp3(tmp_path / "m1.mp3", audio, "-codec:a", "libmp3lame", "-b:a", "128k")
    problems = " | ".join(check_mp3(path))
    assert "MPEG version 1 (need 2)" in problems
    assert "bitrate 127999 bps (need 48000)" in problems  # mutagen's estimate
    assert "sample rate 44100 Hz" in problems


def test_check_refuses_vbr(tmp_path):
    noise = Sine(3000, sample_rate=RATE).to_audio_segment(duration=800, volume=-6)
    audio = bursts((0.1, 0.6, 1.1, 1.6)).overlay(noise, position=1500)
    path = ffmpeg_mp3(tmp_path / "vbr.mp3", audio, "-codec:a", "libmp3lame", "-q:a", "2")
    problems = check_mp3(path)
    assert "bitrate mode VBR (need CBR)" in problems
    assert any(p.startswith("not CBR: frame bitrates vary") for p in problems)


def test_check_refuses_ffmpegs_default_info_frame_at_64_kbps(tmp_path):
    # ffmpeg's default "CBR" output starts with a LAME Info frame that, at 24 kHz, does not fit
    # a 48 kbps frame: ffmpeg writes it at 64 kbps. That is why we encode with -write_xing 0.
    audio = bursts((0.1,))
    options = ("-codec:a", "libmp3lame", "-b:a", "48k", "-ar", "24000", "-ac", "1")
    path = ffmpeg_mp3(tmp_path / "info.mp3", audio, *options)
    assert b"Info" in path.read_bytes()[:2000]
    assert check_mp3(path) == ["not CBR: frame bitrates vary from 48000 to 64000 bps"]


def test_check_refuses_files_over_240_s(tmp_path):
    silence = AudioSegment.silent(round((MAX_LENGTH_S + 2) * 1000), frame_rate=RATE)
    path = encode_mp3(silence, tmp_path / "long.mp3")
    assert check_mp3(path) == [f"length {mp3_length_s(path):.1f} s (max 240)"]


def test_check_refuses_what_is_not_an_mp3(tmp_path):
    path = tmp_path / "x.mp3"
    path.write_text("hello")
    assert check_mp3(path)[0].startswith("not a readable MP3")
    assert check_mp3(tmp_path / "missing.mp3")[0].startswith("not a readable MP3")


def test_pcm_round_trip_keeps_the_signal(tmp_path):
    audio = bursts((0.2,), length_s=0.5)
    samples, _ = decode_mp3(encode_mp3(audio, tmp_path / "a.mp3"))
    original = np.frombuffer(audio.raw_data, dtype=np.int16).astype(float)
    decoded = samples[: len(original)].astype(float)
    corr = np.corrcoef(original, decoded)[0, 1]
    assert corr > 0.95


# -- hands-free tracks: AudioPlayer streams, variable rate ---------------------------------------


def test_a_track_is_variable_rate_with_an_info_frame_and_keeps_its_onsets(tmp_path):
    audio = noise_bursts((0.5, 1.25, 2.0))
    track = encode_mp3(audio, tmp_path / "track.mp3", TRACK_ENCODE_ARGS)
    clip = encode_mp3(audio, tmp_path / "clip.mp3")
    assert check_stream_mp3(track, 60) == []
    assert b"Info" in track.read_bytes()[:200] or b"Xing" in track.read_bytes()[:200]
    assert check_mp3(track), "not a clip: SSML audio must stay 48 kbps CBR"
    assert track.stat().st_size < clip.stat().st_size / 2  # silence costs 8 kbps, not 48
    # The Info frame carries LAME's delay, which the decoder removes (a gapless player does).
    samples, rate = decode_mp3(track)
    assert onsets_s(samples, rate, threshold_dbfs=-60.0) == pytest.approx(
        (0.5, 1.25, 2.0), abs=0.005
    )
    assert mp3_length_s(track) == pytest.approx(mp3_length_s(clip), abs=0.03)


def test_stream_check_refuses_what_a_player_could_not_time(tmp_path):
    audio = noise_bursts((0.5, 1.25, 2.0))
    # Piped, ffmpeg cannot go back to write the Info frame: a player would misjudge the length.
    piped = tmp_path / "piped.mp3"
    piped.write_bytes(
        run_ffmpeg(
            [*pcm_args(RATE), "-i", "pipe:0", *TRACK_ENCODE_ARGS, "-f", "mp3", "pipe:1"],
            audio.raw_data,
        )
    )
    assert check_stream_mp3(piped, 60) == ["no Xing/Info frame (players could not tell its length)"]
    quiet = encode_mp3(bursts((0.5,)), tmp_path / "quiet.mp3", TRACK_ENCODE_ARGS)
    assert check_stream_mp3(quiet, 60)[0].startswith("average bitrate ")
    assert check_stream_mp3(quiet, 60)[0].endswith("(need 16000 to 384000)")
    mpeg1 = ffmpeg_mp3(tmp_path / "m1.mp3", bursts((0.1,), rate=44100), "-codec:a", "libmp3lame")
    assert "MPEG 1 layer 3 (need MPEG-2 layer III)" in check_stream_mp3(mpeg1, 60)
    track = encode_mp3(audio, tmp_path / "track.mp3", TRACK_ENCODE_ARGS)
    assert check_stream_mp3(track, 2.0) == [f"length {mp3_length_s(track):.1f} s (max 2)"]
    assert check_stream_mp3(tmp_path / "missing.mp3", 60)[0].startswith("not a readable MP3")


def test_a_nearly_silent_track_falls_back_to_48_kbps_to_stay_above_the_floor(tmp_path):
    quiet = encode_track(bursts((0.5,)), tmp_path / "quiet.mp3")
    assert check_stream_mp3(quiet, 60) == []
    loud = encode_track(noise_bursts((0.5, 1.25, 2.0)), tmp_path / "loud.mp3")
    assert loud.stat().st_size < quiet.stat().st_size, "only the quiet one pays for CBR"
    for path in (quiet, loud):
        samples, rate = decode_mp3(path)
        assert onsets_s(samples, rate, threshold_dbfs=-60.0)[0] == pytest.approx(0.5, abs=0.005)
