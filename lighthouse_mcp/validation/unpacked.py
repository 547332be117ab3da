"""What unpacking an archive or applying a patch already on disk would write: the paths it names, read from the file
as it is now, without unpacking or applying anything. An archive or patch that is there but cannot be read whole
(another format, damaged, too large, too many entries) is not known."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass
from typing import IO

MAX_ENTRIES = 20_000  # entries of one archive or files of one patch read; past these, what it writes is not known
MAX_COMPRESSED_BYTES = 64 * 1024 * 1024  # a compressed tar is read through to list it: larger ones are not read
MAX_PATCH_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Unpacked:
    """The paths an archive or a patch writes, relative to where it is unpacked or applied (as it names them, `..`
    and absolute paths included), and why that is not all of them, when it is not."""

    paths: tuple[str, ...]
    unknown: str | None = None


def _open_regular(path: str) -> tuple[int, int] | None:
    """A descriptor and the size of the regular file at `path`, opened without blocking (a FIFO named x.tar must
    not hold the hook); None when there is none."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(descriptor)
    except OSError:
        os.close(descriptor)
        return None
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        return None
    return descriptor, info.st_size


def archive_paths(path: str) -> Unpacked | None:
    """The entries of the tar or zip archive at `path` (a link's target too: what is written through it); None
    when no regular file is there (not made yet: judged by its name, as before)."""
    opened = _open_regular(path)
    if opened is None:
        return None
    descriptor, size = opened
    with os.fdopen(descriptor, "rb") as handle:
        head = handle.read(6)
        handle.seek(0)
        try:
            if head.startswith(b"PK"):
                return _zip_entries(handle)
            compressed = head[:2] == b"\x1f\x8b" or head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00"
            if compressed and size > MAX_COMPRESSED_BYTES:
                return Unpacked((), f"a compressed archive of {size} bytes, more than is read to list it")
            return _tar_entries(handle)
        except Exception as exc:  # any archive the readers cannot list is not known
            return Unpacked((), f"an archive that cannot be listed ({type(exc).__name__})")


def _zip_entries(handle: IO[bytes]) -> Unpacked:
    import zipfile  # only commands that unpack need it

    with zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
    if len(names) > MAX_ENTRIES:
        return Unpacked(tuple(names[:MAX_ENTRIES]), f"more than {MAX_ENTRIES} entries")
    return Unpacked(tuple(names))


def _tar_entries(handle: IO[bytes]) -> Unpacked:
    import tarfile  # only commands that unpack need it

    paths: list[str] = []
    with tarfile.open(fileobj=handle, mode="r:*") as archive:
        for count, member in enumerate(archive):
            if count == MAX_ENTRIES:
                return Unpacked(tuple(paths), f"more than {MAX_ENTRIES} entries")
            paths.append(member.name)
            if member.issym() or member.islnk():  # what a later entry writes through the link, or the link's target
                base = posixpath.dirname(member.name) if member.issym() else ""
                paths.append(posixpath.join(base, member.linkname))
    return Unpacked(tuple(paths))


def patch_text(path: str) -> str | None:
    """The text of the patch file at `path`; None when there is no regular file there."""
    opened = _open_regular(path)
    if opened is None:
        return None
    with os.fdopen(opened[0], "rb") as handle:
        data = handle.read(MAX_PATCH_BYTES + 1)
    return data.decode("utf-8", "replace")


_PATCH_NAME = re.compile(
    r"^(?:\+\+\+ |--- |\*\*\* (?!\*)|rename (?:from|to) |copy (?:from|to) |diff --git )(.+?)[ \t]*$", re.MULTILINE
)


