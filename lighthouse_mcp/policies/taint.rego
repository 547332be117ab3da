# Session taint: a session that read untrusted content (its hook's scan of what a tool returned came back at or above
# taint.min_risk: a `session.tainted` event) loses the right to send data out until a person clears it.
#
# Queried only for the calls of a tainted session, beside the decision (data.lighthouse.taint.findings, and
# data.lighthouse.taint.exceptions for a project's), with:
#   input.request       the call as the modules of package lighthouse see it: tool, command, commands, paths, flows,
#                       urls, findings (what the packs and modules found), the tool's arguments, cwd, project, agent
# (Name its fields only, in comments too, never the whole document by its own name: the engine sends every decision's
# query the fields the modules name, and everything once one names the whole.)
#   input.flow_details  {flow: what shows it}, for messages
#   input.decision      {"decision", "rules"}: what the rest of the policies decided
#   input.taint         {"session", "agent", "reads": [{"kind", "source", "risk", "rules", "via"}, …]}: what it read,
#                       newest first ("via" names the task or collaboration when the taint was handed on)
#   input.tighten       {"send", "secret_reads", "outside_writes", "handoff", "guard"}: "ask", "deny" or "off"
#                       (the taint.* configuration)
#
# A finding's decision is how far the configuration tightens that kind of action; the shipped findings are locked
# (project exceptions cannot lower them). A project module in this package adds its own, e.g.:
#
#   findings contains tightened("team.taint-wiki", "send", "edits the team wiki") if {
#       on("send")
#       input.request.tool == "mcp__wiki__update_page"
#   }
package lighthouse.taint

import rego.v1

req := input.request

# ---- what counts as sending data out ------------------------------------------------------------------------------

send_flows := {
	"data-to-network", "secret-to-network", "secret-variable-to-network", "secret-in-command-url", "secret-in-url",
	"data-in-url", "push-to-url", "push-to-new-remote", "network-redirect", "serve-files", "reverse-shell",
	"remote-exec",
}

sends contains object.get(input.flow_details, kind, kind) if {
	some kind in req.flows
	kind in send_flows
}

sends contains "git push" if {
	some c in req.commands
	c.name == "git"
	c.subcommand == "push"
}

# Publishing, as the publishing rule pack found it (npm publish, twine upload, docker push, cargo publish, …).
sends contains f.message if {
	some f in req.findings
	startswith(f.rule, "publish.")
}

cloud_copiers := {"aws", "gsutil", "gcloud", "rclone", "s3cmd", "azcopy", "az", "b2", "mc"}

cloud_copies := {"cp", "sync", "mv", "copy", "copyto", "moveto", "put", "upload", "rsync", "upload-batch"}

sends contains sprintf("%s copies to storage elsewhere", [c.name]) if {
	some c in req.commands
	c.name in cloud_copiers
	some word in c.argv
	word in cloud_copies
}

github_writes := {"create", "comment", "edit", "upload", "review", "merge", "fork", "sync", "set"}

sends contains sprintf("gh %s %s writes to GitHub", [c.argv[1], c.argv[2]]) if {
	some c in req.commands
	c.name == "gh"
	some word in array.slice(c.argv, 2, 3)
	word in github_writes
}

sends contains "gh api (any request, a POST among them)" if {
	some c in req.commands
	c.name == "gh"
	c.subcommand == "api"
}

# A fetch (WebFetch, another server's tool) whose URL carries a query or fragment: data rides along.
sends contains sprintf("%s %s (its URL carries data)", [req.tool, u]) if {
	not req.tool == "Bash"
	some u in req.urls
	regex.match(`[?#][^\s]*[^\s?#&=]`, u)
}

sends contains sprintf("%s %s (its URL carries data)", [req.tool, req.input.url]) if {
	req.tool == "WebFetch"
	regex.match(`[?#][^\s]*[^\s?#&=]`, req.input.url)
}

# Another MCP server's tool that sends, posts, publishes or writes where others read, and any tool of a mail or chat
# server that is not plainly a read. A project adds its own servers (a module in this package).
send_verbs := `(^|_)(send|post|reply|respond|publish|upload|share|comment|notify|mail|email|message|messages|chat|tweet|webhook|put|push|submit|forward|invite|dm|broadcast|request|http)(_|$)`

remote_writes := `^(create_(issue|pull_request|gist|release|comment|discussion|page|ticket|message|post)|create_or_update_file|add_(issue_)?comment)`

chat_servers := {
	"slack", "gmail", "mail", "email", "outlook", "discord", "teams", "telegram", "whatsapp", "matrix", "twitter",
	"x", "sms", "twilio", "mattermost", "zulip", "signal", "mastodon", "bluesky", "linkedin", "sendgrid", "mailgun",
}

read_verbs := `^(get|list|read|search|find|fetch|view|show|describe|query|lookup|count|download)(_|$)`

mcp_parts := split(lower(req.tool), "__") if {
	startswith(req.tool, "mcp__")
	not startswith(req.tool, "mcp__lighthouse__")
}

