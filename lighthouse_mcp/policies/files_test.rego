package lighthouse_files_test

import rego.v1

import data.lighthouse

write_system := {"paths": [{"path": "/etc/hosts", "classes": ["system", "outside-project"], "access": "write"}]}

write_device := {"paths": [{"path": "/dev/sda", "classes": ["system", "device"], "access": "write"}]}

write_temp := {"paths": [{"path": "/tmp/x", "classes": ["temp"], "access": "write"}]}

write_home_secret := {"paths": [{
	"path": "/home/dev/.ssh/authorized_keys",
	"classes": ["secret", "in-home", "outside-project"], "access": "write",
}]}

write_project_env := {"paths": [{"path": "/home/dev/app/.env", "classes": ["secret", "project"], "access": "write"}]}

write_outside := {"paths": [{"path": "/home/dev/other/x.py", "classes": ["outside-project", "in-home"], "access": "write"}]}

write_project := {"paths": [{"path": "/home/dev/app/src/x.py", "classes": ["project"], "access": "write"}]}

write_traversal := {"paths": [{"path": "/home/dev/x", "classes": ["traversal", "outside-project"], "access": "write"}]}

read_secret := {"paths": [{"path": "/home/dev/.netrc", "classes": ["secret", "home-child"], "access": "read"}]}

read_project := {"paths": [{"path": "/home/dev/app/README.md", "classes": ["project"], "access": "read"}]}

test_write_to_system_is_denied if {
	"files.write-system" in {f.rule | some f in lighthouse.findings} with input as write_system
}

test_write_to_device_is_left_to_the_disk_pack if {
	count(lighthouse.findings) == 0 with input as write_device
}

test_write_to_temp_is_fine if {
	count(lighthouse.findings) == 0 with input as write_temp
}

test_write_to_home_secret_is_denied if {
	"files.write-secret" in {f.rule | some f in lighthouse.findings} with input as write_home_secret
}

test_write_to_project_env_asks if {
	"files.write-project-secret" in {f.rule | some f in lighthouse.findings} with input as write_project_env
}

test_write_outside_project_asks if {
	"files.write-outside-project" in {f.rule | some f in lighthouse.findings} with input as write_outside
}

test_write_in_project_is_fine if {
	count(lighthouse.findings) == 0 with input as write_project
}

test_traversal_asks if {
	"files.path-traversal" in {f.rule | some f in lighthouse.findings} with input as write_traversal
}

test_read_of_secret_asks if {
	"files.read-secret" in {f.rule | some f in lighthouse.findings} with input as read_secret
}

test_read_in_project_is_fine if {
	count(lighthouse.findings) == 0 with input as read_project
}
