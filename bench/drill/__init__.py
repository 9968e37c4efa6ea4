"""Fault drill: run it as `python -m bench.drill` (see its __main__.py)."""