def patch_paths(text: str, strip: int | None) -> Unpacked:
    """The files a unified, context or git diff names, with `strip` leading components taken off each (`-p1`);
    None: as patch does without `-p`, the name alone, and the whole path too. A patch larger than is read is not
    known."""
    unknown = f"a patch of more than {MAX_PATCH_BYTES} bytes" if len(text) > MAX_PATCH_BYTES else None
    found: list[str] = []
    for match in _PATCH_NAME.finditer(text[:MAX_PATCH_BYTES]):
        line = match.group(0)
        names = match.group(1).split(" ") if line.startswith("diff --git ") else [match.group(1).split("\t")[0]]
        for given in names:
            name = given.strip().strip('"')
            if not name or name == "/dev/null":
                continue
            git_name = line.startswith(("rename ", "copy "))  # named from the top, without a/ and b/
            found += _stripped(name, 0 if git_name else strip)
        if len(found) > 2 * MAX_ENTRIES:
            return Unpacked(tuple(dict.fromkeys(found)), f"more than {MAX_ENTRIES} files")
    return Unpacked(tuple(dict.fromkeys(found)), unknown)


def _stripped(name: str, strip: int | None) -> list[str]:
    if strip is None:
        return [name, posixpath.basename(name)]
    parts = name.split("/")
    return ["/".join(parts[strip:])] if strip < len(parts) else []


@dataclass(frozen=True)
class Plan:
    """What a command unpacks or applies: `kind` ("archive" or "patch"), the files it reads (none: its input),
    where it writes (relative to where it runs), and for a patch how many leading components it strips."""

    kind: str
    sources: tuple[str, ...]
    into: str
    strip: int | None = None


def unpack_plan(name: str, argv: list[str], flags: frozenset[str], options: dict[str, str]) -> Plan | None:
    """The plan of `argv` (a simple command as parsed: `name`, its `flags` and value `options`) when it unpacks an
    archive (`tar x`, `bsdtar -x`, `unzip`, `python3 -m zipfile -e`) or applies a patch (`patch`, `git apply`)."""
    words = argv[1:]
    if name in ("tar", "bsdtar") and flags & {"x", "extract", "get"}:
        source = options.get("f", options.get("file"))
        if source is None and "f" in flags:  # `bsdtar -xf e.zip`: the value is the next word
            source = next((w for w in words if not w.startswith("-")), None)
        into = options.get("C", options.get("directory", "."))
        return Plan("archive", () if source in (None, "-") else (str(source),), into)
    if name == "unzip":
        positionals = [w for w in words if not w.startswith("-") and w != options.get("d")]
        return Plan("archive", tuple(positionals[:1]), options.get("d", ".")) if positionals else None
    if name == "zipfile" and flags & {"e", "extract"}:
        positionals = [w for w in words if not w.startswith("-")]
        return Plan("archive", tuple(positionals[:1]), positionals[1] if len(positionals) > 1 else ".")
    if name == "patch":
        return _patch_plan(words)
    if name == "git" and "apply" in words and not flags & {"check", "stat", "numstat", "summary", "cached"}:
        after = words[words.index("apply") + 1 :]
        strip = next((int(w[2:]) for w in after if re.fullmatch(r"-p\d+", w)), 1)
        into = next((w.split("=", 1)[1] for w in after if w.startswith("--directory=")), ".")
        return Plan("patch", tuple(w for w in after if not w.startswith("-")), into, strip)
    return None


def _patch_plan(words: list[str]) -> Plan:
    """`patch [-pN] [-i FILE] [-d DIR] [ORIGINAL [PATCHFILE]]`."""
    strip: int | None = None
    source: str | None = None
    into = "."
    positionals: list[str] = []
    given = iter(words)
    for word in given:
        option, eq, value = word.partition("=")
        if re.fullmatch(r"-p\d+", word):
            strip = int(word[2:])
        elif word in ("-p", "--strip") or option == "--strip":
            text = value if eq else next(given, "")
            strip = int(text) if text.isdigit() else strip
        elif word.startswith("-i") and len(word) > 2:
            source = word[2:]
        elif word in ("-i", "--input") or option == "--input":
            source = value if eq else next(given, None)
        elif word in ("-d", "--directory") or option == "--directory":
            into = (value if eq else next(given, None)) or into
        elif not word.startswith("-"):
            positionals.append(word)
    if source is None and len(positionals) > 1:
        source = positionals[1]
    return Plan("patch", (source,) if source else (), into, strip)
