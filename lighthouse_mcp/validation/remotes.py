"""Where a repository's code is sent: the place (host and owner) a remote's URL points at, the places its remotes
point at now, read from its settings on disk, and whether a URL is a new one.

Every later `git push` goes where a remote points, so pointing one at a place the repository does not already send
to (another host, or another owner's repository on the same host) sends all of its code there, in a call the
change itself may come long before. A path on this machine (`/srv/backup/app.git`, `../copy`, `file://…`) is no
place outside it. A URL is read as git reads it: `user@host:path` is a host, `transport::address` hands the address
to a program (`ext::` runs one), `..` and percent-escapes in a path are resolved, and `https://github.com@evil/` is
evil's. When the repository's settings cannot be read, no place is known and every outside URL is new.
"""

from __future__ import annotations

import os
import posixpath
import re
from urllib.parse import unquote, urlsplit

from lighthouse_mcp.validation.git_settings import git_settings
from lighthouse_mcp.validation.lazy import LazyPattern
from lighthouse_mcp.validation.run_files import read_on_disk

Place = tuple[str, str]  # (host, owner), both lower-cased

_SCHEME = LazyPattern(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_SCP = LazyPattern(r"^(?:[^@/]*@)?(\[[^\]/]*\]|[^:/\[\]]+):(?!//)(.*)$", re.S)  # `git@host:owner/repo`
REMOTE_URL_KEY = LazyPattern(r"remote\.(.+)\.(?:url|pushurl)", re.I)  # where `git push NAME` sends (NAME)
_MAX_LEVELS = 64  # directories walked up looking for the repository


def place(url: str) -> Place | None:
    """The host and owner `url` sends to, or None for a path on this machine."""
    url = url.strip()
    if not url:
        return None
    scheme = _SCHEME.match(url)
    if scheme is None and "::" in url.split("/", 1)[0]:  # `ext::sh -c …`, `fd::3`, `helper::address`
        return (url.split("::", 1)[0].lower() + "::", url.split("::", 1)[1])
    if scheme is not None:
        if scheme.group(1).lower() == "file":
            return None
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            return ("?", url)
        return (host or "?", _owner(parts.path))
    scp = _SCP.match(url)
    if scp is None:
        return None  # a path
    return (scp.group(1).strip("[]").lower().rstrip("."), _owner(scp.group(2)))


def _owner(path: str) -> str:
    """The first part of a URL's path, once escapes and `..` are resolved (`/acme/../x/app` is x's)."""
    normal = posixpath.normpath("/" + unquote(path).replace("\\", "/"))
    return normal.lstrip("/").split("/", 1)[0].lower().removesuffix(".git")


def remote_places(cwd: str | None) -> frozenset[Place]:
    """The places the remotes of the repository at `cwd` point at (URLs and push URLs), read from its settings;
    none where it cannot be told (`cwd` None: git is pointed at another repository's settings)."""
    return frozenset(w for url in _remote_urls(cwd).values() for w in [place(url)] if w is not None)


def _remote_urls(cwd: str | None) -> dict[str, str]:
    """Each `remote.NAME.url`/`.pushurl` of the repository at `cwd`, by key (the last one given wins)."""
    config = _settings_file(cwd) if cwd is not None else None
    text = read_on_disk(config)[0] if config is not None else None
    if text is None:
        return {}
    return {key: value for _, key, value in git_settings(text) if REMOTE_URL_KEY.fullmatch(key) is not None}


def _settings_file(cwd: str) -> str | None:
    """The repository's `config` for `cwd`: `.git/config` of the nearest directory up that has one, or the common
    directory of a worktree whose `.git` file names it."""
    directory = os.path.abspath(cwd)
    for _ in range(_MAX_LEVELS):
        dot_git = os.path.join(directory, ".git")
        if os.path.isdir(dot_git):
            return os.path.join(dot_git, "config")
        if os.path.isfile(dot_git):
            text = read_on_disk(dot_git)[0] or ""
            if not text.startswith("gitdir:"):
                return None
            git_dir = os.path.join(directory, text[len("gitdir:") :].strip())
            common = (read_on_disk(os.path.join(git_dir, "commondir"))[0] or "").strip()
            return os.path.join(git_dir, common, "config") if common else os.path.join(git_dir, "config")
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return None


def new_place(url: str, cwd: str | None, *, submodule: bool = False) -> str | None:
    """How `url` is a place the repository at `cwd` does not send to yet, or None when it is one it does (or a path
    on this machine). A submodule's `./` or `../` URL is relative to the repository's own origin, as git reads it
    (`../../other/x.git` beside `git@github.com:acme/app.git` is `git@github.com:other/x.git`)."""
    if submodule and url.startswith(("./", "../")):
        origin = _remote_urls(cwd).get("remote.origin.url")
        url = _relative_to(origin, url) if origin else url
    where = place(url)
    if where is None or where in remote_places(cwd):
        return None
    host, owner = where
    return f"{host}/{owner}" if owner else host


def new_rewrite(base: str, prefix: str, cwd: str | None) -> str | None:
    """How rewriting URLs that start with `prefix` to start with `base` (`url.BASE.insteadOf PREFIX`) sends them to a
    new place, or None when it keeps them where they were (`git@github.com:` for `https://github.com/`,
    `git@github.com:acme/` for `https://github.com/acme/`), sends them to a remote's place, or to this machine."""
    to, was = place(base), place(prefix)
    if to is None or to == was or (was is not None and to == (was[0], "")) or to in remote_places(cwd):
        return None
    return f"{to[0]}/{to[1]}" if to[1] else to[0]


def _relative_to(origin: str, relative: str) -> str:
    """`relative` (`../x.git`) resolved against the URL `origin`, taken as a directory, as git resolves a
    submodule's URL."""
    scheme = _SCHEME.match(origin)
    if scheme is None and (scp := _SCP.match(origin)) is not None:
        head = origin[: len(origin) - len(scp.group(2))]
        return head + posixpath.normpath(posixpath.join(scp.group(2) or ".", relative)).lstrip("/")
    parts = urlsplit(origin)
    path = posixpath.normpath(posixpath.join(parts.path or "/", relative))
    return parts._replace(path=path).geturl()
