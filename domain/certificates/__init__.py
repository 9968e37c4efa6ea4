"""Retirement certificates: the signed JSON document, its Ed25519 keys, and the PDF.

A retired retirement's certificate is built from the registry's rows when asked for (the
registry rows never change once `retired`), signed with the active certificate key; older keys
stay published so a certificate downloaded before a rotation still verifies.
"""
