"""One typed configuration object: defaults, then the user file, the project file and `LIGHTHOUSE_*` variables.

Each layer may set any subset of keys. Unknown keys and values of the wrong type are errors that name the key and
where it came from. Secrets (API keys) never come from here: they stay in the environment.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lighthouse_mcp.errors import ConfigError

Role = Literal["builder", "expert", "reviewer", "admin"]
LogLevel = Literal["debug", "info", "warning", "error"]
LogFormat = Literal["plain", "json"]
Synchronous = Literal["normal", "full"]
ErrorDecision = Literal["ask", "deny"]
Tightening = Literal["off", "ask", "deny"]
# What a session can read that taints it (`taint.sources`): web pages and searches, other MCP servers' results, files
# outside the project and in it, shell commands' output, a subagent's answer, and any other tool whose output is
# scanned.
TAINT_SOURCES = ("web", "mcp", "outside-file", "project-file", "command", "subagent", "other")

# Variables that share the prefix but are not configuration keys: the home, where this machine's `lighthouse` is
# (set for the hooks in .claude/settings.local.json), whose hook input `lighthouse hook --agent-kind` expects, and
# the test suite's switches (LIGHTHOUSE_REQUIRE_FUSE,
# _TMUX, _POSTGRES) that turn a skipped test into a failure.
RESERVED_ENV = frozenset({"LIGHTHOUSE_HOME", "LIGHTHOUSE_BIN", "LIGHTHOUSE_AGENT_KIND"})
RESERVED_ENV_PREFIX = "LIGHTHOUSE_REQUIRE_"
ENV_PREFIX = "LIGHTHOUSE_"
# Keys only the user's own file may set: a project's config and the environment a process was started with can be
# written by the agent under guard, so they cannot unlock what guards against it.
USER_ONLY = frozenset({("policy", "unlock")})


@dataclass(frozen=True)
class AgentConfig:
    """Who the agent is (`agent:`): its name and role."""

    name: str = "agent"
    role: Role = "builder"


@dataclass(frozen=True)
class StoreConfig:
    """The event store (`store:`): the SQLite file or a PostgreSQL URL, and how it is written."""

    path: str = "lighthouse.db"
    synchronous: Synchronous = "normal"
    busy_timeout_ms: int = 10_000
    snapshot_every: int = 10_000
    max_payload_bytes: int = 1_048_576
    poll_interval_ms: int = 200
    url: str = ""  # postgresql://user@host:port/db; empty: the SQLite file at `path`
    pool_size: int = 4
    connect_timeout_s: int = 10
    secret_file_contents: bool = False


@dataclass(frozen=True)
class ValidationConfig:
    """Deciding tool calls (`validation:`): limits, the decision cache, and the answer when deciding fails."""

    max_command_bytes: int = 65_536
    cache_size: int = 4096
    cache_ttl_s: int = 300
    on_error: ErrorDecision = "ask"
    escalation_timeout_s: int = 20
    record: bool = True


@dataclass(frozen=True)
class PolicyConfig:
    """The policy engine (`policy:`): local or OPA, its deadlines, the locked rules a person unlocked, and a shadow
    policy set."""

    engine: Literal["local", "opa"] = "local"
    url: str = ""
    timeout_ms: int = 250
    retry_after_s: int = 10
    deadline_ms: int = 500
    unlock: list[str] = field(default_factory=list)  # only from the user's own file (USER_ONLY)
    shadow: str = ""  # a directory of policy files in the project home, decided beside the live set


@dataclass(frozen=True)
class LimitsConfig:
    """Rate limits (`limits:`): requests per window for each role (0: none)."""

    window_s: int = 60
    builder: int = 600
    reviewer: int = 600
    expert: int = 600
    admin: int = 0


@dataclass(frozen=True)
class ExpertsConfig:
    """The LLM experts (`experts:`): endpoints, retries, the answer cache and the circuit breaker."""

    anthropic_base_url: str = ""
    openai_base_url: str = ""
    max_retries: int = 2
    cache_ttl_s: int = 3600
    cache_size: int = 256
    breaker_failures: int = 3
    breaker_reset_s: int = 30


@dataclass(frozen=True)
class MetricsConfig:
    """Latency budgets watched by the server (`metrics:`)."""

    window_s: int = 900
    check_s: int = 60
    min_samples: int = 20
    validation_p99_us: int = 5000
    policy_p99_us: int = 3000
    scan_p99_us: int = 20000
    expert_p99_ms: int = 120000
    store_p99_us: int = 50000
    fuse_p99_us: int = 50000


@dataclass(frozen=True)
class ScanConfig:
    """Scanning tool output (`scan:`)."""

    max_bytes: int = 2_097_152
    record: bool = True
    hook: bool = True
    hook_min_risk: Literal["low", "medium", "high", "critical"] = "medium"


@dataclass(frozen=True)
class TaintConfig:
    """Session taint (`taint:`): what a session may read before it loses the right to send data out, and what
    tightens until a person clears it."""

    enabled: bool = True
    sources: list[str] = field(default_factory=lambda: list(TAINT_SOURCES))
    min_risk: Literal["none", "low", "medium", "high", "critical"] = "high"
    expiry_s: int = 0  # 0: until a person clears it
    send: Tightening = "ask"
    secret_reads: Tightening = "ask"  # noqa: S105  (a decision, not a password)
    outside_writes: Tightening = "ask"
    handoff: Tightening = "ask"
    guard: Tightening = "deny"


@dataclass(frozen=True)
class ApprovalsConfig:
    """Asking a person (`approvals:`)."""

    enabled: bool = False
    rules: str = "*"
    timeout_s: int = 20
    on_timeout: ErrorDecision = "deny"


@dataclass(frozen=True)
class HookConfig:
    """The Claude Code hook (`hook:`)."""

    on_allow: Literal["allow", "defer"] = "defer"
    deadline_s: int = 10
    timeout_s: int = 30


@dataclass(frozen=True)
class QueryConfig:
    """Event queries (`query:`)."""

    default_limit: int = 50
    max_limit: int = 1000


@dataclass(frozen=True)
class LoggingConfig:
    """Logging (`logging:`)."""

    level: LogLevel = "info"
    format: LogFormat = "plain"


@dataclass(frozen=True)
class ServerConfig:
    """The MCP server (`server:`)."""

    name: str = "lighthouse"
    recent_events: int = 50
    heartbeat_s: int = 30
    stale_after_s: int = 120
    collaboration_idle_s: int = 3600


@dataclass(frozen=True)
class Config:
    """The whole configuration, one section per top-level key."""

    agent: AgentConfig = field(default_factory=AgentConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    experts: ExpertsConfig = field(default_factory=ExpertsConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    scan: ScanConfig = field(default_factory=ScanConfig)
    taint: TaintConfig = field(default_factory=TaintConfig)
    approvals: ApprovalsConfig = field(default_factory=ApprovalsConfig)
    hook: HookConfig = field(default_factory=HookConfig)
    query: QueryConfig = field(default_factory=QueryConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    server: ServerConfig = field(default_factory=ServerConfig)


# Bounds checked after all layers are applied: (section, key) -> (minimum, maximum).
_BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("store", "busy_timeout_ms"): (0, 600_000),
    ("store", "snapshot_every"): (100, 10_000_000),
    ("store", "max_payload_bytes"): (1024, 256 * 1024 * 1024),
    ("store", "poll_interval_ms"): (10, 60_000),
    ("store", "pool_size"): (1, 100),
    ("store", "connect_timeout_s"): (1, 300),
    ("validation", "max_command_bytes"): (256, 16 * 1024 * 1024),
    ("validation", "cache_size"): (0, 1_000_000),
    ("validation", "cache_ttl_s"): (0, 86_400),
    ("validation", "escalation_timeout_s"): (1, 600),
    ("policy", "timeout_ms"): (10, 60_000),
    ("policy", "retry_after_s"): (1, 3600),
    ("policy", "deadline_ms"): (10, 10_000),
    ("hook", "deadline_s"): (1, 60),
    ("hook", "timeout_s"): (5, 600),
    ("limits", "window_s"): (1, 86_400),
    ("limits", "builder"): (0, 10_000_000),
    ("limits", "reviewer"): (0, 10_000_000),
    ("limits", "expert"): (0, 10_000_000),
    ("limits", "admin"): (0, 10_000_000),
    ("experts", "max_retries"): (0, 10),
    ("experts", "cache_ttl_s"): (0, 7 * 86_400),
    ("experts", "cache_size"): (0, 100_000),
    ("experts", "breaker_failures"): (1, 1000),
    ("experts", "breaker_reset_s"): (1, 3600),
    ("metrics", "window_s"): (10, 7 * 86_400),
    ("metrics", "check_s"): (1, 86_400),
    ("metrics", "min_samples"): (1, 1_000_000),
    ("metrics", "validation_p99_us"): (0, 60_000_000),
    ("metrics", "scan_p99_us"): (0, 60_000_000),
    ("metrics", "expert_p99_ms"): (0, 3_600_000),
    ("metrics", "policy_p99_us"): (0, 60_000_000),
    ("metrics", "store_p99_us"): (0, 60_000_000),
    ("metrics", "fuse_p99_us"): (0, 60_000_000),
    ("scan", "max_bytes"): (1024, 256 * 1024 * 1024),
    ("approvals", "timeout_s"): (1, 3600),
    ("taint", "expiry_s"): (0, 90 * 86_400),
    ("query", "default_limit"): (1, 100_000),
    ("query", "max_limit"): (1, 100_000),
    ("server", "recent_events"): (1, 10_000),
    ("server", "heartbeat_s"): (1, 3600),
    ("server", "stale_after_s"): (2, 86_400),
    ("server", "collaboration_idle_s"): (1, 30 * 86_400),
}


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/lighthouse/config.yaml`, defaulting to `~/.config`."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".config")
    return Path(base) / "lighthouse" / "config.yaml"


def load_config(
    project_file: Path | None = None,
    *,
    user_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Build the config from every layer; missing files are skipped, broken ones are errors. The same files'
    contents and variables give the same (immutable) config, built once per process."""
    env = os.environ if env is None else env
    user = user_file if user_file is not None else user_config_path(env)
    layers = [(path, _read_layer(path)) for path in (user, project_file) if path is not None]
    key = (tuple(layers), tuple(sorted((k, v) for k, v in env.items() if _is_setting(k))))
    built = _BUILT.get(key)
    if built is None:
        built = _build(layers, user, env)
        if len(_BUILT) >= 8:
            _BUILT.clear()
        _BUILT[key] = built
    return built


