"""The single-field edits applied directly give exactly the failure cases of the pandera schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wibrs_check import spec
from wibrs_check.readers.detect import read_any
from wibrs_check.readers.flatfile import read_flat_bytes
from wibrs_check.rules import elements

SAMPLES = Path(__file__).resolve().parents[2] / "sample_submissions" / "wibrs"


def _damaged() -> bytes:
    """A sample with blanked mandatory fields and invalid codes on several levels."""
    lines = (SAMPLES / "WI0130100_2026-07.txt").read_bytes().splitlines(keepends=True)
    out = []
    for k, line in enumerate(lines):
        text = bytearray(line)
        if k % 3 == 0 and len(text) > 45:
            text[37:40] = b"   "  # a mandatory field blanked (date, offense code, sequence ...)
        if k % 4 == 1 and len(text) > 50:
            text[44:46] = b"ZZ"  # an invalid code
        out.append(bytes(text))
    return b"".join(out)


@pytest.mark.parametrize("source", ["WI0130100_2026-07.txt", "WI0130200_2026-07.txt", "damaged"])
def test_direct_checks_equal_pandera(source):
    sub = read_flat_bytes(_damaged(), "damaged.txt") if source == "damaged" else read_any(SAMPLES / source)
    total = 0
    for level in spec.LEVELS:
        direct = elements.failure_cases(sub, level).reset_index(drop=True)
        reference = elements.failure_cases_pandera(sub, level).reset_index(drop=True)
        pd.testing.assert_frame_equal(direct.astype(str), reference.astype(str))
        total += len(direct)
    if source == "damaged":
        assert total > 20
