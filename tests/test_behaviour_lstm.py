"""Behaviour of rnnbook.lstm that the mutation run found unpinned."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook import lstm


@pytest.mark.parametrize("loss, match", [
    ("hinge", "loss must be one of"),
    ("cross_entropy", "cross_entropy loss needs sigmoid or softmax"),
])
def test_loss_and_gradients_checks_the_loss(loss, match):
    model = lstm.LSTM.random(2, 3, 1, seed=0)       # linear outputs
    u = np.zeros((1, 4, 2))
    targets = np.zeros((1, 4, 1))
    with pytest.raises(ValueError, match=match):
        model.loss_and_gradients(u, targets, loss=loss)
