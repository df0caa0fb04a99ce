import pytest

from stackmeta_lite.common.budget import budget, is_ci


def test_budget_reads_the_environment(monkeypatch):
    monkeypatch.delenv("STACKMETA_BUDGET", raising=False)
    assert budget() == "full" and not is_ci()
    monkeypatch.setenv("STACKMETA_BUDGET", "ci")
    assert is_ci()
    monkeypatch.setenv("STACKMETA_BUDGET", "huge")
    with pytest.raises(ValueError, match="STACKMETA_BUDGET must be one of full, ci, got 'huge'"):
        budget()
