"""clinical.weighted_draw sums only the columns a group of rows may use: its draws must be
exactly those of the dense cumulative sum over every column (which it replaced), including
rows whose weights are all zero and draws at the very top of the sum."""

from __future__ import annotations

import numpy as np
import pytest

from generator.clinical import weighted_draw


def dense_draw(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The reference: a rows x all-columns cumulative sum, counted against u * total."""
    cdf = np.cumsum(w, axis=1)
    total = cdf[:, -1]
    idx = np.minimum((cdf <= (u * total)[:, None]).sum(axis=1), w.shape[1] - 1)
    return np.where(total > 0, idx, -1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_draws_as_the_dense_sum(seed):
    r = np.random.default_rng(seed)
    n, n_cols, n_groups = 5_000, 60, 7
    key = r.integers(0, n_groups, n)
    allowed = r.random((n_groups, n_cols)) < 0.3
    allowed[3] = False  # a group that may use no column at all
    scale = r.random(n) * 2  # a per-row factor on some columns, like the winter peak
    scaled = r.random(n_cols) < 0.2
    base = r.choice([0.0, 0.5, 1.0, 3.0, 1e-9, 1e6], n_cols)
    u = r.random(n)
    u[:50] = np.nextafter(1.0, 0.0)  # the top of the sum: the last usable column

    def weights(rows, cols):
        ok = r_ok[rows][:, cols]
        w = ok * base[cols]
        return np.where(scaled[cols], w * scale[rows, None], w)

    r_ok = allowed[key] & (r.random((n, n_cols)) < 0.7)  # a row-level fit, like age
    dense = dense_draw(u, weights(np.arange(n), np.arange(n_cols)))
    got = weighted_draw(u, key, lambda g: np.flatnonzero(allowed[g]), weights, n_cols, chunk=333)
    assert (dense == -1).any() and (dense >= 0).any()
    np.testing.assert_array_equal(got, dense)


def test_draws_follow_the_weights():
    """Not only equal to the reference: the draws have the weights' frequencies."""
    r = np.random.default_rng(0)
    n = 200_000
    w = np.array([0.0, 1.0, 0.0, 3.0])
    got = weighted_draw(
        r.random(n),
        np.zeros(n, dtype=np.int64),
        lambda g: np.array([1, 3]),
        lambda rows, cols: np.broadcast_to(w[cols], (len(rows), len(cols))),
        4,
    )
    share = np.bincount(got, minlength=4) / n
    assert share[0] == share[2] == 0
    assert share[3] == pytest.approx(0.75, abs=0.01)