_BUILT: dict[Any, Config] = {}


def _read_layer(path: Path) -> str | None:
    """A config file's text; None when there is none. Something else in its place (a directory, a FIFO, a device)
    is an error, not an absent file: settings a person wrote must not silently fall back to the defaults."""
    if not path.is_file():
        if os.path.lexists(path):
            raise ConfigError(f"{path}: not a regular file (a directory, a pipe or a device); cannot read config")
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc


def _build(layers: list[tuple[Path, str | None]], user: Path, env: Mapping[str, str]) -> Config:
    config = Config()
    for path, text in layers:
        if text is not None:
            data = yaml_mapping(text, path)
            if path is not user:
                refuse_user_only(data, source=str(path), user=user)
            config = apply_mapping(config, data, source=str(path))
    data = env_mapping(env)
    refuse_user_only(data, source="environment", user=user)
    config = apply_mapping(config, data, source="environment")
    check_complete(config)
    return config


def refuse_user_only(data: Mapping[str, Any], *, source: str, user: Path) -> None:
    """A layer other than the user's own file may not set the keys that loosen the guard itself."""
    for section, key in USER_ONLY:
        value = data.get(section)
        if isinstance(value, Mapping) and value.get(key):
            raise ConfigError(
                f"{source}: '{section}.{key}' can only be set by a person in their own config file ({user}), "
                "not in a project's config or the environment"
            )


