"""Intro specs for tests: the example spec with some fields changed."""
from __future__ import annotations

import copy

from introducer.spec import EXAMPLE_SPEC, parse_spec


def make_spec(**changes):
    """The example spec with `a__b=value` setting data["a"]["b"], parsed."""
    data = copy.deepcopy(EXAMPLE_SPEC)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = data
        for key in path:
            node = node[key]
        node[last] = value
    return parse_spec(data)
