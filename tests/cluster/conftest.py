"""Fixtures of the cluster tests: Dask is needed (skip with the reason without it), and
PostgreSQL for the --commit test (the history tests' fixture)."""

from __future__ import annotations

import pytest

from history.conftest import pg_schema_url  # noqa: F401 - a fixture, used by name

distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install 'wibrs-check[dask]'")
