#!/usr/bin/env python3
"""Writes the seed corpora native/fuzz/corpus/<target>/ (committed; rerun after adding a target).

The targets decode their input with libFuzzer's FuzzedDataProvider through
fuzz_util.h, which maps any bytes to mostly valid parameters, so seeds need no
structure: a few deterministic byte strings of the lengths that reach the
interesting paths (short: parameter validation only; 1-4 KiB: enough bytes for
packed tensors, runs and mutations), plus all-zero and all-0xFF inputs (the
smallest and the edge values of every choice).
"""
import pathlib
import random

TARGETS = ["fuzz_intx_parse", "fuzz_intx_pack", "fuzz_affine", "fuzz_kleidiai", "fuzz_kai_matmul",
           "fuzz_wo_parse", "fuzz_wo_pack", "fuzz_int8_parse", "fuzz_int8_pack"]
LENGTHS = [48, 300, 1024, 4096]

root = pathlib.Path(__file__).resolve().parent / "corpus"
for target in TARGETS:
    out = root / target
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(target)  # deterministic per target
    seeds = {"zeros": bytes(512), "ones": b"\xff" * 512}
    for n in LENGTHS:
        seeds[f"random-{n}"] = bytes(rng.getrandbits(8) for _ in range(n))
    for name, data in seeds.items():
        (out / name).write_bytes(data)
