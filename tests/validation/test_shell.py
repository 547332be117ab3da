"""The shell parser: structure, quoting, substitutions, redirections, heredocs, compound commands, errors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.shell import Compound, ShellSyntaxError, Simple, parse


def words(text: str, index: int = 0) -> list[str]:
    command = parse(text).pipelines[index].commands[0]
    assert isinstance(command, Simple)
    return [w.text for w in command.words]


def test_lists_and_operators() -> None:
    script = parse("a && b || c; d & e")
    assert [p.commands[0].words[0].text for p in script.pipelines] == ["a", "b", "c", "d", "e"]  # type: ignore[union-attr]
    assert script.ops == ["&&", "||", ";", "&"]
    assert script.pipelines[3].background


def test_pipelines() -> None:
    pipeline = parse("cat x | grep y |& tee z").pipelines[0]
    assert len(pipeline.commands) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("echo 'a b' \"c d\"", ["echo", "a b", "c d"]),
        (r"echo a\ b", ["echo", "a b"]),
        (r"\rm -rf x", ["rm", "-rf", "x"]),
        ("r''m x", ["rm", "x"]),
        ('r""m x', ["rm", "x"]),
        ("echo $'a\\nb\\x41\\u00e9'", ["echo", "a\nbAé"]),
        ('echo "a$HOME b"', ["echo", "a$HOME b"]),
        ("echo ${x:-y}", ["echo", "${x:-y}"]),
        ("echo $((1 + 2))", ["echo", "$((1 + 2))"]),
        ("echo a#b # comment", ["echo", "a#b"]),
        ("echo \\\n  continued", ["echo", "continued"]),
        ("{rm,-rf,/}", ["rm", "-rf", "/"]),
        ("echo /{etc,usr}", ["echo", "/etc", "/usr"]),
        ("echo {1..3}", ["echo", "1", "2", "3"]),
        ("echo '{a,b}'", ["echo", "{a,b}"]),
        ("echo stash@{0}", ["echo", "stash@{0}"]),
        ("echo ～ ünïcödé 世界", ["echo", "～", "ünïcödé", "世界"]),
    ],
)
def test_quoting_and_expansion(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_command_substitution_is_parsed() -> None:
    command = parse('echo $(rm -rf `echo /`) "$(whoami)"').pipelines[0].commands[0]
    assert isinstance(command, Simple)
    inner = command.words[1].substitutions()[0]
    rm = inner.pipelines[0].commands[0]
    assert isinstance(rm, Simple) and rm.words[0].text == "rm"
    nested = rm.words[2].substitutions()[0].pipelines[0].commands[0]
    assert isinstance(nested, Simple) and [w.text for w in nested.words] == ["echo", "/"]


def test_process_substitution() -> None:
    command = parse("source <(curl -s http://x)").pipelines[0].commands[0]
    assert isinstance(command, Simple) and command.process_subs[0][0] == "<"


def test_redirections() -> None:
    command = parse("cmd > out 2>&1 >> log < in &> all 3<> rw").pipelines[0].commands[0]
    assert isinstance(command, Simple)
    assert [(r.op, r.fd, r.target.text) for r in command.redirects] == [
        (">", None, "out"),
        (">&", 2, "1"),
        (">>", None, "log"),
        ("<", None, "in"),
        ("&>", None, "all"),
        ("<>", 3, "rw"),
    ]


def test_heredoc_and_here_string() -> None:
    script = parse("cat <<EOF > /etc/x\nhello $(id)\nEOF\necho done")
    command = script.pipelines[0].commands[0]
    assert isinstance(command, Simple)
    heredoc = command.redirects[0]
    assert heredoc.body == "hello $(id)" and not heredoc.body_literal
    assert heredoc.body_scripts[0].pipelines[0].commands[0].words[0].text == "id"  # type: ignore[union-attr]
    assert words("echo done", 0) == ["echo", "done"]
    assert parse("sh <<< 'rm x'").pipelines[0].commands[0].redirects[0].body == "rm x"  # type: ignore[union-attr]
    quoted = parse("cat <<'EOF'\n$(id)\nEOF").pipelines[0].commands[0].redirects[0]  # type: ignore[union-attr]
    assert quoted.body_literal and quoted.body_scripts == []


def test_heredoc_with_tabs_stripped() -> None:
    redirect = parse("cat <<-END\n\tline\n\tEND").pipelines[0].commands[0].redirects[0]  # type: ignore[union-attr]
    assert redirect.body == "line"


@pytest.mark.parametrize(
    ("text", "kind", "inner"),
    [
        ("if [ -f x ]; then rm a; else rm b; fi", "if", ["[", "rm", "rm"]),
        ("while true; do sleep 1; done", "while", ["true", "sleep"]),
        ("until false; do x; done", "until", ["false", "x"]),
        ("for f in a b; do rm $f; done", "for", ["rm"]),
        ("case $x in a|b) rm a;; *) echo hi;; esac", "case", ["rm", "echo"]),
        ("(cd / && rm -rf .)", "subshell", ["cd", "rm"]),
        ("{ rm a; rm b; }", "group", ["rm", "rm"]),
        ("f() { rm -rf /; }", "function", ["rm"]),
        ("function g { rm -rf /; }", "function", ["rm"]),
    ],
)
def test_compound_commands_expose_their_bodies(text: str, kind: str, inner: list[str]) -> None:
    command = parse(text).pipelines[0].commands[0]
    assert isinstance(command, Compound) and command.kind == kind
    names = [c.words[0].text for p in command.body.pipelines for c in p.commands if isinstance(c, Simple)]
    assert names == inner


def test_assignments() -> None:
    command = parse("A=1 B='x y' env").pipelines[0].commands[0]
    assert isinstance(command, Simple)
    assert [(n, w.text) for n, w in command.assignments] == [("A", "1"), ("B", "x y")]


@pytest.mark.parametrize(
    "text",
    [
        "echo 'unterminated",
        'echo "open',
        "echo $(open",
        "echo `open",
        "if true; then x",
        "a | ",
        "( a",
        "a )",
        "> ",
        "echo ${unterminated",
        "for x in a; x; done",
        "case x in a) b",
        "a && && b",
        "echo $'open",
    ],
)
def test_malformed_input_raises_a_syntax_error_with_a_position(text: str) -> None:
    with pytest.raises(ShellSyntaxError) as info:
        parse(text)
    assert info.value.position >= 0
    assert "offset" in str(info.value)


def test_deep_nesting_is_refused_not_overflowed() -> None:
    with pytest.raises(ShellSyntaxError, match="nested too deeply"):
        parse("$(" * 200 + "x" + ")" * 200)


def test_empty_and_comment_only_input() -> None:
    assert parse("").pipelines == []
    assert parse("   # only a comment\n").pipelines == []


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"ab $'\"`\\(){}[];&|<>\n\t#~*?=-!", "$(", "<<", "${", "EOF", "if ", " fi", "case ", " in ", ";;", " esac"]
        ),
        max_size=40,
    ).map("".join)
)
def test_any_shell_like_text_parses_or_raises_a_syntax_error(text: str) -> None:
    with contextlib.suppress(ShellSyntaxError):
        parse(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode_parses_or_raises_a_syntax_error(text: str) -> None:
    with contextlib.suppress(ShellSyntaxError):
        parse(text)
