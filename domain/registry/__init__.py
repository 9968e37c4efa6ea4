"""The registry: organisations' codes, serial blocks of verified tonnes, transfers and retirements.

Pure foundations live here (`uscc`, `serials`, `blocks`, `movements`): no I/O, tested without a
database. Tables and repositories belong in `domain/persistence/`.
"""
