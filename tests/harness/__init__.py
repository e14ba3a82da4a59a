"""The test harness: every fixture and helper that more than one test package uses, defined once.

`tests/conftest.py` registers the fixtures for the whole suite; a package's `conftest.py` only overrides what
differs for it (say, the emulator's size, or both database backends for every test) and adds its own helpers.
New tests import helpers from here (`tests.harness.database`, `tests.harness.platform`), not from another
package's conftest.

- `database`: the backends, a migrated database per test (copied from a template migrated once per session),
  stores on it, the clock and the key ring.
- `platform`: the Factorial emulator, the one wire from the platform to it (`upstream_server`: served on
  loopback, its host name pinned), the platform app, and `Harness`, which walks what an integrator and an end
  user's browser do.
"""
