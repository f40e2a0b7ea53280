"""In-painting CLI for VampNet, run by the VampNet environment's own Python (never imported here).

    ~/vampnet-env/bin/python vampnet_runner.py --input in.wav --output out.wav --start 2.0 --end 4.0

Uses VampNet's documented Python API (Interface.default, encode, vamp, decode) with a mask that keeps
every token outside [start, end] and regenerates the ones inside. Written against that API; it cannot
be run in the studio's environment (VampNet needs torch 2.4 / numpy 1.23), so the studio tests its
adapter against a fake tool with this same command line.
"""

from __future__ import annotations

import argparse


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--end", type=float, required=True)
    ap.add_argument("--prompt", default="")  # VampNet is not text-conditioned; accepted and ignored
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import audiotools as at  # type: ignore[import-not-found]
    import torch  # type: ignore[import-not-found]
    import vampnet  # type: ignore[import-not-found]

    torch.manual_seed(args.seed)
    interface = vampnet.interface.Interface.default()
    signal = at.AudioSignal(args.input)
    codes = interface.encode(signal)
    frames = codes.shape[-1]
    per_s = frames / signal.signal_duration
    mask = torch.zeros_like(codes)
    mask[..., int(args.start * per_s): int(round(args.end * per_s))] = 1  # 1 = regenerate this token
    output = interface.decode(interface.vamp(codes, mask, return_mask=False))
    output.write(args.output)


if __name__ == "__main__":
    main()
