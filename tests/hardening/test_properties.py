"""Property-based tests (hypothesis): the fast parser reads times, spoken numbers, tempos and keys back exactly and
never crashes on any text; regions are either refused or sane; splices and crossfades keep lengths exact and the
untouched audio bit-exact, never make NaN/inf, and mastering/limiting never clips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.graph import parser
from models.edit.audio import MIN_REGION_S, EditError, check_region, crossfade, room, splice
from models.edit.base import Source
from models.edit.extend import LoopExtender, seamless_loop
from models.edit.inpaint import ConcatInpainter
from studios.base import KEY_RE
from studios.mastering import CEILING_DBTP, exact_length, limiter, master, true_peak_dbtp

# Deterministic and writing no example database into the repository: the suite stays reproducible and clean.
FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)
AUDIO = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def spoken(n: int, joiner: str = " ") -> str:
    """English words for 0..999 the way people say them ("one hundred and twenty five")."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else joiner + _UNITS[n % 10])
    rest = n % 100
    return f"{_UNITS[n // 100]} hundred" + ("" if rest == 0 else " and " + spoken(rest, joiner))


# -- parser: values read back exactly ----------------------------------------------------------------------
@FAST
@given(st.integers(0, 120), st.integers(0, 59))
def test_clock_times_read_as_seconds(minutes: int, seconds: int):
    assert parser.parse_duration(f"make it {minutes}:{seconds:02d} long") == minutes * 60 + seconds
    assert parser.parse_seconds_list(f"redo from {minutes}:{seconds:02d} to {minutes + 1}:00") == [
        minutes * 60 + seconds, (minutes + 1) * 60]


@FAST
@given(st.integers(0, 999), st.sampled_from([" ", "-"]))
def test_spoken_numbers_read_back(n: int, joiner: str):
    assert parser.words_to_number(spoken(n, joiner)) == n


@FAST
@given(st.integers(40, 300))
def test_spoken_tempo_becomes_digits(bpm: int):
    assert parser.parse_bpm(parser.normalise_numbers(f"make it {spoken(bpm)} bpm")) == bpm
    if bpm >= 100 and bpm % 100 >= 10:  # "one twenty bpm": how tempos are said
        said = f"{_UNITS[bpm // 100]} {spoken(bpm % 100)} bpm"
        assert parser.parse_bpm(parser.normalise_numbers(said)) == bpm


@FAST
@given(st.integers(1, 9), st.integers(10, 59))
def test_spoken_clock_times(minutes: int, seconds: int):
    text = parser.normalise_numbers(f"comment at {_UNITS[minutes]} {spoken(seconds)}: nice")
    assert parser.parse_seconds_list(text) == [minutes * 60 + seconds]


@FAST
@given(st.decimals(min_value=1, max_value=10_000, places=2).map(float),
       st.sampled_from(["seconds", "second", "secs", "sec", "s"]))
def test_durations_in_seconds(value: float, unit: str):
    assert parser.parse_duration(f"make a {value:g} {unit} loop") == pytest.approx(value)


@FAST
@given(st.integers(0, 90), st.integers(0, 59))
def test_durations_in_minutes_and_seconds(minutes: int, seconds: int):
    assert parser.parse_duration(f"{minutes} minutes and {seconds} seconds") == minutes * 60 + seconds
    assert parser.parse_duration(f"{minutes} min") == minutes * 60


@FAST
@given(st.decimals(min_value=1, max_value=999, places=1).map(float))
def test_tempo_digits(bpm: float):
    for text in (f"at {bpm:g} bpm", f"tempo {bpm:g}", f"{bpm:g} beats per minute"):
        assert parser.parse_bpm(text) == pytest.approx(bpm)


_ACC = {"": "", "#": "#", "sharp": "#", "♯": "#", "b": "b", "flat": "b", "♭": "b"}
_MODE = {"": "", "minor": "m", "min": "m", "m": "m", "major": "", "maj": ""}


@FAST
@given(st.sampled_from("ABCDEFGabcdefg"), st.sampled_from(sorted(_ACC)), st.sampled_from(sorted(_MODE)),
       st.sampled_from(["in", "key of", "key"]))
def test_keys_read_back(letter: str, acc: str, mode: str, lead: str):
    acc_sep = " " if acc in ("sharp", "flat") else ""
    mode_sep = " " if mode in ("minor", "major", "min", "maj") else ""
    text = f"a dungeon theme {lead} {letter}{acc_sep}{acc}{mode_sep}{mode} please"
    assert parser.parse_key(text) == letter.upper() + _ACC[acc] + _MODE[mode], text


