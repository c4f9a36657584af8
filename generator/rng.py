"""Counter-based random streams.

Every random draw comes from a stream keyed by (seed, name, block): a Philox generator
whose key is derived from those three values. Any block of any table can therefore be
generated alone, in any order, by any worker, and give the same numbers. Nothing here
reads the clock or a global generator.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def stream(seed: int, name: str, block: int = 0) -> np.random.Generator:
    """The random stream for one named purpose (a table or a step) and one block of rows."""
    seq = np.random.SeedSequence([int(seed), _name_key(name), int(block)])
    return np.random.Generator(np.random.Philox(key=seq.generate_state(2, np.uint64)))


def pick_weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indexes drawn with the given (unnormalised) weights, by searchsorted on the CDF."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    idx = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(idx, len(cdf) - 1)
