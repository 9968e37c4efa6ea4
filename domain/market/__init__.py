"""The voluntary market (issue 12): reference prices so far; listings, orders and settlement
build on the registry's accounts and blocks."""
