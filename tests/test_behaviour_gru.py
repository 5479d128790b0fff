"""Behaviour of rnnbook.gru that the mutation run found unpinned (issue 16)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnbook.gru import GRU


def test_default_update_bias_keeps_sigmoid_of_one_per_step():
    """The documented default update bias is 1: with zero weights a unit keeps
    z = sigmoid(1) of its state per step (a memory of about 1 / (1 - z) steps)."""
    model = GRU.random(1, 3, 1, weight_scale=0.0, seed=0)
    x0 = np.array([1.0, -2.0, 0.5])
    states = model.run(np.zeros((6, 1)), x0=x0).states
    z = 1 / (1 + math.exp(-1.0))
    expected = x0[None, :] * z ** np.arange(1, 7)[:, None]
    np.testing.assert_allclose(states, expected, rtol=1e-13, atol=0)


def test_wrong_recurrent_shape_names_the_expected_integer_shape():
    """W_ri with 3 H = 6 rows means H = 2: W_rc must be (6, 2), said in integers."""
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^W_rc must have shape \(6, 2\); got \(6, 3\)$"):
        GRU(rng.normal(size=(6, 1)), rng.normal(size=(6, 3)), rng.normal(size=(1, 2)))
