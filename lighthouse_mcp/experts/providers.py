"""LLM providers through their official async SDKs: Anthropic (Messages API) and OpenAI (Responses API).

Keys come from the environment only (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`). Base URLs come from the config, or
else from the SDKs' own `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`. The SDK retries retryable errors (429, 5xx,
connection errors) with backoff, honouring retry-after; the whole call, retries included, is bounded by the
profile's timeout. Every failure becomes a `ProviderError` that says what happened. The SDKs are imported on the
first call: they cost a second to import.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio

KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
BASE_URL_ENV = {"anthropic": "ANTHROPIC_BASE_URL", "openai": "OPENAI_BASE_URL"}


@dataclass(frozen=True)
class Completion:
    """A provider's reply: its text, the model that wrote it and the tokens it took."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int


class ProviderError(Exception):
    """A provider did not answer. `kind`: no_key, timeout, rate_limited, unavailable, connection, refused."""

    def __init__(self, provider: str, kind: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.kind = kind


class Provider(abc.ABC):
    """One provider's client. `complete` sends a system prompt and a conversation and returns the text."""

    name = ""

    def __init__(self, api_key: str, base_url: str | None, max_retries: int, http_client: Any = None) -> None:
        self._api_key = api_key
        self._base_url = base_url
        self._max_retries = max_retries
        self._http_client = http_client
        self._client: Any = None

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        model: str,
        temperature: float | None,
        max_tokens: int,
        timeout_s: float,
    ) -> Completion:
        try:
            with anyio.fail_after(timeout_s):
                return await self._complete(system, messages, model, temperature, max_tokens, timeout_s)
        except TimeoutError:
            raise ProviderError(self.name, "timeout", f"no answer within {timeout_s:g} s") from None
        except ProviderError:
            raise
        except Exception as exc:
            raise self._error(exc) from None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _sdk_client(self) -> Any:
        """The SDK's client, made on first use with the key, base URL, retries and HTTP client."""
        if self._client is None:
            self._client = self._sdk_class()(
                api_key=self._api_key,
                base_url=self._base_url,
                max_retries=self._max_retries,
                http_client=self._http_client,
            )
        return self._client

    @abc.abstractmethod
    def _sdk_class(self) -> Any:
        """The SDK's async client class, imported only now (the SDKs take a second to import)."""

    @abc.abstractmethod
    async def _complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        model: str,
        temperature: float | None,
        max_tokens: int,
        t: float,
    ) -> Completion:
        """One call of the provider's API."""

    def _error(self, exc: Exception) -> ProviderError:
        """The SDKs' exceptions share their names and shapes."""
        kind = type(exc).__name__
        status = getattr(exc, "status_code", None)
        if kind == "APITimeoutError":
            return ProviderError(self.name, "timeout", "the request timed out")
        if kind == "APIConnectionError":
            return ProviderError(self.name, "connection", f"cannot connect: {_cause(exc)}")
        if status == 429:
            return ProviderError(self.name, "rate_limited", f"rate limited (HTTP 429) after retries: {_said(exc)}")
        if isinstance(status, int) and status >= 500:
            return ProviderError(self.name, "unavailable", f"HTTP {status} after retries: {_said(exc)}")
        if isinstance(status, int):
            return ProviderError(self.name, "refused", f"HTTP {status}: {_said(exc)}")
        return ProviderError(self.name, "unavailable", f"{kind}: {str(exc)[:300]}")


class AnthropicProvider(Provider):
    name = "anthropic"

    def _sdk_class(self) -> Any:
        from anthropic import AsyncAnthropic

        return AsyncAnthropic

    async def _complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        model: str,
        temperature: float | None,
        max_tokens: int,
        t: float,
    ) -> Completion:
        # The Messages API of this SDK takes no sampling parameters: the profile's temperature is not sent.
        message = await self._sdk_client().messages.create(
            model=model, system=system, messages=messages, max_tokens=max_tokens, timeout=t
        )
        text = "".join(getattr(block, "text", "") for block in message.content if block.type == "text")
        usage = message.usage
        return Completion(text, str(message.model), int(usage.input_tokens or 0), int(usage.output_tokens or 0))


class OpenAIProvider(Provider):
    name = "openai"

    def _sdk_class(self) -> Any:
        from openai import AsyncOpenAI

        return AsyncOpenAI

    async def _complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        model: str,
        temperature: float | None,
        max_tokens: int,
        t: float,
    ) -> Completion:
        extra = {"temperature": temperature} if temperature is not None else {}
        response = await self._sdk_client().responses.create(
            model=model, instructions=system, input=messages, max_output_tokens=max_tokens, timeout=t, **extra
        )
        usage = response.usage
        tokens_in = int(getattr(usage, "input_tokens", 0) or 0) if usage else 0
        tokens_out = int(getattr(usage, "output_tokens", 0) or 0) if usage else 0
        return Completion(str(response.output_text or ""), str(response.model), tokens_in, tokens_out)


PROVIDER_CLASSES: dict[str, type[Provider]] = {"anthropic": AnthropicProvider, "openai": OpenAIProvider}


def make_provider(
    name: str, base_url: str, max_retries: int, env: Mapping[str, str] | None = None, http_client: Any = None
) -> Provider:
    """The provider `name`, with its key from the environment; `ProviderError(no_key)` names the variable to set."""
    env = os.environ if env is None else env
    key = env.get(KEY_ENV[name], "").strip()
    if not key:
        raise ProviderError(name, "no_key", f"no API key: set {KEY_ENV[name]} in the environment of the server")
    return PROVIDER_CLASSES[name](key, base_url or env.get(BASE_URL_ENV[name]) or None, max_retries, http_client)


def _said(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
    return str(getattr(exc, "message", exc))[:300]


def _cause(exc: Exception) -> str:
    cause = exc.__cause__ or exc.__context__
    return str(cause or exc)[:300] or type(cause or exc).__name__