# -- parser: never crashes, and what it returns is usable ------------------------------------------------
_WORDS = ["track", "tracks", "bpm", "at", "from", "to", "and", "in", "minor", "sharp", "seconds", "min", "hours",
          "one", "twenty", "hundred", "oh", "#", ":", "-", ",", "C", "F#", "Bb", "m", "1:32", "9" * 30, "-5", "0"]
HOSTILE = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_WORDS) | st.from_regex(r"\d{1,25}", fullmatch=True),
                                                   max_size=12).map(" ".join))


@FAST
@given(HOSTILE)
def test_parser_never_crashes_and_returns_usable_values(text: str):
    low = parser.normalise_numbers(parser.fix_typos(text.lower()))
    duration, bpm, key = parser.parse_duration(low), parser.parse_bpm(low), parser.parse_key(text)
    assert duration is None or isinstance(duration, float)
    assert bpm is None or isinstance(bpm, float)
    assert key is None or KEY_RE.match(key), key  # a key the studios' validation accepts
    for t in parser.parse_tracks(low):
        assert t == parser.CURRENT or (isinstance(t, int) and abs(t) <= parser.BEYOND)  # storable in 64 bits
    assert all(isinstance(s, float) for s in parser.parse_seconds_list(low))
    assert len(parser.parse_tracks(low)) <= 500 * max(1, low.count("-") + low.count("to"))


# -- regions -------------------------------------------------------------------------------------------------
FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@FAST
@given(FLOATS, FLOATS, st.floats(0.5, 600))
def test_regions_are_refused_or_sane(start: float, end: float, duration: float):
    try:
        r = check_region(start, end, duration)
    except EditError as err:
        assert str(err) and "region" in str(err)
        return
    assert 0 <= r.start_s < r.end_s <= duration and r.length_s >= MIN_REGION_S - 1e-9


# -- splicing, crossfades, loops ----------------------------------------------------------------------------
def noise(n: int, seed: int, gain: float = 0.5) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((n, 2)) * gain).astype(np.float32)


@FAST
@given(st.integers(1, 4000), st.integers(1, 4000), st.integers(0, 4000), st.booleans(), st.integers(0, 99))
def test_crossfade_length_and_finiteness(n_head: int, n_tail: int, fade: int, correlated: bool, seed: int):
    fade = min(fade, n_head, n_tail)
    out = crossfade(noise(n_head, seed), noise(n_tail, seed + 1), fade, correlated)
    assert out.shape == (n_head + n_tail - fade, 2) and np.isfinite(out).all()


@FAST
@given(st.integers(1, 2000), st.floats(-1, 1))
def test_linear_crossfade_of_the_same_signal_is_the_signal(fade: int, level: float):
    a = np.full((fade + 10, 2), level, np.float32)
    out = crossfade(a, a, fade, correlated=True)
    assert np.allclose(out, level, atol=1e-6)


@st.composite
def regions(draw):
    """(length, region start, region end, wanted crossfade, seed): any region of any take."""
    n = draw(st.integers(200, 20_000))
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start + 1, n))
    return n, start, end, draw(st.integers(0, 4000)), draw(st.integers(0, 999))


@FAST
@given(regions(), st.booleans())
def test_splice_with_room_keeps_length_and_the_untouched_audio(args, correlated: bool):
    n, start, end, fade, seed = args
    fi, fo = room(start, end, n, fade)  # what every in-painter asks for
    base, patch = noise(n, seed), noise(fi + (end - start) + fo, seed + 1)
    out = splice(base, patch, start, fi, fo, correlated)
    assert out.shape == base.shape and np.isfinite(out).all()
    assert np.array_equal(out[: start - fi], base[: start - fi])  # bit-exact outside the crossfades
    assert np.array_equal(out[end + fo:], base[end + fo:])


@FAST
@given(regions())
def test_splice_whose_crossfades_overlap_is_refused(args):
    n, start, end, fade, seed = args
    fi, fo = min(fade, start), min(fade, n - end)
    if end - start >= fi + fo:
        return
    with pytest.raises(EditError, match="crossfades"):
        splice(noise(n, seed), noise(fi + (end - start) + fo, seed), start, fi, fo)


@FAST
@given(st.integers(400, 5000), st.integers(0, 49), st.integers(1, 100), st.integers(0, 99))
def test_splice_without_room_for_its_crossfades_is_refused(n: int, start: int, overshoot: int, seed: int):
    fade, region = 50, 100
    patch = noise(region + 2 * fade, seed)
    with pytest.raises(EditError, match="room"):
        splice(noise(n, seed), patch, start, fade)  # no room before the region
    with pytest.raises(EditError, match="room"):
        splice(noise(n, seed), patch, n - region - fade + overshoot, fade)  # none after it


