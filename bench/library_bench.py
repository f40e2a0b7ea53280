"""Library and similar-track search benchmark: prints figures (no pass/fail).

    .venv/bin/python bench/library_bench.py                # everything, ~10-15 min on 2 busy cores
    .venv/bin/python bench/library_bench.py --only quality --per-studio 6

Scale runs use SYNTHETIC rows and SYNTHETIC unit vectors (the index cost does not depend on what the
vectors mean); queries are embedded by the REAL MiniLM. Index throughput embeds REAL track texts with
MiniLM and real DSP audio vectors. Retrieval quality uses REAL renders of every studio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # 2 shared cores: more threads only contend
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from assistant.services import StudioServices  # noqa: E402
from assistant.settings import StudioSettings  # noqa: E402
from library.models import Track, utcnow  # noqa: E402
from library.repository import TrackFilter  # noqa: E402
from library.search import SimilarQuery  # noqa: E402
from library.service import BatchEdit  # noqa: E402
from library.track_text import track_text  # noqa: E402
from models.rag.index import VectorIndex  # noqa: E402
from models.rag.text import TEXT_DIM, MiniLMEmbeddingFunction  # noqa: E402

STUDIOS = ("chiptune", "cypher", "ironclad", "bluenote", "virtuoso")
WORDS = "boss battle night drive rainy cafe sunrise chase dungeon ballad groove anthem lullaby storm".split()


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples) * 1000, q))


def timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def synthetic_rows(services: StudioServices, n: int) -> None:
    rng = np.random.default_rng(0)
    now = utcnow()
    rows = [dict(title=f"{WORDS[i % len(WORDS)]} {i}", prompt=" ".join(rng.choice(WORDS, 6)),
                 studio=STUDIOS[i % 5], bpm=float(rng.integers(60, 200)), key="Am", duration_s=30.0,
                 sample_rate=44100, channels=2, file_path=f"synthetic/{i}.wav", description="", params={},
                 created_at=now, updated_at=now, operation="generate", favorite=bool(i % 7 == 0),
                 disliked=False, play_count=0) for i in range(n)]
    with services.db.session() as s:
        for k in range(0, n, 5000):
            s.execute(insert(Track), rows[k:k + 5000])


def bench_list(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        services = StudioServices(StudioSettings(data_dir=Path(d)))
        t = time.perf_counter()
        synthetic_rows(services, n)
        print(f"[list] inserted {n:,} synthetic rows in {time.perf_counter() - t:.1f} s")
        lib = services.library
        cases = {"newest 50": TrackFilter(), "studio=ironclad": TrackFilter(studio="ironclad"),
                 "favorites": TrackFilter(favorites=True), "bpm 120-140 by bpm": TrackFilter(
                     bpm_min=120, bpm_max=140, sort="bpm"), "text 'dungeon'": TrackFilter(text="dungeon"),
                 "page 100 (offset 5000)": TrackFilter(offset=5000)}
        for name, flt in cases.items():
            rows = timed(lambda flt=flt: services.tracks.list(flt), 20)
            both = timed(lambda flt=flt: lib.page(flt), 20)
            print(f"[list] {n:,} tracks, {name:24s} page of 50 p50 {pct(rows, 50):6.1f} ms p95 "
                  f"{pct(rows, 95):6.1f} ms | + total count p50 {pct(both, 50):6.1f} ms p95 {pct(both, 95):6.1f} ms")
        ids = list(range(1, 1001))
        lib.create_album("bench")
        for step in (BatchEdit(ids, "favorite"), BatchEdit(ids, "tag", tags=["bench", "live"]),
                     BatchEdit(ids, "add_to_album", album="bench"), BatchEdit(ids, "trash"),
                     BatchEdit(ids, "restore")):
            t = time.perf_counter()
            lib.batch(step)
            print(f"[batch] {step.action:13s} 1,000 tracks in one transaction: {time.perf_counter() - t:.3f} s")


def bench_query(sizes: list[int]) -> None:
    fn = MiniLMEmbeddingFunction()
    queries = ["dark synthwave chase", "calm piano for rain", "fast metal riff", "lofi beat", "8-bit boss"]
    fn(queries)  # load the model
    s = timed(lambda: fn([queries[0]]), 30)
    print(f"[query] MiniLM query embedding alone: p50 {pct(s, 50):.1f} ms  p95 {pct(s, 95):.1f} ms")
    rng = np.random.default_rng(1)
    qvecs = [np.asarray(v) for v in fn(queries)]
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            _query_at(n, VectorIndex(Path(d), fn), queries, qvecs, rng)


def _query_at(n: int, ix: VectorIndex, queries: list[str], qvecs: list[np.ndarray],
              rng: np.random.Generator) -> None:
    t = time.perf_counter()
    for k in range(0, n, 5000):
        m = min(5000, n - k)
        vecs = rng.standard_normal((m, TEXT_DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        ids = list(range(k + 1, k + m + 1))
        metas = [{"track_id": i, "studio": STUDIOS[i % 5], "trashed": i % 200 == 0} for i in ids]
        ix.upsert("text", ids, metas, vectors=vecs)
    build = time.perf_counter() - t
    trash = frozenset(range(200, n + 1, 200))  # 0.5% in the trash, dropped the way SearchService does
    turn = [0]

    def query() -> None:  # embeds the words (real MiniLM), then searches excluding the trash
        turn[0] += 1
        ix.query("text", np.asarray(ix.text_fn([queries[turn[0] % len(queries)]])[0]), 5, None, trash)

    full = timed(query, 40)
    only = timed(lambda: ix.query("text", qvecs[1], 5, None, trash), 40)
    studio = timed(lambda: ix.query("text", qvecs[1], 5, {"studio": "bluenote"}, trash), 20)
    print(f"[query] {n:>7,} tracks (synthetic vectors, loaded in {build:.0f} s): end-to-end p50 "
          f"{pct(full, 50):.1f} ms p95 {pct(full, 95):.1f} ms | index only p50 {pct(only, 50):.1f} ms "
          f"p95 {pct(only, 95):.1f} ms | studio filter (Chroma where) p50 {pct(studio, 50):.1f} ms")


def bench_index(n_text: int, n_audio: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        services = StudioServices(StudioSettings(data_dir=Path(d)))
        synthetic_rows(services, n_text)
        tracks = services.search.indexer().load(list(range(1, min(n_text, 1000) + 1)))
        texts = [track_text(t) for t in tracks] * (n_text // max(len(tracks), 1) + 1)
        fn = MiniLMEmbeddingFunction()
        fn(["warm up"])
        t = time.perf_counter()
        for k in range(0, n_text, 64):
            fn(texts[k:k + 64])
        dt = time.perf_counter() - t
        print(f"[index] text: {n_text:,} real track texts embedded in {dt:.1f} s = {n_text / dt:.0f} tracks/s "
              f"→ 10k tracks ≈ {10_000 / (n_text / dt):.0f} s")
        from models.rag.audio import audio_vector

        audio = np.random.default_rng(0).standard_normal((30 * 44100, 2)).astype(np.float32) * 0.1
        t = time.perf_counter()
        for _ in range(n_audio):
            audio_vector(audio, 44100)
        per = (time.perf_counter() - t) / n_audio
        print(f"[index] audio: DSP vector of a 30 s take {per * 1000:.0f} ms → 10k tracks ≈ {per * 10_000 / 60:.0f}"
              " min (computed once per take, in the background)")


def bench_quality(per_studio: int, seconds: float) -> None:
    prompts = ["boss battle", "night drive", "rainy afternoon", "sunrise", "chase scene", "slow ballad",
               "party anthem", "lullaby"]
    with tempfile.TemporaryDirectory() as d:
        services = StudioServices(StudioSettings(data_dir=Path(d)))
        t = time.perf_counter()
        for studio in STUDIOS:
            for i in range(per_studio):
                services.generate(prompts[i % len(prompts)], studio=studio, duration_s=seconds, seed=100 + i)
        print(f"[quality] rendered {per_studio * 5} takes of {seconds:g} s in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        report = services.search.rebuild()
        print(f"[quality] indexed them (text + DSP audio) in {time.perf_counter() - t:.1f} s: {report.summary()}")
        ix = services.search.indexer()
        tracks = services.list_tracks(TrackFilter(limit=1000))
        studio_of = {t.id: t.studio for t in tracks}
        audio_p, both_p = [], []
        for tr in tracks:
            vec = ix.index.vector("audio", tr.id)
            hits = ix.index.query("audio", vec, 5, None, frozenset({tr.id}))
            audio_p.append(statistics.mean(studio_of[h.track_id] == tr.studio for h in hits))
            got = services.search.similar(SimilarQuery(track_id=tr.id, k=5))
            both_p.append(statistics.mean(m.track.studio == tr.studio for m in got))
        print(f"[quality] precision@5 same-studio neighbours, sound only (DSP vectors): {np.mean(audio_p):.2f}  "
              f"(chance {(per_studio - 1) / (5 * per_studio - 1):.2f})")
        print(f"[quality] precision@5, track query (sound + text; text names the studio): {np.mean(both_p):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["list", "query", "index", "quality"])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--index-texts", type=int, default=2_000)
    ap.add_argument("--per-studio", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=8.0)
    a = ap.parse_args()
    runs = {"list": lambda: bench_list(a.rows), "query": lambda: bench_query(a.sizes),
            "index": lambda: bench_index(a.index_texts, 5), "quality": lambda: bench_quality(a.per_studio, a.seconds)}
    for name, run in runs.items():
        if a.only in (None, name):
            run()


if __name__ == "__main__":
    main()
