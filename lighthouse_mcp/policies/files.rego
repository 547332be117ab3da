# File access: what an agent may write and read, for tool calls (Write, Edit, Read…) and for the paths inside shell
# commands alike. Deletion is judged by the filesystem rule pack.
package lighthouse

import rego.v1

# Each rule walks only the paths it can concern.
written := [p | some p in input.paths; p.access == "write"]

read := [p | some p in input.paths; p.access in {"read", "exec"}]

findings contains f if {
	some p in written
	"system" in p.classes
	not "device" in p.classes
	not "temp" in p.classes
	f := {
		"rule": "files.write-system",
		"decision": "deny",
		"risk": "high",
		"message": sprintf("writes the system path %s", [p.path]),
	}
}

findings contains f if {
	some p in written
	"secret" in p.classes
	not "project" in p.classes
	f := {
		"rule": "files.write-secret",
		"decision": "deny",
		"risk": "high",
		"message": sprintf("writes the credentials file %s", [p.path]),
	}
}

findings contains f if {
	some p in written
	"secret" in p.classes
	"project" in p.classes
	f := {
		"rule": "files.write-project-secret",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("writes %s, which holds secrets", [p.path]),
	}
}

findings contains f if {
	some p in written
	"outside-project" in p.classes
	not "system" in p.classes
	not "secret" in p.classes
	f := {
		"rule": "files.write-outside-project",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("writes %s, outside the project", [p.path]),
	}
}

findings contains f if {
	some p in written
	"traversal" in p.classes
	f := {
		"rule": "files.path-traversal",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("writes through '..' to %s, outside the project", [p.path]),
	}
}

findings contains f if {
	some p in read
	"secret" in p.classes
	f := {
		"rule": "files.read-secret",
		"decision": "ask",
		"risk": "medium",
		"message": sprintf("reads %s, which holds keys or credentials", [p.path]),
	}
}
