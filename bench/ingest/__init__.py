"""End-to-end ingest benchmark: run it as `python -m bench.ingest` (see its __main__.py)."""
