# Rate limits: how many validation requests one agent may make in a sliding window.
#
# Queried apart from the decision itself (data.lighthouse.rate.exceeded), with the counts the pipeline supplies:
#   input.agent   {"name", "role"}            who is asking
#   input.count   requests this agent made in the last input.window_s seconds (its recorded decisions)
#   input.limit   the limit configured for its role (limits.<role>; 0 means none)
# A finding here denies the request; its "limit" says which count was too many, so the answer can say when to
# retry. Project modules add rules in this package, e.g. a tighter limit for one agent:
#
#   exceeded contains over(30) if { input.agent.name == "ci-bot"; input.count >= 30 }
package lighthouse.rate

import rego.v1

exceeded contains over(input.limit) if {
	input.limit > 0
	input.count >= input.limit
}

over(limit) := {
	"rule": "rate.limit-exceeded",
	"decision": "deny",
	"risk": "low",
	"limit": limit,
	"message": sprintf(
		"%s made %d requests in the last %d s; %s agents may make %d",
		[input.agent.name, input.count, input.window_s, input.agent.role, limit],
	),
}
