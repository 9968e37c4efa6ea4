"""Repositories: all SQL lives here. Each takes the unit of work's session."""
