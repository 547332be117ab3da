package lighthouse_rate_test

import rego.v1

import data.lighthouse.rate

busy := {"agent": {"name": "ben", "role": "builder"}, "count": 600, "limit": 600, "window_s": 60}

test_at_the_limit_is_exceeded if {
	some f in rate.exceeded with input as busy
	f.rule == "rate.limit-exceeded"
	f.decision == "deny"
	f.limit == 600
	f.message == "ben made 600 requests in the last 60 s; builder agents may make 600"
}

test_under_the_limit_is_fine if {
	count(rate.exceeded) == 0 with input as object.union(busy, {"count": 599})
}

test_zero_means_no_limit if {
	count(rate.exceeded) == 0 with input as object.union(busy, {"limit": 0, "count": 100000})
}
