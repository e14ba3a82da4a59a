"""The facts of Factorial's public API (paths, parameters, models), read from the data file the extractor wrote.

`tools/extract_factorial_facts.py` writes `endpoints.json` from the official client; the connector and the
emulator both read it through `load_facts()`, which parses the file on first use and keeps the result.
"""

from linkyard.factorial_facts.model import Body, Endpoint, Facts, Field, Model, Response
from linkyard.factorial_facts.reading import load_facts, parse_facts

__all__ = ["Body", "Endpoint", "Facts", "Field", "Model", "Response", "load_facts", "parse_facts"]
