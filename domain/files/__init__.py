"""Uploaded files: stored once by the SHA-256 of their content, bounded in size and type."""
