"""MCP tool adapters, one module per area; each has `register(server, project)`."""
