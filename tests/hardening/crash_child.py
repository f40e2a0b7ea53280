"""A studio process for the crash tests to kill -9: it does real work and, at a chosen point, says so and
waits to be killed there (a file write half done, or a take's row inserted but not yet committed).

    python -m tests.hardening.crash_child DATA_DIR MODE READY_FILE [ARG]

MODE: generate_write | job_flush | import_flush | inpaint_flush | separate_flush | loop
      | train_checkpoint | train_register  (ARG: JSON {"base": tiny model dir, "file": audio, "models": models dir}).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from library.models import Track
from library.store import AudioStore


def main() -> None:
    data_dir, mode, ready_file = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    arg = sys.argv[4] if len(sys.argv) > 4 else ""

    def ready(**info: Any) -> None:
        tmp = ready_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(info))
        tmp.replace(ready_file)

    def hold(**info: Any) -> None:
        ready(**info)
        time.sleep(600)  # the test kills us here

    if mode == "generate_write":  # stop inside the 2nd file write (mix.wav done): its temp file is on disk
        nth = 2
        calls = [0]
        original = AudioStore._atomic

        def atomic(self: AudioStore, rel: str, write: Any) -> str:
            calls[0] += 1
            if calls[0] != nth:
                return original(self, rel, write)

            def paused(tmp: str) -> None:
                write(tmp)
                hold(writing=rel, temp=tmp)

            return original(self, rel, paused)

        AudioStore._atomic = atomic  # type: ignore[method-assign]
    if mode.endswith("_flush"):  # stop inside the transaction that files the take: row inserted, not committed

        @event.listens_for(Session, "after_flush")
        def flushed(session: Session, _ctx: Any) -> None:
            new = [o for o in session.new if isinstance(o, Track)]
            if new:
                hold(filing=new[0].file_path)

    if mode == "train_checkpoint":  # stop inside the 2nd checkpoint write: adapter weights in, trainer state not
        import torch

        saves = [0]
        original_save = torch.save

        def save(obj: Any, f: Any, *a: Any, **kw: Any) -> None:
            saves[0] += 1
            if saves[0] == 2:
                hold(temp=str(Path(f).parent), step=4)
            original_save(obj, f, *a, **kw)

        torch.save = save
    if mode == "train_register":  # stop after the registry's temp copy is complete, before its rename
        original_rename = Path.rename

        def rename(self: Path, target: Any) -> Any:
            if self.parent.name == "adapters" and self.name.startswith("."):
                hold(temp=str(self))
            return original_rename(self, target)

        Path.rename = rename  # type: ignore[method-assign]

    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=data_dir))
    if mode == "generate_write":
        services.generate("chiptune crash test", duration_s=3.0, seed=1)
    elif mode == "job_flush":
        from assistant.jobs.runtime import runtime_for

        rt = runtime_for(services)
        for seed in (2, 3):  # the second waits in the queue for the one heavy slot when the kill comes
            rt.run_now("generate", {"prompt": "chiptune crash job", "duration_s": 3.0, "seed": seed}, "cli")
        time.sleep(600)
    elif mode.startswith("import"):
        services.library.import_paths([Path(arg)])
    elif mode == "inpaint_flush":
        from assistant.edit_service import EditService

        EditService(services).inpaint(int(arg), 0.5, 1.5)
    elif mode == "separate_flush":
        from assistant.edit_service import EditService

        EditService(services).separate(int(arg), backend="offline")
    elif mode.startswith("train_"):
        args = json.loads(arg)
        train(StudioSettings(data_dir=data_dir, models_dir=Path(args["models"])), args)
    elif mode == "loop":
        n = 0
        while True:
            services.generate("chiptune crash loop", duration_s=2.0, seed=n)
            n += 1
            ready(takes=n)
    raise SystemExit(f"{mode}: finished without reaching its stop point")


TRAIN_STEPS, CHECKPOINT_EVERY = 8, 2


def train(settings: Any, args: dict[str, str]) -> None:
    """`studio train`'s path on a tiny random MusicGen: a few steps, a checkpoint every 2."""
    import torch

    from models.training.lora import LoraSettings
    from models.training.pipeline import train_style
    from models.training.preprocess import ChunkSpec

    torch.set_num_threads(1)
    cfg = LoraSettings(rank=4, alpha=8, dropout=0.0, learning_rate=3e-2, steps=TRAIN_STEPS, batch_size=2,
                       checkpoint_every=CHECKPOINT_EVERY)
    train_style([Path(args["file"])], "crash-style", settings, base=args["base"], spec=ChunkSpec(1.0, 32000, 0.5),
                cfg=cfg, say=lambda _msg: None)


if __name__ == "__main__":
    main()
