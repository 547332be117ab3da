package lighthouse_agents_test

import rego.v1

import data.lighthouse

write_a := {"path": "/p/src/a.py", "classes": ["project"], "access": "write"}

claimed_by_bob := {
	"paths": [write_a], "agent": {"name": "alice", "role": "builder"},
	"claims": [{"agent": "bob", "pattern": "/p/src/*.py", "until": "12:00"}],
}

claimed_by_self := {
	"paths": [write_a], "agent": {"name": "bob", "role": "builder"},
	"claims": [{"agent": "bob", "pattern": "/p/src/*.py", "until": "12:00"}],
}

claim_elsewhere := {
	"paths": [write_a], "agent": {"name": "alice", "role": "builder"},
	"claims": [{"agent": "bob", "pattern": "/p/docs/**", "until": "12:00"}],
}

reviewer_writes := {"paths": [write_a], "agent": {"name": "rita", "role": "reviewer"}, "claims": []}

builder_writes := {"paths": [write_a], "agent": {"name": "ben", "role": "builder"}, "claims": []}

test_write_to_file_claimed_by_another_agent_is_denied if {
	"claims.held-by-another-agent" in {f.rule | some f in lighthouse.findings} with input as claimed_by_bob
}

test_own_claim_does_not_block if {
	count(lighthouse.findings) == 0 with input as claimed_by_self
}

test_unclaimed_path_is_free if {
	count(lighthouse.findings) == 0 with input as claim_elsewhere
}

test_reviewer_writing_asks if {
	"roles.read-only" in {f.rule | some f in lighthouse.findings} with input as reviewer_writes
}

test_builder_writing_is_fine if {
	count(lighthouse.findings) == 0 with input as builder_writes
}

reviewer_scratch := {
	"paths": [{"path": "/tmp/notes.txt", "classes": ["temp"], "access": "write"}],
	"agent": {"name": "rita", "role": "reviewer"}, "claims": [],
}

reviewer_project_in_tmp := {
	"paths": [{"path": "/tmp/p/src/a.py", "classes": ["temp", "project"], "access": "write"}],
	"agent": {"name": "rita", "role": "reviewer"}, "claims": [],
}

test_reviewer_scratch_file_is_fine if {
	count(lighthouse.findings) == 0 with input as reviewer_scratch
}

test_reviewer_writing_a_project_under_tmp_asks if {
	"roles.read-only" in {f.rule | some f in lighthouse.findings} with input as reviewer_project_in_tmp
}
