"""Local stand-ins for the providers Linkyard talks to."""
