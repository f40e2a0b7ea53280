"""Where MusicGen checkpoints live on this machine: a local folder, the models dir, or the user's HF cache.

Nothing here downloads implicitly. `pull` is the one explicit download and refuses clearly offline.
This is the Python API behind `studio models` for the MusicGen family (list / verify / pull / remove).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import StudioSettings
from models.musicgen.errors import NoNetwork, WeightsMissing

# Short names the user may type -> Hugging Face repo ids (all load with transformers).
KNOWN: dict[str, str] = {
    "small": "facebook/musicgen-small",
    "medium": "facebook/musicgen-medium",
    "large": "facebook/musicgen-large",
    "melody": "facebook/musicgen-melody",
    "melody-large": "facebook/musicgen-melody-large",
    "stereo-small": "facebook/musicgen-stereo-small",
    "stereo-medium": "facebook/musicgen-stereo-medium",
    "stereo-large": "facebook/musicgen-stereo-large",
    "stereo-melody": "facebook/musicgen-stereo-melody",
}
WEIGHT_SUFFIXES = (".safetensors", ".bin")


@dataclass(frozen=True)
class LocalModel:
    name: str  # short name or folder name
    repo_id: str | None
    path: Path
    size_bytes: int
    source: str  # "models dir", "HF cache" or "STUDIO_MUSICGEN"


def hf_cache_dir() -> Path:
    """The hub cache exactly as huggingface_hub computes it (HF_HUB_CACHE > HF_HOME/hub > ~/.cache/...)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                           / "huggingface")
    return Path(home).expanduser() / "hub"


def musicgen_dir(s: StudioSettings) -> Path:
    return s.model_dir / "musicgen"


def is_checkpoint(path: Path) -> bool:
    return (path / "config.json").is_file() and any(p.suffix in WEIGHT_SUFFIXES for p in path.iterdir())


def _cached_snapshot(repo_id: str) -> Path | None:
    repo = hf_cache_dir() / f"models--{repo_id.replace('/', '--')}"
    ref = repo / "refs" / "main"
    if ref.is_file():
        snap = repo / "snapshots" / ref.read_text().strip()
        if snap.is_dir() and is_checkpoint(snap):
            return snap
    snaps = sorted((repo / "snapshots").glob("*")) if (repo / "snapshots").is_dir() else []
    return next((p for p in snaps if is_checkpoint(p)), None)


def resolve(spec: str | None, s: StudioSettings) -> Path:
    """A checkpoint folder for `spec` (folder, short name or repo id; default STUDIO_MUSICGEN) or WeightsMissing."""
    spec = spec or s.musicgen
    if not spec:
        raise WeightsMissing("(none configured)", [f"STUDIO_MUSICGEN is unset; models dir {musicgen_dir(s)}"])
    looked: list[str] = []
    as_path = Path(spec).expanduser()
    if as_path.exists():
        if as_path.is_dir() and is_checkpoint(as_path):
            return as_path.resolve()
        raise WeightsMissing(spec, [f"{as_path} exists but has no config.json + *.safetensors/*.bin"])
    looked.append(f"no folder {as_path}")
    repo_id = KNOWN.get(spec, spec)
    short = next((k for k, v in KNOWN.items() if v == repo_id), repo_id.split("/")[-1])
    local = musicgen_dir(s) / short
    if local.is_dir() and is_checkpoint(local):
        return local
    looked.append(f"no checkpoint in {local}")
    if "/" in repo_id:
        snap = _cached_snapshot(repo_id)
        if snap is not None:
            return snap
        looked.append(f"{repo_id} not in the HF cache {hf_cache_dir()}")
    raise WeightsMissing(spec, looked)


def folder_size(path: Path) -> int:
    # HF snapshots are symlinks into blobs/: stat follows them, so sizes are the real file sizes.
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def list_local(s: StudioSettings) -> list[LocalModel]:
    """Every MusicGen checkpoint found locally (models dir, HF cache, STUDIO_MUSICGEN), no network."""
    found: dict[Path, LocalModel] = {}
    root = musicgen_dir(s)
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if folder.is_dir() and is_checkpoint(folder):
            found[folder] = LocalModel(folder.name, KNOWN.get(folder.name), folder, folder_size(folder), "models dir")
    for short, repo_id in KNOWN.items():
        snap = _cached_snapshot(repo_id)
        if snap is not None and snap not in found:
            found[snap] = LocalModel(short, repo_id, snap, folder_size(snap), "HF cache")
    if s.musicgen:
        try:
            path = resolve(s.musicgen, s)
        except WeightsMissing:
            pass
        else:
            found.setdefault(path, LocalModel(s.musicgen, KNOWN.get(s.musicgen), path, folder_size(path),
                                              "STUDIO_MUSICGEN"))
    return list(found.values())


def checksum(path: Path) -> str:
    """sha256 over the weight files (sorted by name), so a folder verifies as one value."""
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.suffix in WEIGHT_SUFFIXES):
        digest.update(f.name.encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def pull(name: str, s: StudioSettings) -> Path:
    """Explicitly download a known checkpoint into the models dir; NoNetwork (with the manual route) offline."""
    repo_id = KNOWN.get(name, name)
    target = musicgen_dir(s) / next((k for k, v in KNOWN.items() if v == repo_id), repo_id.split("/")[-1])
    manual = (f"on a machine with a network run `huggingface-cli download {repo_id} --local-dir {target.name}` "
              f"and copy the folder to {target}, or set STUDIO_MUSICGEN to it")
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0"):
        raise NoNetwork(f"HF_HUB_OFFLINE is set, so {repo_id} cannot be downloaded here; {manual}")
    try:
        from huggingface_hub import snapshot_download
    except ImportError as err:
        raise NoNetwork(f"huggingface_hub is not installed ({err}); {manual}") from err
    partial = target.with_name(target.name + ".partial")
    try:
        snapshot_download(repo_id, local_dir=partial, allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt"])
    except Exception as err:  # connection, DNS, 404: all mean "not from here"
        raise NoNetwork(f"could not download {repo_id} ({type(err).__name__}: {err}); {manual}") from err
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)  # a half-finished download never looks like a checkpoint
    return target


def remove(name: str, s: StudioSettings) -> Path:
    """Delete a checkpoint from the models dir (never from the shared HF cache)."""
    target = musicgen_dir(s) / name
    if not (target.is_dir() and target.resolve().parent == musicgen_dir(s).resolve()):  # no '..' or ''
        raise WeightsMissing(name, [f"no folder {target} in the models dir"])
    shutil.rmtree(target)
    return target
