"""Behaviour of rnnbook.core that the mutation run found unpinned (issue 16)."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from rnnbook import RNN, StateSpaceModel


def test_the_sizes_a_model_provides_are_declared():
    # the documented interface: subclasses set n_inputs, n_states and n_outputs
    # (None, the class default, when there is no readout)
    hints = typing.get_type_hints(StateSpaceModel)
    assert hints["n_inputs"] is int and hints["n_states"] is int
    assert hints["n_outputs"] == int | None
    assert StateSpaceModel.n_outputs is None


def test_step_names_both_batch_sizes_when_they_differ():
    model = RNN(np.ones((3, 1)), np.zeros((3, 3)))       # 1 input, 3 units
    with pytest.raises(ValueError,
                       match=r"^u_t and x_prev must have the same batch size; got 2 and 4$"):
        model.step(np.zeros((2, 1)), np.zeros((4, 3)))
