"""Periodic work. Each job is a function that opens a unit of work and calls a use case; the
scheduler (scheduler.py) runs them in a serving process. Jobs that must run once across
replicas take a database lock inside their use case."""
