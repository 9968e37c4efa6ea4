"""The demo world (`puhui demo`, `make run`) and the demo-only helpers the H5 page uses when dev
login is on. Never part of production behaviour: nothing in domain/ imports it."""
