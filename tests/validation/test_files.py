"""Where paths point: lexical resolution and classes, for paths that exist and paths that do not."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.files import Context, Globs, classify, real_path, resolve

CTX = Context(cwd="/home/dev/app/src", project="/home/dev/app", home="/home/dev")


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("x.py", "/home/dev/app/src/x.py"),
        ("../README.md", "/home/dev/app/README.md"),
        ("../../..", "/home"),
        ("~", "/home/dev"),
        ("~/", "/home/dev"),
        ("~/.ssh/id_rsa", "/home/dev/.ssh/id_rsa"),
        ("~alice/x", "/home/alice/x"),
        ("~root", "/root"),
        ("$HOME/x", "/home/dev/x"),
        ("${HOME}", "/home/dev"),
        ("$PWD/a", "/home/dev/app/src/a"),
        ("//etc//passwd", "/etc/passwd"),
        ("/usr/../etc/./hosts", "/etc/hosts"),
    ],
)
def test_resolution(raw: str, path: str) -> None:
    assert resolve(raw, CTX) == path


@pytest.mark.parametrize(
    ("raw", "present", "absent"),
    [
        ("/", {"root"}, {"project"}),
        ("/home", {"top-level"}, {"home"}),
        ("~", {"home", "in-home"}, {"project"}),
        ("~/Documents", {"home-child", "outside-project"}, {"project"}),
        ("~/.cache", {"home-child", "regenerable"}, set()),
        ("/etc/passwd", {"system"}, {"project"}),
        ("/usr/local/bin/x", {"system"}, set()),
        ("/dev/sda", {"device", "system"}, set()),
        ("/dev/nvme0n1p2", {"device"}, set()),
        ("/dev/null", {"null-device"}, {"device"}),
        ("/dev/stdout", {"null-device"}, {"device"}),
        ("/dev/tcp/1.2.3.4/80", {"network-device"}, {"device"}),
        ("/tmp/build", {"temp"}, {"outside-project"}),
        ("/var/tmp/x", {"temp"}, {"system"}),
        ("..", {"project-root", "project"}, set()),
        ("x.py", {"project"}, {"outside-project"}),
        ("build", {"project", "regenerable"}, set()),
        ("node_modules", {"project", "regenerable"}, set()),
        ("pkg.egg-info", {"project", "regenerable"}, set()),
        ("data", {"project"}, {"regenerable"}),
        ("../../other", {"outside-project", "traversal"}, {"project"}),
        ("~/.ssh/id_ed25519", {"secret"}, set()),
        ("~/.aws/credentials", {"secret"}, set()),
        ("~/.netrc", {"secret"}, set()),
        ("~/.kube/config", {"secret"}, set()),
        ("../.env", {"secret", "project"}, set()),
        (".env.production", {"secret"}, set()),
        ("../.env.example", set(), {"secret"}),
        ("key.pem", {"secret"}, set()),
        ("~/.ssh/id_ed25519.pub", set(), {"secret"}),
        ("/etc/shadow", {"secret", "system"}, set()),
        ("~/*", {"glob", "glob-all", "home"}, {"glob-some"}),
        ("/*", {"glob-all", "root"}, set()),
        ("~/*.log", {"glob-some", "home"}, {"glob-all"}),
        ("/**/*.pyc", {"glob-some", "root"}, set()),
        ("build/*", {"glob-all", "regenerable"}, set()),
    ],
)
def test_classes(raw: str, present: set[str], absent: set[str]) -> None:
    classes = classify(raw, CTX).classes
    assert present <= classes, f"{raw}: {sorted(classes)}"
    assert not absent & classes, f"{raw}: {sorted(classes)}"


def test_dynamic_paths_are_marked() -> None:
    assert "dynamic" in classify("$OUT/x", CTX, dynamic=True).classes


def test_existing_symlink_is_followed(tmp_path: object) -> None:
    """A link inside the project that points at home is judged by where it points."""
    from pathlib import Path

    base = Path(str(tmp_path))
    (base / "project").mkdir()
    (base / "home").mkdir()
    (base / "project" / "link").symlink_to(base / "home")
    ctx = Context(cwd=str(base / "project"), project=str(base / "project"), home=str(base / "home"))
    assert "home" in classify("link", ctx).classes


# `real_path` is `os.path.realpath` made cheap: over trees of directories, files and links of every kind (relative,
# absolute, chained, leading nowhere, looping, through files), for paths that exist, end in a name that is not
# there, or pass through something that is not, it gives the same answer.
_NAMES = st.sampled_from(["a", "b", "c", "l1", "l2", "f", "x"])
_TARGETS = st.one_of(
    st.lists(st.sampled_from(["a", "b", "l1", "l2", "f", "x", "..", "."]), min_size=1, max_size=4).map("/".join),
    st.sampled_from(["/", "/etc", "/nonexistent/q", "/tmp"]),
)
_ENTRIES = st.lists(
    st.tuples(st.lists(_NAMES, min_size=1, max_size=3), st.sampled_from(["dir", "file", "link"]), _TARGETS),
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=_ENTRIES, probes=st.lists(st.lists(_NAMES, min_size=0, max_size=5), min_size=1, max_size=8))
def test_real_path_is_realpath(
    tmp_path: Path, entries: list[tuple[list[str], str, str]], probes: list[list[str]]
) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    for parts, kind, target in entries:
        where = base.joinpath(*parts)
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                where.mkdir()
            elif kind == "file":
                where.write_text("x")
            else:
                where.symlink_to(target)
        except OSError:
            continue  # something is there already, or a part of the way is a file or a link: the tree is as it is
    for probe in probes:
        path = posixpath.normpath(posixpath.join(str(base), *probe))
        assert real_path(path) == os.path.realpath(path), path


def test_real_path_of_a_link_leading_nowhere_is_where_it_leads(tmp_path: Path) -> None:
    (tmp_path / "cron").symlink_to("/etc/cron.d/job-that-is-not-there")
    assert real_path(str(tmp_path / "cron")) == "/etc/cron.d/job-that-is-not-there"
    assert real_path(str(tmp_path / "new.py")) == str(tmp_path.resolve() / "new.py")


_GLOB_PARTS = st.sampled_from(["*", "?", "[ab]", "[!a]", ".", "/", "a", "B", "ssh", "SSH", "env", "x.y", "-", "_"])


@settings(max_examples=300, deadline=None)
@given(
    patterns=st.lists(st.lists(_GLOB_PARTS, min_size=1, max_size=5).map("".join), min_size=1, max_size=8),
    texts=st.lists(st.lists(_GLOB_PARTS.filter(lambda p: p not in "*?"), max_size=6).map("".join), max_size=10),
)
def test_globs_fit_what_fnmatch_fits(patterns: list[str], texts: list[str]) -> None:
    """`Globs` (names looked up, wildcards in one expression) answers as `fnmatch.fnmatchcase` over every pattern,
    for texts made of the patterns' own parts and for the patterns themselves."""
    globs = Globs(tuple(patterns))
    for text in [*texts, *patterns]:
        assert globs.match(text) == any(fnmatch.fnmatchcase(text, p) for p in patterns), (text, patterns)
