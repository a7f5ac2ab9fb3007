"""Secrets as programs print them, one of each shape the redaction pass must hide.

Each seed is (name, the line as it appears in a log or tool result, the secret value that must never be seen
again). Values are unique strings, so a test can look for them anywhere (pages, prompts, the database,
files) and a hit is always a leak. `SEEDED_LOG` is a pod log holding all of them among ordinary lines.
"""

from __future__ import annotations

PEM_BODY = "MIIEowIBAAKCAQEAsEEDpemKeyLine0ZzQx9Rk3vWcUeT8bYh2LmN4pQrStUvWxYz01"

SEEDS: list[tuple[str, str, str]] = [
    ("password in a URL", "connecting to postgres://shop:Pg5eedUrlPw91@db.shop.svc:5432/orders", "Pg5eedUrlPw91"),
    ("password with @ in a URL", "amqp://guest:Rb@5eedAt77@rabbit:5672/", "Rb@5eedAt77"),
    ("bearer token", "GET /api sent Authorization: Bearer seedBearer7Tok3nQwErTy", "seedBearer7Tok3nQwErTy"),
    ("basic auth", "upstream header Authorization: Basic c2VlZGJhc2ljOnNlY3JldDQy", "c2VlZGJhc2ljOnNlY3JldDQy"),
    ("GitHub token", "cloning with ghp_Seed9GithubTokenAbCdEfGhIjKlMnOpQr12",
     "ghp_Seed9GithubTokenAbCdEfGhIjKlMnOpQr12"),
    ("Slack bot token", "slack client init xoxb-1234567890-0987654321-SeedSlackBotTok3n",
     "xoxb-1234567890-0987654321-SeedSlackBotTok3n"),
    ("PEM private key", f"loaded key -----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n"
     "SeedPemSecondLineAbCdEf0123456789GhIjKlMnOpQrStUvWx==\n-----END RSA PRIVATE KEY-----", PEM_BODY),
    ("--password flag", "exec: mysqldump --user root --password Fl4gSeedPassw0rd shop", "Fl4gSeedPassw0rd"),
    ("PASS= variable", "env: DB_HOST=db PASS=Pa55SeedEnvVal user=app", "Pa55SeedEnvVal"),
    ("JSON api_key", '{"level":"info","config":{"api_key": "jsonSeedApiKey4242","region":"eu"}}', "jsonSeedApiKey4242"),
    ("JSON client secret", '{"client_secret":"JsonSeedClientSecret55"}', "JsonSeedClientSecret55"),
    ("password= pair", "DATABASE_PASSWORD=pairSeedHunter2 failed", "pairSeedHunter2"),
    ("YAML token", "  token: yamlSeedTok3nValue88", "yamlSeedTok3nValue88"),
    ("JWT", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWVkand0In0.c2VlZGp3dHNpZ25hdHVyZQ",
     "eyJzdWIiOiJzZWVkand0In0"),
    ("AWS access key id", "aws key AKIASEEDAWSKEY123456", "AKIASEEDAWSKEY123456"),
    ("AWS secret key", "aws_secret_access_key = SeedAwsSecret/K7MDENG+bPxRfiCYEXAMPLEKEY", "SeedAwsSecret"),
    ("Kubernetes env entry", '{"name": "DB_PASSWORD", "value": "k8sEnvSeedValue31"}', "k8sEnvSeedValue31"),
    ("Slack webhook URL", "posting to https://hooks.slack.com/services/T0SEED/B0SEED/SeedWebhookPath99",
     "SeedWebhookPath99"),
    ("OpenAI key", "llm client sk-proj-SeedOpenAiKey0123456789abcdef", "SeedOpenAiKey0123456789abcdef"),
]

VALUES: list[str] = [value for _, _, value in SEEDS]

SEEDED_LOG = "\n".join(
    ["2026-12-07T10:00:00Z starting checkout v1.4.2"]
    + [f"2026-12-07T10:00:{n:02d}Z {line}" for n, (_, line, _) in enumerate(SEEDS, start=1)]
    + ["2026-12-07T10:01:00Z dial tcp 10.96.4.2:5432: connect: connection refused",
       "2026-12-07T10:01:01Z fatal: cannot connect to the database, exiting"]
) + "\n"


def leaks(text: str) -> list[str]:
    """The seed values found in `text` (empty: nothing leaked)."""
    return [value for value in VALUES if value in text]
