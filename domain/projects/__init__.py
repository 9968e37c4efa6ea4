"""Reduction projects: drafts and documents, validation by experts, registration with a public
code, monitoring reports and their verification by a third-party verifier."""
