"""Expert profiles: data files holding a system prompt, the providers and models to ask in order, sampling and
limits, and the kind of answer expected. Shipped ones in `experts/profiles/`; a project's own in
`.lighthouse/experts/*.yaml` (a project profile with a shipped name replaces it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import ConfigError

SHIPPED = Path(__file__).parent / "profiles"
PROVIDERS = ("anthropic", "openai")
ANSWERS = ("verdict", "free")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,47}")
_KEYS = {"name", "description", "answer", "providers", "temperature", "max_tokens", "timeout_s", "system"}


@dataclass(frozen=True)
class Route:
    """One provider and model a profile may be answered by, with its price for the cost estimate."""

    provider: str
    model: str
    input_per_mtok: float | None = None  # USD per million tokens, for the cost estimate recorded on each call
    output_per_mtok: float | None = None

    def cost_usd(self, tokens_in: int, tokens_out: int) -> float | None:
        if self.input_per_mtok is None or self.output_per_mtok is None:
            return None
        return round((tokens_in * self.input_per_mtok + tokens_out * self.output_per_mtok) / 1_000_000, 6)


@dataclass(frozen=True)
class Profile:
    """An expert profile: its instructions, the providers that may answer it, and the kind of answer it gives."""

    name: str
    description: str
    system: str
    providers: tuple[Route, ...]
    answer: str = "verdict"  # verdict: allow/ask/deny with confidence; free: analysis and recommendations only
    temperature: float | None = None  # sent only when set, and only to providers that take it (OpenAI)
    max_tokens: int = 1200
    timeout_s: float = 60.0

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "answer": self.answer,
            "providers": [f"{r.provider}:{r.model}" for r in self.providers],
        }


def load_profiles(project_dir: Path | None) -> dict[str, Profile]:
    """Every profile by name: shipped, then the project's."""
    files = sorted(SHIPPED.glob("*.yaml"))
    if project_dir is not None and project_dir.is_dir():
        files += sorted(project_dir.glob("*.yaml")) + sorted(project_dir.glob("*.yml"))
    profiles: dict[str, Profile] = {}
    for path in files:
        profile = read_profile(path)
        profiles[profile.name] = profile
    return profiles


def read_profile(path: Path) -> Profile:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read expert profile: {exc}".replace("\n", " ")) from exc
    return parse_profile(data, source=str(path))


def parse_profile(data: Any, *, source: str) -> Profile:
    """A profile from its mapping; every mistake names the field and the file."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: an expert profile is a mapping, not {type(data).__name__}")
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{source}: 'name' must be lower-case letters, digits, - or _ (e.g. security), not {name!r}")
    system = data.get("system")
    if not isinstance(system, str) or not system.strip():
        raise ConfigError(f"{source}: 'system' (the system prompt) must be non-empty text")
    answer = data.get("answer", "verdict")
    if answer not in ANSWERS:
        raise ConfigError(f"{source}: 'answer' must be verdict or free, not {answer!r}")
    routes = data.get("providers")
    if not isinstance(routes, list) or not routes:
        raise ConfigError(f"{source}: 'providers' must list at least one {{provider, model}}")
    parsed = []
    for i, route in enumerate(routes):
        if not isinstance(route, dict) or route.get("provider") not in PROVIDERS or not route.get("model"):
            raise ConfigError(
                f"{source}: providers[{i}] must be {{provider: anthropic|openai, model: NAME}}, not {route!r}"
            )
        prices = [route.get(k) for k in ("input_per_mtok", "output_per_mtok")]
        if any(p is not None and (isinstance(p, bool) or not isinstance(p, (int, float)) or p < 0) for p in prices):
            raise ConfigError(f"{source}: providers[{i}] prices must be non-negative numbers (USD per million tokens)")
        parsed.append(
            Route(
                str(route["provider"]),
                str(route["model"]),
                float(prices[0]) if prices[0] is not None else None,
                float(prices[1]) if prices[1] is not None else None,
            )
        )
    return Profile(
        name=name,
        description=str(data.get("description") or name),
        system=system.strip(),
        providers=tuple(parsed),
        answer=answer,
        temperature=_number(data, "temperature", 0.0, 0.0, 2.0, source) if "temperature" in data else None,
        max_tokens=int(_number(data, "max_tokens", 1200, 16, 64_000, source, integer=True)),
        timeout_s=_number(data, "timeout_s", 60.0, 1.0, 900.0, source),
    )


def _number(
    data: dict[str, Any], key: str, default: float, low: float, high: float, source: str, *, integer: bool = False
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise ConfigError(f"{source}: '{key}' must be a number, not {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{source}: '{key}' must be between {low:g} and {high:g}, not {value}")
    return float(value)
