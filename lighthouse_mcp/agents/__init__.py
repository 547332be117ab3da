"""Who is acting: agent identities and their sessions."""
