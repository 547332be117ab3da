"""Configuration: layers in order, strict keys and types, and an example file that matches the object."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.config import (
    Config,
    apply_mapping,
    config_keys,
    env_mapping,
    example_config_text,
    load_config,
)
from lighthouse_mcp.errors import ConfigError

REPO = Path(__file__).parent.parent


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(None, user_file=tmp_path / "none.yaml", env={})
    assert config == Config()
    assert config.store.synchronous == "normal" and config.agent.role == "builder"


def test_layers_apply_in_order(tmp_path: Path) -> None:
    """User file, then project file, then environment; each sets only what it names."""
    user = _write(tmp_path / "user.yaml", "agent: {name: from-user, role: reviewer}\nquery: {default_limit: 10}\n")
    project = _write(tmp_path / "project.yaml", "agent:\n  name: from-project\n")
    env = {"LIGHTHOUSE_QUERY__DEFAULT_LIMIT": "20", "LIGHTHOUSE_HOME": "/ignored"}
    config = load_config(project, user_file=user, env=env)
    assert config.agent.name == "from-project"
    assert config.agent.role == "reviewer"
    assert config.query.default_limit == 20


def test_user_file_location_follows_xdg(tmp_path: Path) -> None:
    _write(tmp_path / "xdg" / "lighthouse" / "config.yaml", "agent: {name: xdg}\n")
    config = load_config(None, env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert config.agent.name == "xdg"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agnet: {name: x}\n", r"unknown key 'agnet'"),
        ("agent: {nmae: x}\n", r"unknown key 'agent.nmae' \(known here: name, role\)"),
        ("agent: {role: king}\n", r"'agent.role' must be one of builder, expert, reviewer, admin"),
        ("store: {busy_timeout_ms: soon}\n", r"'store.busy_timeout_ms' must be int, not str"),
        ("store: {busy_timeout_ms: true}\n", r"'store.busy_timeout_ms' must be int, not bool"),
        ("store: {busy_timeout_ms: -5}\n", r"'store.busy_timeout_ms' must be between 0 and"),
        ("store: 5\n", r"'store' must be a mapping, not int"),
        ("agent: {name: 12}\n", r"'agent.name' must be str, not int"),
        ("- a\n- b\n", r"top level must be a mapping"),
        ("agent: {name: [unclosed\n", r"not valid YAML"),
        ("query: {default_limit: 500, max_limit: 100}\n", r"must not exceed"),
    ],
)
def test_bad_files_name_the_key_and_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "project.yaml", text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path, user_file=tmp_path / "none.yaml", env={})
    assert str(path) in str(info.value)


def test_empty_file_is_fine(tmp_path: Path) -> None:
    path = _write(tmp_path / "project.yaml", "# nothing set\n")
    assert load_config(path, user_file=tmp_path / "none.yaml", env={}) == Config()


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    path.write_bytes(b"agent:\n  name: \xff\xfe\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(path, user_file=tmp_path / "none.yaml", env={})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIGHTHOUSE_AGENT_NAME": "x"}, "expected LIGHTHOUSE_<SECTION>__<KEY>"),
        ({"LIGHTHOUSE_AGENT__NAME__X": "x"}, "expected LIGHTHOUSE_<SECTION>__<KEY>"),
        ({"LIGHTHOUSE_AGENT__COLOUR": "x"}, "environment: unknown key 'agent.colour'"),
        ({"LIGHTHOUSE_STORE__BUSY_TIMEOUT_MS": "fast"}, "environment: 'store.busy_timeout_ms' must be int"),
    ],
)
def test_bad_environment_names_the_variable(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("<", "<").replace("(", r"\(")):
        load_config(None, user_file=tmp_path / "none.yaml", env=env)


def test_environment_values_are_typed(tmp_path: Path) -> None:
    env = {
        "LIGHTHOUSE_STORE__SNAPSHOT_EVERY": "500",
        "LIGHTHOUSE_AGENT__NAME": "123",
        "LIGHTHOUSE_LOGGING__FORMAT": "json",
    }
    with pytest.raises(ConfigError, match=r"'agent\.name' must be str"):
        load_config(None, user_file=tmp_path / "none.yaml", env=env)
    env["LIGHTHOUSE_AGENT__NAME"] = "builder-7"
    config = load_config(None, user_file=tmp_path / "none.yaml", env=env)
    assert (config.store.snapshot_every, config.agent.name, config.logging.format) == (
        500,
        "builder-7",
        "json",
    )


def test_reserved_variables_are_not_config() -> None:
    assert env_mapping({"LIGHTHOUSE_HOME": "/x", "LIGHTHOUSE_REQUIRE_FUSE": "1", "PATH": "/bin"}) == {}


def _documented_keys(text: str) -> set[str]:
    data = yaml.safe_load(text)
    return {f"{section}.{key}" for section, values in data.items() for key in values}


def test_example_file_documents_exactly_the_config_keys() -> None:
    """Every key in config.example.yaml exists in the object and every key of the object is documented."""
    assert _documented_keys(example_config_text()) == config_keys()


def test_example_file_loads_to_the_defaults(tmp_path: Path) -> None:
    """The example shows the built-in defaults, so loading it changes nothing."""
    assert load_config(REPO / "config.example.yaml", user_file=tmp_path / "none.yaml", env={}) == Config()


def test_every_documented_key_has_a_comment() -> None:
    lines = example_config_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("  ") and not line.strip().startswith("#"):
            assert lines[i - 1].strip().startswith("#"), f"undocumented key: {line.strip()}"


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10))


@given(
    st.dictionaries(
        st.sampled_from(["agent", "store", "query", "logging", "server", "bogus"]),
        st.one_of(scalars, st.dictionaries(st.text(max_size=16), scalars, max_size=4)),
        max_size=4,
    )
)
def test_any_mapping_gives_a_config_or_a_config_error(data: dict[str, Any]) -> None:
    try:
        config = apply_mapping(Config(), data, source="test.yaml")
    except ConfigError as exc:
        message = str(exc)
    else:
        assert isinstance(config, Config)
        return
    assert message.startswith("test.yaml: ")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True),
        ("No", False),
        ("null", None),
        ("42", 42),
        ("-3", -3),
        ("1_000", 1000),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("builder-7", "builder-7"),
        ("0x10", "0x10"),
        ("", ""),
        (" 7 ", 7),
        (".", "."),
    ],
)
def test_environment_scalars_read_like_yaml(raw: str, value: object) -> None:
    from lighthouse_mcp.config import scalar

    assert scalar(raw) == value


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://lh:hunter2@db.example/lh", "must not contain a password: put it in PGPASSWORD"),
        ("postgresql://lh@db.example/lh?sslmode=require&password=hunter2", "must not contain a password"),
        ("mysql://lh@db.example/lh", "must be a PostgreSQL URL"),
        ("postgresql:///nohost", "must be a PostgreSQL URL"),
        ("postgresql://lh@db.example:99999/lh", "not a valid URL"),
    ],
)
def test_a_store_url_is_a_postgresql_url_without_a_password(tmp_path: Path, url: str, message: str) -> None:
    path = _write(tmp_path / "project.yaml", f"store: {{url: '{url}'}}\n")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path, user_file=tmp_path / "none.yaml", env={})
    assert "hunter2" not in str(info.value)


def test_a_store_url_from_the_environment(tmp_path: Path) -> None:
    env = {"LIGHTHOUSE_STORE__URL": "postgresql://lh@db.example:5432/lh?sslmode=require"}
    config = load_config(tmp_path / "none.yaml", user_file=tmp_path / "none.yaml", env=env)
    assert config.store.url.endswith("sslmode=require")


def test_a_process_that_reads_the_config_again_sees_every_change(tmp_path: Path) -> None:
    """A long-running process (the hook server) builds a config once per content: a change to either file's
    content (even keeping size and times), to a variable, or a file appearing or going, gives the new config."""
    import os

    user = tmp_path / "user.yaml"
    project = _write(tmp_path / "project.yaml", "agent: {name: aaa}\n")
    assert load_config(project, user_file=user, env={}).agent.name == "aaa"
    info = project.stat()
    project.write_text("agent: {name: bbb}\n")
    os.utime(project, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert load_config(project, user_file=user, env={}).agent.name == "bbb"
    assert load_config(project, user_file=user, env={"LIGHTHOUSE_AGENT__NAME": "ccc"}).agent.name == "ccc"
    _write(user, "agent: {role: reviewer}\n")
    assert load_config(project, user_file=user, env={}).agent.role == "reviewer"
    project.unlink()
    assert load_config(project, user_file=user, env={}).agent.name == "agent"
    os.mkfifo(project)  # not a regular file: never read (reading it would wait for a writer), and an error
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(project, user_file=user, env={})


def test_something_other_than_a_file_in_the_configs_place_is_an_error(tmp_path: Path) -> None:
    """A directory (or a FIFO) where the config should be is not an absent config: the settings a person wrote
    would silently fall back to the defaults."""
    directory = tmp_path / "project.yaml"
    directory.mkdir()
    with pytest.raises(ConfigError, match="not a regular file") as info:
        load_config(directory, user_file=tmp_path / "none.yaml", env={})
    assert str(directory) in str(info.value)
    fifo = tmp_path / "user.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(None, user_file=fifo, env={})
