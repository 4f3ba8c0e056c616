"""The shipped content validates, and `jobclub content check` names the file and field."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import ContentError, load_library
from bot.content.schema import TIP_BODY_MAX
from bot.settings import DEFAULT_CONTENT_DIR

Raw = dict[str, Any]


def raw(name: str) -> Raw:
    data: Raw = yaml.safe_load((DEFAULT_CONTENT_DIR / name).read_text(encoding="utf-8"))
    return data


def test_shipped_content_loads_completely() -> None:
    library = load_library(DEFAULT_CONTENT_DIR)
    topics, tips = raw("topics.yaml")["topics"], raw("tips.yaml")["tips"]
    questions = raw("questions.yaml")
    assert library.counts() == {
        "tips": str(len(tips)),
        "questions": f"{len(questions['questions'])} in {len(questions['categories'])} categories",
        "plan": str(len(raw("plan.yaml")["plan"])),
        "quiz": str(len(raw("quiz.yaml")["quiz"])),
        "drafts": str(len(raw("drafts.yaml")["drafts"])),
        "phrasings": library.counts()["phrasings"],
    }
    assert [t.id for t in library.topics] == [t["id"] for t in topics]
    assert [t.id for t in library.tips] == [t["id"] for t in tips]
    assert len(library.topics) >= 2
    assert len(library.tips) >= 2 * len(library.topics)


def test_shipped_ids_are_unique_and_every_topic_has_tips() -> None:
    library = load_library(DEFAULT_CONTENT_DIR)
    for ids in ([t.id for t in library.topics], [t.id for t in library.tips]):
        assert [i for i, n in Counter(ids).items() if n > 1] == []
    per_topic = Counter(t.topic for t in library.tips)
    thin = {t.id: per_topic[t.id] for t in library.topics if per_topic[t.id] < 2}
    assert thin == {}, "every topic needs at least two tips"
    assert set(per_topic) <= {t.id for t in library.topics}
    for tip in library.tips:
        assert library.tip(tip.id) is tip
        assert len(tip.body) <= TIP_BODY_MAX
        assert tip in library.tips_in(tip.topic)


# --- the `jobclub content check` command ----------------------------------------------


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("JOBCLUB_", "SLACK_", "DISCORD_"))
    }
    env["JOBCLUB_LOG_FILE"] = str(tmp_path / "jobclub.log")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_check_on_shipped_content_prints_counts(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "tips", "questions", "plan", "quiz", "drafts", "phrasings",
    ]  # fmt: skip
    phrasings = r"phrasings: \d+ for \d+ topics, \d+ out of scope, \d+ synonym groups"
    assert re.fullmatch(phrasings, lines[5])
    assert lines[0] == f"tips: {len(raw('tips.yaml')['tips'])}"
    assert re.fullmatch(r"questions: \d+ in \d+ categories", lines[1])


def test_check_with_dir_reads_that_directory(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    data = raw("tips.yaml")
    data["tips"].append({**data["tips"][0], "id": "an-extra-tip-for-this-test"})
    write(content / "tips.yaml", data)
    result = check(tmp_path, "--dir", str(content))
    assert result.returncode == 0, result.stderr
    assert f"tips: {len(data['tips'])}" in result.stdout.splitlines()


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def write(path: Path, data: Raw) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit(name: str, change: Callable[[Raw], None]) -> Callable[[Path], None]:
    """A breakage: load `name` from the copy, change the data, write it back."""

    def apply(content: Path) -> None:
        data: Raw = yaml.safe_load((content / name).read_text(encoding="utf-8"))
        change(data)
        write(content / name, data)

    return apply


def long_body(data: Raw) -> None:
    data["tips"][1]["body"] = "word " * (TIP_BODY_MAX // 5) + "over"


def unknown_topic(data: Raw) -> None:
    data["tips"][1]["topic"] = "underwater-basket-weaving"


def duplicate_id(data: Raw) -> None:
    data["tips"][2]["id"] = data["tips"][0]["id"]


def extra_field(data: Raw) -> None:
    data["tips"][1]["colour"] = "red"


def missing_title(data: Raw) -> None:
    del data["topics"][1]["title"]


def replace_text(name: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(content: Path) -> None:
        if isinstance(text, bytes):
            (content / name).write_bytes(text)
        else:
            (content / name).write_text(text, encoding="utf-8")

    return apply


TIPS = raw("tips.yaml")["tips"]
TOPICS = raw("topics.yaml")["topics"]

BREAKAGES: list[Any] = [
    pytest.param(
        edit("tips.yaml", long_body),
        ["tips.yaml", f"tips[1] ({TIPS[1]['id']}).body", str(TIP_BODY_MAX)],
        id="body-too-long",
    ),
    pytest.param(
        edit("tips.yaml", unknown_topic),
        ["tips.yaml", f"({TIPS[1]['id']}).topic", "unknown topic 'underwater-basket-weaving'"],
        id="unknown-topic",
    ),
    pytest.param(
        edit("tips.yaml", duplicate_id),
        ["tips.yaml", "id", f"duplicate id '{TIPS[0]['id']}'"],
        id="duplicate-id",
    ),
    pytest.param(
        edit("tips.yaml", extra_field),
        ["tips.yaml", f"({TIPS[1]['id']}).colour", "Extra inputs are not permitted"],
        id="unknown-field",
    ),
    pytest.param(
        edit("topics.yaml", missing_title),
        ["topics.yaml", f"topics[1] ({TOPICS[1]['id']}).title", "Field required"],
        id="missing-field",
    ),
    pytest.param(
        replace_text("tips.yaml", "tips:\n  - id: a\n    title: [unclosed\n"),
        ["tips.yaml", "(line 4)", "not valid YAML"],
        id="invalid-yaml",
    ),
    pytest.param(
        replace_text("topics.yaml", b"topics:\n  - id: caf\xe9\n"),
        ["topics.yaml", "not UTF-8"],
        id="not-utf8",
    ),
    pytest.param(
        replace_text("tips.yaml", ""),
        ["tips.yaml", "file"],
        id="empty-file",
    ),
    pytest.param(
        lambda content: (content / "topics.yaml").unlink(),
        ["topics.yaml", "file not found"],
        id="missing-file",
    ),
    pytest.param(
        lambda content: shutil.rmtree(content),
        ["content", "content directory not found"],
        id="missing-directory",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_load_library_names_the_file_and_field(
    tmp_path: Path, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    content = copy_content(tmp_path)
    breakage(content)
    with pytest.raises(ContentError) as caught:
        load_library(content)
    message = str(caught.value)
    assert str(content) in message
    for part in expected:
        assert part in message


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_check_fails_with_a_clear_message(
    tmp_path: Path, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    content = copy_content(tmp_path)
    breakage(content)
    result = check(tmp_path, "--dir", str(content))
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"content error: {content}")
    assert "Traceback" not in result.stderr
    for part in expected:
        assert part in result.stderr


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    tips = directory / "tips.yaml"
    text = tips.read_text(encoding="utf-8")
    tips.write_text(
        text.replace("    topic: ", "    topic: money\n    topic: ", 1), encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"tips\.yaml.*'topic' appears twice"):
        load_library(directory)


def test_content_without_an_action_is_an_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert "jobclub content check" in result.stderr
