"""Expert profiles as data: the shipped ones load, a project's replace them by name, mistakes name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lighthouse_mcp.errors import ConfigError
from lighthouse_mcp.experts.profiles import load_profiles, parse_profile

GOOD: dict[str, Any] = {
    "name": "db",
    "system": "You review migrations.",
    "providers": [{"provider": "openai", "model": "gpt-5.5-pro"}],
}


def test_shipped_profiles() -> None:
    profiles = load_profiles(None)
    assert {"security", "performance", "architecture", "code_review"} <= set(profiles)
    assert profiles["security"].answer == "verdict" and profiles["security"].providers[0].provider == "anthropic"
    assert profiles["security"].providers[0].cost_usd(1_000_000, 0) == 3.0


def test_a_project_profile_replaces_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "security.yaml").write_text(
        "name: security\nsystem: Our own.\nproviders: [{provider: openai, model: m}]\n"
    )
    assert load_profiles(tmp_path)["security"].system == "Our own."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Bad Name"}, "'name' must be lower-case"),
        ({"system": ""}, "'system'"),
        ({"answer": "essay"}, "'answer' must be verdict or free"),
        ({"providers": []}, "'providers' must list"),
        ({"providers": [{"provider": "gemini", "model": "x"}]}, "providers[0]"),
        ({"providers": [{"provider": "openai"}]}, "providers[0]"),
        ({"providers": [{"provider": "openai", "model": "m", "input_per_mtok": -1, "output_per_mtok": 1}]}, "prices"),
        ({"timeout_s": 0}, "'timeout_s' must be between 1 and 900"),
        ({"timeout_s": "soon"}, "'timeout_s' must be a number"),
        ({"max_tokens": 1.5}, "'max_tokens' must be a number"),
        ({"temperature": 3}, "'temperature' must be between 0 and 2"),
        ({"colour": "blue"}, "unknown field(s) colour"),
    ],
)
def test_mistakes_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=__import__("re").escape(message)):
        parse_profile({**GOOD, **change}, source="db.yaml")


def test_broken_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"x.yaml: cannot read expert profile"):
        load_profiles(tmp_path)
    (tmp_path / "x.yaml").write_text("- a list\n")
    with pytest.raises(ConfigError, match=r"x.yaml: an expert profile is a mapping"):
        load_profiles(tmp_path)