mcp_server := mcp_parts[1] if count(mcp_parts) >= 3

mcp_verb := mcp_parts[count(mcp_parts) - 1] if count(mcp_parts) >= 3

sends contains sprintf("%s, another server's tool that sends or posts", [req.tool]) if {
	regex.match(send_verbs, mcp_verb)
}

sends contains sprintf("%s, another server's tool that writes where others read", [req.tool]) if {
	regex.match(remote_writes, mcp_verb)
}

sends contains sprintf("%s, a tool of a mail or chat server", [req.tool]) if {
	some name in chat_servers
	regex.match(sprintf(`(^|[-_])%s([-_]|$)`, [name]), mcp_server)
	not regex.match(read_verbs, mcp_verb)
}

# ---- secrets read, writes outside the project, other agents started ----------------------------------------------

secret_reads contains p.path if {
	some p in req.paths
	p.access in {"read", "exec"}
	"secret" in p.classes
}

secret_reads contains object.get(input.flow_details, "secret-env-read", "secret-looking variables") if {
	"secret-env-read" in req.flows
}

outside_writes contains p.path if {
	some p in req.paths
	p.access in {"write", "delete"}
	"outside-project" in p.classes
}

# Agent programs: a session started by one has a session of its own, which nothing ties to this one.
agent_programs := {
	"claude", "codex", "gemini", "aider", "cursor-agent", "opencode", "goose", "amp", "qwen", "crush", "cline",
	"copilot", "kiro-cli", "droid", "auggie", "llm", "sgpt", "ollama",
}

agent_packages := `^(@anthropic-ai/claude-code|@openai/codex|@google/gemini-cli|aider-chat|opencode-ai|@qwen-code/qwen-code)(@.*)?$`

handoffs contains c.name if {
	some c in req.commands
	c.name in agent_programs
}

handoffs contains word if {
	some c in req.commands
	c.name in {"npx", "bunx", "pnpx", "uvx", "pipx", "dlx"}
	some word in c.argv
	regex.match(agent_packages, word)
}

# What the guard rules ask about (Lighthouse's library in a one-liner, the agents' settings, a file named only when the
# command runs, a checkout that changes Lighthouse's files): the ways a session could reach Lighthouse itself, and so
# clear its own taint.
guard_asks contains f.message if {
	some f in req.findings
	startswith(f.rule, "guard.")
	f.decision == "ask"
}

# ---- findings ------------------------------------------------------------------------------------------------------

findings contains tightened("taint.send", "send", sprintf("sends data off the machine: %s", [listed(sends)])) if {
	on("send")
	count(sends) > 0
}

findings contains tightened("taint.secret-read", "secret_reads", sprintf("reads secrets: %s", [listed(secret_reads)])) if {
	on("secret_reads")
	count(secret_reads) > 0
}

findings contains tightened(
	"taint.write-outside",
	"outside_writes",
	sprintf("writes outside the project: %s", [listed(outside_writes)]),
) if {
	on("outside_writes")
	count(outside_writes) > 0
}

findings contains tightened(
	"taint.hand-off",
	"handoff",
	sprintf("starts another agent (%s), whose session would not carry this one's taint", [listed(handoffs)]),
) if {
	on("handoff")
	count(handoffs) > 0
}

findings contains tightened(
	"taint.guard",
	"guard",
	sprintf("asks to reach Lighthouse itself: %s", [listed(guard_asks)]),
) if {
	on("guard")
	count(guard_asks) > 0
}

# Whether the configuration tightens this kind of action at all.
on(kind) if input.tighten[kind] in {"ask", "deny"}

# A finding for a tainted session's action of a kind (a key of input.tighten), at the configured decision. (The
# substring: rego-cpp 1.5 keeps the quotes of a string literal passed to a function when sprintf formats it.)
tightened(rule, kind, what) := {
	"rule": rule,
	"decision": input.tighten[kind],
	"risk": "high",
	"locked": true,
	"message": sprintf(
		"%s, and this session is tainted: it read %s; a person clears the taint first (the console's Sessions view, or `lighthouse taint clear %s --reason …`)",
		[substring(what, 0, -1), read_first, object.get(input.taint, "session", "SESSION")],
	),
}

default read_first := "content it could not name"

read_first := describe(input.taint.reads[0]) if count(input.taint.reads) == 1

read_first := sprintf("%s (and %d more)", [describe(input.taint.reads[0]), count(input.taint.reads) - 1]) if {
	count(input.taint.reads) > 1
}

describe(read) := sprintf("%s (risk %s: %s)", [read.source, read.risk, read.rules[0]]) if count(read.rules) > 0

describe(read) := sprintf("%s (risk %s)", [read.source, read.risk]) if count(read.rules) == 0

# The first of a set of strings, and how many more. (Not concat: rego-cpp 1.5 puts the quotes of a string concat
# built into the text sprintf makes of it; nor sort(…)[i], which it leaves undefined.)
listed(items) := min(items) if count(items) == 1

listed(items) := sprintf("%s (and %d more)", [min(items), count(items) - 1]) if count(items) > 1
