"""Voice eval: a spoken command set made with espeak-ng (several voices and speeds), through each
shipped Whisper model, with and without the command-biased prompt.

Prints word error rate (on the normalised text), routing accuracy (the spoken command routes like the
typed one: same tool and non-free-text args, by the fast parser + schedule phrases, no LLM) and the
real-time factor / seconds per ~3 s command on 2 threads. Audio goes to a cache dir, not the repo.

    .venv/bin/python bench/voice_eval.py                 # 48 commands, one voice/speed each
    .venv/bin/python bench/voice_eval.py --full          # every command in every voice and speed
    .venv/bin/python bench/voice_eval.py --configs base+prompt --threads 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.graph.catalogue import FREE_TEXT_ARGS  # noqa: E402
from assistant.graph.commands import fast_parse  # noqa: E402
from assistant.jobs.phrases import schedule_route  # noqa: E402
from models.asr.base import load_audio  # noqa: E402
from models.asr.loader import open_transcriber  # noqa: E402
from models.asr.normalise import normalise_transcript  # noqa: E402
from models.asr.prompt import command_prompt  # noqa: E402
from models.asr.shipped import assemble_base, tiny_en  # noqa: E402
from models.asr.synth import speak  # noqa: E402

COMMANDS = (
    "generate a chiptune track at ninety bpm", "make a lofi hip hop beat in D minor",
    "compose a jazz waltz at one hundred twenty bpm", "create a heavy metal riff in E minor",
    "generate three variations of a chiptune boss battle", "make a thirty second cypher beat",
    "generate a sad piano piece in A minor", "make an epic orchestral theme at seventy bpm",
    "switch to the cypher studio", "switch to the chiptune studio", "use the ironclad studio",
    "change to the bluenote studio", "which studio is active", "list my tracks", "show my favorite tracks",
    "show the tracks in the trash", "favorite track five", "favorite it", "dislike track two",
    "trash track seven", "restore track seven", "delete tracks three and four", "extend it by twenty seconds",
    "extend track four by ten seconds", "upscale track three", "separate the stems of track two",
    "split it into stems", "export track one as midi", "export it to reaper", "create an album called road trip",
    "add track six to the album road trip", "comment on track two at one thirty two nice drop",
    "find tracks similar to track three", "reindex the library", "show the scheduled jobs", "list jobs",
    "cancel job two", "cancel all jobs", "every night at two am generate five chiptune tracks",
    "reindex every sunday", "every weekday at nine am reindex", "tomorrow at three pm generate a cypher beat",
    "every morning make a bluenote ballad", "make it faster", "make it slower", "same but in C major",
    "enhance the prompt dreamy synthwave", "hello there",
)
VOICES = (("en-us", 150), ("en-gb", 175), ("en-us+f3", 135), ("en-gb-x-rp", 190))


def route_of(text: str) -> dict[str, Any]:
    fast = fast_parse(text)
    r = schedule_route(text) or (fast.as_dict() if fast else {"tool": "llm", "args": {}})
    return {"tool": r["tool"], "args": {k: v for k, v in r["args"].items() if k not in FREE_TEXT_ARGS}}


def wer(ref: str, hyp: str) -> tuple[int, int]:
    """(word edits, reference words) by Levenshtein distance over words."""
    r, h = ref.split(), hyp.split()
    prev = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        cur = [i]
        for j, hw in enumerate(h, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rw != hw)))
        prev = cur
    return prev[-1], len(r)


def clips(cache: Path, full: bool) -> list[tuple[str, str, int, Path]]:
    out = []
    for i, cmd in enumerate(COMMANDS):
        for voice, speed in VOICES if full else (VOICES[i % len(VOICES)],):
            out.append((cmd, voice, speed, speak(cmd, cache, voice, speed)))
    return out


def evaluate(name: str, model: Path, prompt: str | None, data: list[tuple[str, str, int, Path]],
             threads: int) -> dict[str, float]:
    asr = open_transcriber(model, threads=threads)
    asr.transcribe(load_audio(data[0][3]), prompt)  # warm-up: first call allocates
    edits = words = routed = 0
    rtf, three_s = [], []
    misses = []
    for cmd, voice, speed, wav in data:
        t = asr.transcribe(load_audio(wav), prompt)
        ref, hyp = normalise_transcript(cmd), normalise_transcript(t.text)
        e, n = wer(ref, hyp)
        edits, words = edits + e, words + n
        ok = route_of(hyp) == route_of(ref)
        routed += ok
        if not ok:
            misses.append(f"    [{voice} {speed}] {ref!r} -> {hyp!r}")
        rtf.append(t.rtf)
        if 2.0 <= t.duration_s <= 4.0:
            three_s.append(t.seconds)
    print(f"{name:>16}: WER {edits / words:.3f}  routing {routed}/{len(data)} ({routed / len(data):.0%})  "
          f"RTF median {statistics.median(rtf):.2f}  2-4 s command: median "
          f"{statistics.median(three_s) if three_s else float('nan'):.2f} s, max {max(three_s or [0]):.2f} s")
    for m in misses[:8]:
        print(m)
    return {"wer": edits / words, "routing": routed / len(data)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="every command in every voice/speed")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "studio-voice-eval")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--configs", default="tiny.en+prompt,base+prompt,base",
                    help="comma list of MODEL[+prompt], MODEL in tiny.en, base")
    a = ap.parse_args()
    data = clips(a.cache / "wav", a.full)
    typed_ok = sum(route_of(normalise_transcript(c))["tool"] != "llm" for c, *_ in data)
    print(f"{len(data)} clips of {len(COMMANDS)} commands, voices {', '.join(f'{v}@{s}' for v, s in VOICES)}; "
          f"{typed_ok}/{len(data)} typed commands route without the LLM; {a.threads} threads")
    models = {"tiny.en": tiny_en(), "base": assemble_base(a.cache / "models")}
    for cfg in a.configs.split(","):
        name, _, use_prompt = cfg.partition("+")
        model = models[name]
        if model is None:
            print(f"{cfg}: not installed")
            continue
        evaluate(cfg, model, command_prompt() if use_prompt else None, data, a.threads)


if __name__ == "__main__":
    main()
