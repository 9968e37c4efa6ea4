"""Carbon-neutral events: footprints with a published factor set (EVT v1), and their retirements."""
