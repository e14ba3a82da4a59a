"""Tiny HR: a second connector declared only in the tests (its declaration and its provider), which proves that
a connector is data: it runs through the same generic flows as Factorial with nothing of its own in `src/`."""
