"""The expert pool and the reviews drawn from it (DESIGN.md, "Governance")."""
