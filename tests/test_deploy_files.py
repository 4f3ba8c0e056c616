"""The Dockerfile, deploy/compose.yaml and deploy/k8s/ read as data: no Docker needed.

Each command they run must be one `jobclub` really has (parsed by its own argument
parser), the image must not run as root, and the probes must point at the endpoints
the bot serves on JOBCLUB_HTTP_PORT.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}


def jobclub_command(argv: list[str]) -> list[str]:
    """`argv` must be `jobclub …` that the CLI accepts; returns the arguments."""
    assert argv and argv[0] == "jobclub", argv
    try:
        build_parser().parse_args(argv[1:])
    except SystemExit:  # argparse's way of refusing
        pytest.fail(f"`{shlex.join(argv)}` is not a jobclub command")
    return argv[1:]


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for line in lines:
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), f"use the exec (JSON) form: {args}"
    return value


def test_the_image_is_multi_stage_slim_and_runs_jobclub_as_a_non_root_user() -> None:
    steps = dockerfile()
    bases = [args for word, args in steps if word == "FROM"]
    assert len(bases) >= 2, "multi-stage: build dependencies stay out of the runtime image"
    runtime = bases[-1]
    version = re.match(r"python:3\.(\d+)-slim", runtime)
    assert version and int(version.group(1)) >= 11, runtime
    final = steps[max(i for i, (w, _) in enumerate(steps) if w == "FROM") :]
    users = [args for word, args in final if word == "USER"]
    assert users, "the runtime stage names a user"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), user
    assert any(w == "COPY" and "--from=" in a for w, a in final), "copies only what was built"
    entry = exec_form(next(a for w, a in final if w == "ENTRYPOINT"))
    assert jobclub_command(entry) == ["run"]
    check = next(a for w, a in final if w == "HEALTHCHECK")
    assert "--timeout" in check
    jobclub_command(exec_form(check.split("CMD", 1)[1].strip()))
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "tests", "data"} <= set(ignored)


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_postgres_a_one_shot_migration_then_the_bot() -> None:
    spec = compose()
    services = spec["services"]
    assert set(services) == {"postgres", "migrate", "bot"}
    assert "pgdata" in spec["volumes"]
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])

    migrate, bot = services["migrate"], services["bot"]
    assert jobclub_command(migrate["entrypoint"]) == ["db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "entrypoint" not in bot  # the image's own: jobclub run
    assert jobclub_command(bot["healthcheck"]["test"][1:]) == ["health", "--ready"]
    for service in (migrate, bot):
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert service["build"]["context"] == ".."


def test_the_env_template_documents_every_setting_compose_reads() -> None:
    template = (DEPLOY / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", template, re.MULTILINE))
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", (DEPLOY / "compose.yaml").read_text()))
    assert used <= named, used - named
    compose_only = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "SLACK_HTTP_PORT"}
    assert named - compose_only <= SETTINGS, (named - compose_only) - SETTINGS
    for name in named:  # every one explained by a comment line above it
        before = template.split(f"{name}=")[0].rstrip().splitlines()
        assert any(line.lstrip().startswith("# ") for line in before[-4:]), name
    assert "change-me" in template  # a template, not a secret


def k8s() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            found[doc["kind"]] = doc
    return found


def test_kubernetes_has_a_probed_deployment_a_service_a_secret_template_and_a_migration_job() -> (
    None
):
    docs = k8s()
    assert set(docs) == {"Deployment", "Service", "Secret", "Job"}
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"slack": 3000, "http": 8080}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["envFrom"] == [{"secretRef": {"name": "jobclub"}}]
    assert pod["terminationGracePeriodSeconds"] >= 10  # the bot exits within 10 s

    service = docs["Service"]["spec"]
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= labels.items()
    assert any(p["targetPort"] == "slack" for p in service["ports"])

    secret = docs["Secret"]
    assert secret["metadata"]["name"] == "jobclub"
    assert set(secret["stringData"]) <= SETTINGS
    assert {"DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} <= set(secret["stringData"])

    job = docs["Job"]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    assert jobclub_command(migrate["command"]) == ["db", "upgrade"]
    assert migrate["envFrom"] == container["envFrom"]
    assert job["restartPolicy"] in ("OnFailure", "Never")


def test_the_deploy_readme_takes_an_operator_from_nothing_to_a_running_bot() -> None:
    readme = (DEPLOY / "README.md").read_text()
    for step in (
        "cp .env.example .env",
        "docker compose up -d",
        "jobclub health",
        "/readyz",
        "kubectl apply",
        "jobclub db upgrade",
    ):
        assert step in readme, step
