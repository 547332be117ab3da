# Who may change what: file claims held by other agents, and read-only roles.
package lighthouse

import rego.v1

changed := [p | some p in input.paths; p.access in {"write", "delete"}]

findings contains f if {
	some claim in input.claims
	some p in changed
	claim.agent != input.agent.name
	glob.match(claim.pattern, ["/"], p.path)
	f := {
		"rule": "claims.held-by-another-agent",
		"decision": "deny",
		"risk": "medium",
		"message": sprintf("%s is claimed by %s until %s", [p.path, claim.agent, claim.until]),
	}
}

read_only_roles := {"reviewer", "expert"}

findings contains f if {
	input.agent.role in read_only_roles
	some p in changed
	not scratch(p)
	f := {
		"rule": "roles.read-only",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("agents with the %s role only read; this changes %s", [input.agent.role, p.path]),
	}
}

# Scratch files outside the project (under a temporary directory) stay writable for every role.
scratch(p) if {
	"temp" in p.classes
	not "project" in p.classes
}
