"""Policy engines: Rego in-process (regopy); the policy set that combines rule packs and Rego modules."""