def yaml_mapping(text: str, path: Path) -> dict[str, Any]:
    """`text` (read from `path`) as a mapping; an empty text is an empty mapping."""
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return {}  # only comments (as `lighthouse init` writes it): no need to load the YAML parser
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections, not {type(data).__name__}")
    return data


def env_mapping(env: Mapping[str, str]) -> dict[str, Any]:
    """`LIGHTHOUSE_SECTION__KEY=value` variables as a nested mapping; values are read as YAML scalars."""
    out: dict[str, Any] = {}
    for name, raw in env.items():
        if not _is_setting(name):
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        if len(parts) != 2 or not all(parts):
            raise ConfigError(
                f"environment variable {name}: expected LIGHTHOUSE_<SECTION>__<KEY>, e.g. LIGHTHOUSE_AGENT__NAME"
            )
        out.setdefault(parts[0], {})[parts[1]] = scalar(raw)
    return out


def _is_setting(name: str) -> bool:
    return name.startswith(ENV_PREFIX) and name not in RESERVED_ENV and not name.startswith(RESERVED_ENV_PREFIX)


_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def scalar(raw: str) -> Any:
    """A YAML plain scalar's value (bool, null, int, float, else the string), without loading a YAML parser."""
    text = raw.strip()
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("null", "~"):
        return None
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _FLOAT.fullmatch(text) and any(c.isdigit() for c in text):
        return float(text.replace("_", ""))
    return raw


