"""LibraryService: CRUD, one-transaction batch edits, trash/restore invisibility, lineage, albums, comments."""

from __future__ import annotations

import pytest

from library.repository import FilterError, TrackFilter, TrackNotFound
from library.service import AlbumNotFound, BatchEdit, LibraryInputError
from tests.library_fixtures import add_with_audio, track


@pytest.fixture
def lib(services):
    return services.library


def _ids(tracks) -> list[int]:
    return [t.id for t in tracks]


def test_patch_edits_fields_and_tags_and_rejects_bad_values(services, lib):
    t = services.tracks.add(track(title="old"))
    got = lib.update(t.id, {"title": " Night Drive ", "rating": 4, "tags": ["Synthwave", "night", "night"],
                            "mood": "calm"})
    assert (got.title, got.rating, got.mood) == ("Night Drive", 4, "calm")
    assert [x.name for x in got.tags] == ["night", "synthwave"]
    assert _ids(lib.page(TrackFilter(tag="synthwave")).tracks) == [t.id]
    for bad, msg in [({"rating": 9}, "rating"), ({"bpm": 5}, "bpm"), ({"file_path": "/etc/passwd"}, "cannot edit"),
                     ({"title": ""}, "title")]:
        with pytest.raises(LibraryInputError, match=msg):
            lib.update(t.id, bad)
    assert lib.get(t.id).title == "Night Drive"
    with pytest.raises(TrackNotFound, match="no track #99"):
        lib.update(99, {"title": "x"})


def test_trash_hides_everywhere_until_restored_and_empty_trash_deletes_files(services, lib):
    keep = add_with_audio(services, title="keep")
    gone = add_with_audio(services, title="gone")
    lib.trash([gone.id])
    assert _ids(services.list_tracks()) == [keep.id]
    assert services.tracks.count() == 1 and services.tracks.count(include_trashed=True) == 2
    assert _ids(lib.page(TrackFilter(trashed_only=True)).tracks) == [gone.id]
    assert lib.get(gone.id).trashed  # still reachable by id: nothing is lost
    lib.restore([gone.id])
    assert set(_ids(services.list_tracks())) == {keep.id, gone.id}
    with pytest.raises(LibraryInputError, match="not in the trash"):
        lib.delete(gone.id)
    lib.trash([gone.id])
    path = services.track_path(lib.get(gone.id))
    assert path.exists()
    assert lib.empty_trash() == [gone.id]
    assert not path.exists() and services.track_path(keep).exists()
    with pytest.raises(TrackNotFound):
        lib.get(gone.id)


def test_batch_is_one_transaction_all_or_nothing(services, lib):
    ids = [services.tracks.add(track(title=f"t{i}")).id for i in range(5)]
    lib.create_album("Set A")
    done = lib.batch(BatchEdit(ids[:3], "favorite"), BatchEdit(ids[:3], "tag", tags=["live"]),
                     BatchEdit(ids[1:4], "add_to_album", album="set a"))
    assert done == ids[:4]
    assert _ids(lib.page(TrackFilter(favorites=True, sort="id", descending=False)).tracks) == ids[:3]
    assert lib.album("Set A").track_ids == ids[1:4]
    # a batch whose second step names a missing track changes nothing at all
    with pytest.raises(TrackNotFound, match="#404"):
        lib.batch(BatchEdit(ids, "trash"), BatchEdit([ids[0], 404], "favorite"))
    assert services.tracks.count() == 5
    with pytest.raises(LibraryInputError, match="unknown batch action"):
        lib.batch(BatchEdit(ids, "explode"))
    with pytest.raises(AlbumNotFound):
        lib.batch(BatchEdit(ids, "add_to_album", album="nope"))


def test_dislike_clears_favorite_and_can_be_hidden(services, lib):
    t = services.tracks.add(track())
    lib.favorite([t.id])
    lib.dislike([t.id])
    got = lib.get(t.id)
    assert got.disliked and not got.favorite
    assert lib.page(TrackFilter(hide_disliked=True)).total == 0


def test_lineage_chain_and_children(services, lib):
    root = services.tracks.add(track(title="take 1"))
    ext = services.tracks.add(track(title="extended", parent_id=root.id, operation="extend"))
    up = services.tracks.add(track(title="upscaled", parent_id=ext.id, operation="upscale"))
    chain = lib.lineage(up.id)
    assert [(t.title, t.operation) for t in chain] == [("take 1", "generate"), ("extended", "extend"),
                                                       ("upscaled", "upscale")]
    assert _ids(lib.children(root.id)) == [ext.id]


def test_album_order_insert_move_remove_reorder(services, lib):
    a, b, c, d = (services.tracks.add(track(title=x)).id for x in "abcd")
    album = lib.create_album("Road Trip", "for the car")
    assert lib.add_to_album(album.id, [a, b, c]).track_ids == [a, b, c]
    assert lib.add_to_album("road trip", [d], position=1).track_ids == [a, d, b, c]
    assert lib.add_to_album(album.id, [a]).track_ids == [d, b, c, a]  # re-adding moves it to the end
    assert lib.remove_from_album(album.id, [b]).track_ids == [d, c, a]
    assert lib.reorder_album(album.id, [a, c, d]).track_ids == [a, c, d]
    flt = TrackFilter(album_id=album.id, sort="position", descending=False)
    assert _ids(lib.page(flt).tracks) == [a, c, d]
    with pytest.raises(LibraryInputError, match="exactly once"):
        lib.reorder_album(album.id, [a, c])
    with pytest.raises(LibraryInputError, match="already an album"):
        lib.create_album("road trip")
    lib.delete_album(album.id)
    assert lib.albums() == [] and services.tracks.count() == 4  # tracks outlive their album


def test_comments_are_time_stamped_within_the_take(services, lib):
    t = services.tracks.add(track(duration_s=30.0))
    lib.comment(t.id, 12.5, "drums too loud here")
    lib.comment(t.id, 2.0, "nice intro")
    assert [(c.at_s, c.text) for c in lib.comments(t.id)] == [(2.0, "nice intro"), (12.5, "drums too loud here")]
    with pytest.raises(LibraryInputError, match="within the take"):
        lib.comment(t.id, 31.0, "past the end")
    with pytest.raises(LibraryInputError, match="characters"):
        lib.comment(t.id, 1.0, "  ")


def test_filters_sort_and_paging(services, lib):
    for i, (studio, bpm, key) in enumerate([("chiptune", 150, "Am"), ("ironclad", 180, "Em"),
                                            ("bluenote", 90, "F"), ("chiptune", 120, "C")]):
        services.tracks.add(track(title=f"song {i}", studio=studio, bpm=bpm, key=key, prompt=f"prompt {i}"))
    assert [t.bpm for t in lib.page(TrackFilter(sort="bpm", descending=False)).tracks] == [90, 120, 150, 180]
    page = lib.page(TrackFilter(studio="chiptune", limit=1))
    assert page.total == 2 and len(page.tracks) == 1
    assert [t.key for t in lib.page(TrackFilter(bpm_min=100, bpm_max=160, sort="bpm")).tracks] == ["Am", "C"]
    assert _ids(lib.page(TrackFilter(text="PROMPT 2")).tracks) == [3]
    with pytest.raises(FilterError, match="unknown sort"):
        lib.page(TrackFilter(sort="loudest"))
