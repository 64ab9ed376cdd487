"""Load, fault and benchmark tooling: development, the test suite and `make stack` only, never production."""