def apply_mapping(config: Config, data: Mapping[str, Any], *, source: str) -> Config:
    """Return `config` with the values of `data` applied, checking every key, type and bound."""
    result: Config = _apply_dataclass(config, data, source=source, prefix="")
    check_bounds(result, source=source)
    return result


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A config section's field types (worked out once: a hook process reads the configuration on every call)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _apply_dataclass(obj: Any, data: Mapping[str, Any], *, source: str, prefix: str) -> Any:
    hints = _hints(type(obj))
    fields = {f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if not isinstance(key, str) or key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{source}: unknown key '{dotted}' (known here: {known})")
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{source}: '{dotted}' must be a mapping, not {_kind(value)}")
            changes[key] = _apply_dataclass(getattr(obj, key), value, source=source, prefix=f"{dotted}.")
        else:
            changes[key] = _coerce(hint, value, source=source, key=dotted)
    return dataclasses.replace(obj, **changes)


def _coerce(hint: Any, value: Any, *, source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value in allowed:
            return value
        raise ConfigError(f"{source}: '{key}' must be one of {', '.join(map(str, allowed))}, not {value!r}")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, source=source, key=key)
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{source}: '{key}' must be a list, not {_kind(value)}")
        return [_coerce(item, v, source=source, key=f"{key}[{i}]") for i, v in enumerate(value)]
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        raise ConfigError(f"{source}: '{key}' has an unsupported type {hint!r}")
    raise ConfigError(f"{source}: '{key}' must be {hint.__name__}, not {_kind(value)} ({value!r})")


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def check_bounds(config: Config, *, source: str) -> None:
    """Reject values that are well-typed but absurd (negative timeouts, zero page sizes)."""
    for (section, key), (low, high) in _BOUNDS.items():
        value = getattr(getattr(config, section), key)
        if not low <= value <= high:
            raise ConfigError(f"{source}: '{section}.{key}' must be between {low} and {high}, not {value}")
    if config.query.default_limit > config.query.max_limit:
        raise ConfigError(f"{source}: 'query.default_limit' must not exceed 'query.max_limit'")


def check_complete(config: Config) -> None:
    """Checks across keys, once every layer is applied."""
    policy = config.policy
    if policy.engine == "opa" and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", policy.url):
        shown = repr(policy.url) if policy.url else "empty"
        raise ConfigError(
            f"'policy.engine' is opa, so 'policy.url' must be the OPA server's http(s) URL "
            f"(e.g. http://127.0.0.1:8181), not {shown}"
        )
    _check_url(config)
    check_store_url(config.store.url)
    for rule in config.policy.unlock:
        if not re.fullmatch(r"[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+", rule):
            raise ConfigError(f"'policy.unlock' lists rule ids such as fs.delete-home, not {rule[:80]!r}")
    unknown = [s for s in config.taint.sources if s not in TAINT_SOURCES]
    if unknown:
        raise ConfigError(f"'taint.sources' lists {unknown[0][:40]!r}: the sources are {', '.join(TAINT_SOURCES)}")
    if config.hook.deadline_s + 3 > config.hook.timeout_s:
        raise ConfigError(
            f"'hook.deadline_s' ({config.hook.deadline_s}) must be at least 3 s under 'hook.timeout_s' "
            f"({config.hook.timeout_s}), the timeout Claude Code is told: past it a hook's call runs unchecked"
        )


def check_store_url(url: str) -> None:
    """Empty, or a PostgreSQL URL without a password (that belongs in PGPASSWORD or a .pgpass file)."""
    if not url:
        return
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (parsing the port is what checks it)
    except ValueError as exc:
        raise ConfigError(f"'store.url' is not a valid URL: {exc}") from exc
    if parts.scheme not in ("postgresql", "postgres") or (not parts.hostname and "host=" not in parts.query):
        raise ConfigError(
            f"'store.url' must be a PostgreSQL URL such as postgresql://lighthouse@db.example:5432/lighthouse, "
            f"not {url[:80]!r}"
        )
    from urllib.parse import parse_qs

    if parts.password is not None or "password" in parse_qs(parts.query):
        raise ConfigError(
            "'store.url' must not contain a password: put it in PGPASSWORD or a .pgpass file (PGPASSFILE) instead"
        )


def _check_url(config: Config) -> None:
    for key in ("anthropic_base_url", "openai_base_url"):
        value = getattr(config.experts, key)
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ConfigError(f"'experts.{key}' must be an http(s) URL or empty, not {value!r}")


def config_keys(config: Config | None = None) -> set[str]:
    """Every dotted key the config object has, e.g. `store.path`."""
    config = Config() if config is None else config
    keys: set[str] = set()
    for section in dataclasses.fields(config):
        for item in dataclasses.fields(getattr(config, section.name)):
            keys.add(f"{section.name}.{item.name}")
    return keys


def example_config_text() -> str:
    """The shipped, commented `config.example.yaml`."""
    return (Path(__file__).parent / "config.example.yaml").read_text(encoding="utf-8")
