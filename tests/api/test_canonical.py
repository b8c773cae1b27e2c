"""Canonical JSON: one spelling per value, so that digests of equal values are equal."""

from __future__ import annotations

import hashlib
import math

import numpy as np

from api.canonical import digest, json_text, jsonable, sha256


def test_canonical_text_sorts_keys_and_is_compact_utf8() -> None:
    assert json_text({"b": 1, "a": "Қазақ"}) == '{"a":"Қазақ","b":1}'


def test_explanation_order_is_kept_when_asked() -> None:
    assert json_text({"b": 1, "a": 2}, sort_keys=False) == '{"b":1,"a":2}'


def test_numpy_values_and_non_finite_floats_become_plain_json() -> None:
    value = {"n": np.int64(3), "x": np.float64(math.nan), "v": [np.float32(0.5), math.inf]}
    assert jsonable(value) == {"n": 3, "x": None, "v": [0.5, None]}
    assert json_text(value) == '{"n":3,"v":[0.5,null],"x":null}'


def test_a_digest_is_the_sha256_of_the_canonical_text() -> None:
    assert sha256("abc") == hashlib.sha256(b"abc").hexdigest()
    assert digest({"b": 1, "a": 2}) == sha256('{"a":2,"b":1}')
