"""Tests of generic behaviour run once per connector: Factorial (built in) and Tiny HR (declared in tests/)."""
