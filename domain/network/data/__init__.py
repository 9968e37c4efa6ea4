"""Station networks shipped with the code (read through importlib.resources)."""
