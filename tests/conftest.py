"""Shared by the test files: hypothesis profiles (CI's is derandomized) and the `no_data` fixture."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tasks import data

settings.register_profile("default", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, max_examples=40, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture
def no_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No data location given and the default one absent: the tasks run on their stand-ins."""
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "SHARED_DATA", tmp_path / "no-shared-data")
