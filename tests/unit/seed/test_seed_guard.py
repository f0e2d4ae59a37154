"""`python -m seed` reads VISITSVC_ENV only through load_settings: production and typos of it both stop it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seed.__main__ import main


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ("production", "refusing to seed demo data in production"),
        ("Production", "VISITSVC_ENV must be exactly one of development, production, test"),
        ("prod", "VISITSVC_ENV must be exactly one of development, production, test"),
        ("", "VISITSVC_ENV must be exactly one of development, production, test"),
    ],
)
def test_the_seed_refuses_production_and_anything_misspelt(
    environment: str, message: str, tmp_path: Path
) -> None:
    database = tmp_path / "register.db"
    env = {
        "VISITSVC_ENV": environment,
        "VISITSVC_SECRET_KEY": "s" * 48,
        "VISITSVC_DATABASE_URL": f"sqlite:///{database}",
    }
    result = CliRunner().invoke(main, ["--size", "demo"], env=env)
    assert result.exit_code == 1
    assert message in result.output
    assert not database.exists(), "refused before touching the database"
