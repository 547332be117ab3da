"""Secrets: each provider format, key blocks, tokens, connection strings, password hashes and high-entropy values
assigned to secret-sounding names — and the placeholders and documented examples that are not secrets."""

from __future__ import annotations

import pytest

from lighthouse_mcp.validation.responses import Scanner
from tests.scanning.conftest import flagged

SECRETS = [
    ("aws_access_key_id = AKIAZ3MPLQ7RT5VW2XYB", "secret.aws-access-key", "AKIAZ3MPLQ7RT5VW2XYB"),
    ("AWS_SECRET_ACCESS_KEY=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", "secret.aws-secret-key", "Zx9Qw8Er7Ty6Ui5"),
    ("export GH_TOKEN=ghp_R4nd0mT0k3nV4lu3Xy9Zq8Wv7Ut6Sr5Qp4On", "secret.github-token", "ghp_R4nd0mT0k3n"),
    (
        "github_pat_11AQ7ZK2I0r8Xw7Vu6Ts5Rq_4Po3Nm2Lk1Jh0GfEdCbA9z8Y7x6W5v4U3t2S1r0Qp9O8n7M6l5K4j3",
        "secret.github-token",
        "github_pat_",
    ),
    ("token: glpat-x1Y2z3A4b5C6d7E8f9G0", "secret.gitlab-token", "glpat-x1Y2z3A4b5C6d7E8f9G0"),
    ("SLACK_BOT_TOKEN=xoxb-2048-1024-Zq8Xw7Vu6Ts5Rq4Po3Nm2", "secret.slack-token", "xoxb-2048-1024"),
    (
        "url: https://hooks.slack.com/services/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",
        "secret.slack-webhook",
        "T0AB12CDE",
    ),
    ("OPENAI_API_KEY=sk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0GfEdCbA9z8Y7x6W5v4", "secret.openai-key", "sk-proj-Zq8Xw"),
    (
        "client = Anthropic(api_key='sk-ant-api03-Pq7Rs2Tu9Vw4Xy1Za8Bc3De6Fg0Hi5Jk2Lm7-XyZ')",
        "secret.anthropic-key",
        "sk-ant-api03",
    ),
    ("stripe.api_key = 'sk_live_51Hx9Qw8Er7Ty6Ui5Op4As3Df'", "secret.stripe-key", "sk_live_51Hx9"),
    ("GOOGLE_KEY=AIzaSyB3x9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz", "secret.google-api-key", "AIzaSyB3x9Qw8"),
    ("Authorization: Bearer ya29.a0AfH6SMBx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0", "secret.google-oauth-token", "ya29.a0AfH6"),
    ("//registry.npmjs.org/:_authToken=npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "secret.npm-token", "npm_A1b2C3"),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "-----END OPENSSH PRIVATE KEY-----",
        "secret.private-key",
        "b3BlbnNzaC1rZXkt",
    ),
    (
        "cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.Qw8Er7Ty6Ui5Op4As3Df2Gh1",
        "secret.jwt",
        "eyJhbGciOiJIUzI1NiJ9",
    ),
    ("DATABASE_URL=postgres://app:Tr0ub4dor-3x@db.internal:5432/prod", "secret.connection-string", "Tr0ub4dor-3x"),
    (
        "mongodb+srv://appuser:Hunter2Secret!@cluster0.example.mongodb.net/prod",
        "secret.connection-string",
        "Hunter2Secret!",
    ),
    (
        "root:$6$rounds=5000$saltsalt$Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0GfEdCbA9z8Y7x6W5v4U3t2S1r0Q.p9O8n7M6l5K4j3I2h1G0f:19000:0:99999:7:::",
        "secret.password-hash",
        "$6$rounds=5000$saltsalt$Zq8Xw7",
    ),
    (
        'curl -H "Authorization: Bearer Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0" https://api.example.com',
        "secret.bearer-token",
        "Zq8Xw7Vu6Ts5R",
    ),
    ('config = {"client_secret": "Q8xW7vU6tS5rQ4pO3nM2lK1j"}', "secret.assignment", "Q8xW7vU6tS5rQ4pO3nM2lK1j"),
    ("DB_PASSWORD=k9#Lm2$Qr7!zX4", "secret.assignment", "k9#Lm2$Qr7!zX4"),
]


@pytest.mark.parametrize(("text", "rule", "value"), SECRETS, ids=[r for _, r, _ in SECRETS])
def test_secrets_are_found_and_redacted(scanner: Scanner, text: str, rule: str, value: str) -> None:
    result = scanner.scan(text)
    assert rule in {t.rule for t in result.threats}, result.to_json()
    assert flagged(result, "secret")
    assert value not in result.sanitized
    assert "[REDACTED:secret]" in result.sanitized
    for threat in result.threats:
        assert value not in threat.excerpt and value not in threat.detail


def test_redaction_keeps_the_name(scanner: Scanner) -> None:
    result = scanner.scan("AWS_SECRET_ACCESS_KEY=Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNmQw # prod")
    assert result.sanitized == "AWS_SECRET_ACCESS_KEY=[REDACTED:secret] # prod"


NOT_SECRETS = [
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "export OPENAI_API_KEY=<your-key-here>",
    "OPENAI_API_KEY=sk-...",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "export DATABASE_URL=postgres://user:password@localhost/dev",
    "redis://:changeme@localhost:6379",
    "postgres://app:${DB_PASSWORD}@db:5432/app",
    "password = os.environ['DB_PASSWORD']",
    "api_key = settings.API_KEY",
    "token = get_token(user)",
    "SECRET_KEY = config('SECRET_KEY')",
    "password: hunter2",
    "API_KEY=your_api_key_here",
    "token: '{{ secrets.GITHUB_TOKEN }}'",
    "auth_token_path = config/auth_token.json",
    "The password_reset_token_expiry setting is in hours.",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvN3kV3L0\n-----END PUBLIC KEY-----",
    "the commit sha is 4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "See https://user@github.com/org/repo for the source.",
    "TOKEN_URL=https://oauth2.googleapis.com/token",
    "Set SECRET_KEY_BASE in production; never commit it.",
]


@pytest.mark.parametrize("text", NOT_SECRETS, ids=[t[:40] for t in NOT_SECRETS])
def test_placeholders_and_examples_are_not_secrets(scanner: Scanner, text: str) -> None:
    result = scanner.scan(text)
    assert not [t for t in result.threats if t.category == "secret"], result.to_json()


def test_a_provider_format_wins_over_the_generic_rule(scanner: Scanner) -> None:
    result = scanner.scan("GITLAB_TOKEN=glpat-x1Y2z3A4b5C6d7E8f9G0")
    assert [t.rule for t in result.threats if t.category == "secret"] == ["secret.gitlab-token"]


def test_stripe_test_keys_are_medium(scanner: Scanner) -> None:
    result = scanner.scan("STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc")
    assert [(t.rule, t.severity) for t in result.threats] == [("secret.stripe-key", "medium")]