@FAST
@given(st.floats(0.2, 3.0), st.sampled_from([8000, 22050, 44100]), st.integers(0, 99))
def test_seamless_loop_is_exactly_as_long_as_asked(loop_s: float, sr: int, seed: int):
    audio = noise(int((loop_s + 0.2) * sr), seed)
    out = seamless_loop(audio, sr, loop_s, 0.05)
    assert out.shape == (int(round(loop_s * sr)), 2) and np.isfinite(out).all()


@FAST
@given(st.integers(0, 5000), st.integers(0, 5000), st.sampled_from([8000, 44100]))
def test_exact_length_is_exact(have: int, want: int, sr: int):
    out = exact_length(noise(have, 1), want, sr)
    assert out.shape == (want, 2) and np.isfinite(out).all()


def groove_source(seconds: float, bpm: float, seed: int, sr: int = 22050) -> Source:
    """Noise bursts on every beat over a quiet pad: material the beat matcher can work with."""
    n = int(seconds * sr)
    audio = noise(n, seed, 0.02)
    for beat in np.arange(0, seconds, 60.0 / bpm):
        i = int(beat * sr)
        audio[i:i + 800] += noise(len(audio[i:i + 800]), seed + i, 0.4)
    return Source(audio.astype(np.float32), sr, bpm)


@AUDIO
@given(st.floats(4.0, 10.0), st.floats(70, 180), st.floats(0.5, 30.0), st.integers(0, 99))
def test_extend_output_length_is_exact(seconds: float, bpm: float, extra: float, seed: int):
    src = groove_source(seconds, bpm, seed)
    try:
        out = LoopExtender().extend(src, extra)
    except EditError as err:  # e.g. 4 s at 70 BPM: not enough beats before the ending to loop back by
        assert "too few beats" in str(err)
        assert seconds * bpm / 60 < 12
        return
    assert out.audio.shape == (int(round((src.duration_s + extra) * src.sr)), 2)
    assert np.isfinite(out.audio).all() and out.audio.dtype == np.float32


@AUDIO
@given(st.floats(8.0, 12.0), st.floats(0.0, 1.0), st.floats(0.3, 2.0), st.integers(0, 99))
def test_inpaint_keeps_length_and_the_rest_of_the_take(seconds: float, where: float, length: float, seed: int):
    src = groove_source(seconds, 120.0, seed)
    start = 0.5 + where * (seconds / 2 - length - 1.0)
    region = check_region(start, start + length, src.duration_s)
    try:
        out = ConcatInpainter().inpaint(src, region)
    except EditError as err:  # no other stretch fits: refused with the limit named
        assert "too long" in str(err)
        return
    assert out.audio.shape == src.audio.shape and np.isfinite(out.audio).all()
    fade = int(ConcatInpainter.fade_s * src.sr)
    a, b = int(round(region.start_s * src.sr)) - fade, int(round(region.end_s * src.sr)) + fade
    assert np.array_equal(out.audio[:a], src.audio[:a]) and np.array_equal(out.audio[b:], src.audio[b:])


# -- mastering never clips --------------------------------------------------------------------------------------
@AUDIO
@given(st.floats(-60, 40), st.floats(-0.5, 0.5), st.floats(0.5, 2.0), st.integers(0, 99))
def test_master_never_clips(gain_db: float, dc: float, seconds: float, seed: int):
    sr = 22050
    x = noise(int(seconds * sr), seed, 10 ** (gain_db / 20)) + dc
    y = master(x, sr)
    assert np.isfinite(y).all() and y.shape == (x.shape[0], 2)
    assert true_peak_dbtp(y) <= CEILING_DBTP + 0.05 and np.abs(y).max() < 1.0


@FAST
@given(st.floats(-40, 60), st.floats(-12, -0.1), st.integers(100, 5000), st.integers(0, 99))
def test_limiter_never_exceeds_its_ceiling(gain_db: float, ceiling_db: float, n: int, seed: int):
    y = limiter(noise(n, seed, 10 ** (gain_db / 20)), 22050, ceiling_db)
    assert np.isfinite(y).all() and np.abs(y).max() <= 10 ** (ceiling_db / 20) * (1 + 1e-6)


def test_master_of_silence_is_silence():
    y = master(np.zeros((22050, 2), np.float32), 22050)
    assert np.isfinite(y).all() and not np.abs(y).any()
