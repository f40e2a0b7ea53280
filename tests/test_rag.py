"""Similar-track search on a constructed library: words, "sounds like", filters, trash, deletes, style refs."""

from __future__ import annotations

import pytest

from assistant.services import StudioServices
from assistant.settings import StudioSettings
from library.search import SimilarQuery
from library.style_ref import style_ref
from tests.library_fixtures import add_with_audio, freq, groove

CHORDS = {"chiptune": (freq("A", 4), freq("C", 5), freq("E", 5)), "ironclad": (freq("E", 2), freq("B", 2)),
          "bluenote": (freq("F", 3), freq("A", 3), freq("C", 4), freq("E", 4))}
LIBRARY = [  # (studio, title, prompt, bpm, timbre, mood)
    ("chiptune", "Boss Battle", "8-bit video game boss fight with fast arpeggios", 150, "square", "energetic"),
    ("chiptune", "Overworld", "retro NES overworld adventure theme", 140, "square", "happy"),
    ("chiptune", "Dungeon Crawl", "chiptune dungeon level, pulse waves and noise drums", 130, "square", "dark"),
    ("ironclad", "Iron Fist", "thrash metal riff with distorted guitars and double kick", 180, "saw", "aggressive"),
    ("ironclad", "Doom Crawler", "slow heavy doom metal, drop tuned guitars", 70, "saw", "dark"),
    ("ironclad", "Djent Machine", "djent metal, polyrhythmic low guitar chugs", 160, "saw", "aggressive"),
    ("bluenote", "Smoky Room", "late night jazz ballad, brushed drums and upright bass", 72, "sine", "calm"),
    ("bluenote", "Bossa Sunset", "bossa nova jazz guitar and soft piano", 120, "sine", "happy"),
    ("bluenote", "Swing Shift", "up-tempo swing jazz with walking bass", 180, "sine", "energetic"),
]
STEMS = {"chiptune": ["pulse1", "triangle", "noise"], "ironclad": ["guitar", "bass", "drums"],
         "bluenote": ["piano", "bass", "drums"]}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("rag-data")))
    ids: dict[str, int] = {}
    for studio, title, prompt, bpm, timbre, mood in LIBRARY:
        t = add_with_audio(services, groove(bpm, CHORDS[studio], seconds=4.0, timbre=timbre), studio=studio,
                           title=title, prompt=prompt, bpm=bpm, mood=mood)
        with services.db.session() as s:  # stems as a render leaves them (names only matter here)
            from library.models import Stem

            s.add_all(Stem(track_id=t.id, name=n, file_path=f"{t.file_path}.{n}") for n in STEMS[studio])
        ids[title] = t.id
    services.search.rebuild()
    return services, ids


def _titles(matches) -> list[str]:
    return [m.track.title for m in matches]


def _studios(matches) -> list[str]:
    return [m.track.studio for m in matches]


def test_words_find_the_matching_studio(env):
    services, _ = env
    assert _studios(services.search.similar(SimilarQuery(query="8-bit retro game music", k=3))) == ["chiptune"] * 3
    assert set(_studios(services.search.similar(SimilarQuery(query="heavy distorted guitars", k=3)))) == {"ironclad"}
    top = services.search.similar(SimilarQuery(query="a quiet ballad for late at night", k=1))
    assert _titles(top) == ["Smoky Room"] and top[0].text_score is not None and top[0].audio_score is None


def test_a_track_finds_its_siblings_by_sound_and_words(env):
    services, ids = env
    matches = services.search.similar(SimilarQuery(track_id=ids["Boss Battle"], k=2))
    assert set(_titles(matches)) == {"Overworld", "Dungeon Crawl"}
    assert all(m.audio_score is not None and m.text_score is not None for m in matches)
    assert "Boss Battle" not in _titles(services.search.similar(SimilarQuery(track_id=ids["Boss Battle"], k=8)))


def test_sounds_like_alone_separates_timbres(env):
    services, ids = env
    ix = services.search.indexer()
    vec = ix.index.vector("audio", ids["Iron Fist"])
    hits = ix.index.query("audio", vec, 3, None, frozenset({ids["Iron Fist"]}))
    studios = [services.library.get(h.track_id).studio for h in hits[:2]]
    assert studios == ["ironclad", "ironclad"]


