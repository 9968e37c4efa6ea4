"""Organisations of the registry: applications, approval, members (DESIGN.md, "Governance")."""
