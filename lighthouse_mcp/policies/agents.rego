# Who may change what: file claims held by other agents, and read-only roles.
package lighthouse

import rego.v1

findings contains f if {
	some p in input.paths
	p.access in {"write", "delete"}
	some claim in input.claims
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
	some p in input.paths
	p.access in {"write", "delete"}
	not "temp" in p.classes
	f := {
		"rule": "roles.read-only",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("agents with the %s role only read; this changes %s", [input.agent.role, p.path]),
	}
}