def test_filters_studio_album_and_both_query_and_track(env):
    services, ids = env
    only = services.search.similar(SimilarQuery(query="fast music", studio="bluenote", k=5))
    assert set(_studios(only)) == {"bluenote"}
    services.library.create_album("Late Night")
    services.library.add_to_album("Late Night", [ids["Smoky Room"], ids["Doom Crawler"]])
    on_album = services.search.similar(SimilarQuery(query="anything", album="Late Night", k=5))
    assert set(_titles(on_album)) == {"Smoky Room", "Doom Crawler"}
    both = services.search.similar(SimilarQuery(query="jazz", track_id=ids["Bossa Sunset"], k=2))
    assert set(_studios(both)) == {"bluenote"}


def test_trash_hides_from_search_restore_brings_back_delete_removes(env):
    services, _ = env
    t = add_with_audio(services, groove(100, CHORDS["bluenote"], seconds=2.0), title="Polka Accordion",
                       studio="", prompt="oompah polka with accordion and tuba")
    q = SimilarQuery(query="polka accordion tuba", k=1)
    assert _titles(services.search.similar(q)) == ["Polka Accordion"]  # a new track is indexed on change
    services.library.trash([t.id])
    assert _titles(services.search.similar(q)) != ["Polka Accordion"]
    assert _titles(services.search.similar(SimilarQuery(query=q.query, k=1, include_trashed=True))) == [
        "Polka Accordion"]
    services.library.restore([t.id])
    assert _titles(services.search.similar(q)) == ["Polka Accordion"]
    services.library.trash([t.id])
    services.library.empty_trash([t.id])
    services.search.wait_idle()
    ix = services.search.indexer().index
    assert ix.vector("text", t.id) is None and ix.vector("audio", t.id) is None
    assert ix.count("text") == len(LIBRARY)


def test_comments_and_tags_are_searchable_after_the_change(env):
    services, ids = env
    services.library.comment(ids["Overworld"], 1.0, "perfect for the kazoo solo")
    services.library.tag([ids["Swing Shift"]], ["wedding-set"])
    services.search.wait_idle()
    assert _titles(services.search.similar(SimilarQuery(query="kazoo solo", k=1))) == ["Overworld"]
    assert _titles(services.search.similar(SimilarQuery(query="wedding-set", k=1))) == ["Swing Shift"]


def test_style_ref_names_references_and_their_descriptors(env):
    services, ids = env
    ref = style_ref(services.search, query="thrash metal guitars", k=3)
    assert ref is not None and {r.studio for r in ref.references} == {"ironclad"}
    assert ref.studio == "ironclad" and ref.mood in ("aggressive", "dark") and "guitar" in ref.instruments
    args = ref.generation_args()
    assert args["studio"] == "ironclad" and args["bpm"] == ref.bpm and "guitar" in str(args["prompt_suffix"])
    text = ref.describe()
    assert all(f"#{r.track_id}" in text and r.title in text for r in ref.references)


def test_reindex_job_reports_progress_and_finishes(env):
    services, _ = env
    job = services.search.start_reindex(full=True)
    assert services.search.start_reindex().id == job.id or services.search.jobs.get(job.id).status == "done"
    done = services.search.jobs.wait(job.id)
    assert done.status == "done" and done.progress == 1.0 and "embedded=" in done.message
    assert services.search.indexer().index.count("text") == len(LIBRARY)


def test_bad_queries_are_refused_clearly(env):
    from library.edits import LibraryInputError
    from library.repository import TrackNotFound

    services, _ = env
    with pytest.raises(LibraryInputError, match="say what to search for"):
        services.search.similar(SimilarQuery())
    with pytest.raises(TrackNotFound, match="#9999"):
        services.search.similar(SimilarQuery(track_id=9999))
    with pytest.raises(LibraryInputError, match="k must be"):
        services.search.similar(SimilarQuery(query="x", k=500))


def test_rest_similar_and_background_index(env):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    services, ids = env
    client = TestClient(create_app(services))
    r = client.post("/api/rag/similar", json={"track_id": ids["Iron Fist"], "k": 2})
    assert r.status_code == 200 and {m["track"]["studio"] for m in r.json()} == {"ironclad"}
    assert all(m["score"] > 0 for m in r.json())
    assert client.post("/api/rag/similar", json={"k": 2}).status_code == 422
    assert client.post("/api/rag/similar", json={"track_id": 4242}).status_code == 404
    job = client.post("/api/rag/index", json={"full": False})
    assert job.status_code == 202
    services.search.jobs.wait(job.json()["id"])
    done = client.get(f"/api/rag/index/{job.json()['id']}").json()
    assert done["status"] == "done" and done["progress"] == 1.0
    assert client.get("/api/rag/index/999").status_code == 404
