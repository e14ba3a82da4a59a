"""`python -m linkyard.cli`: the same command as the `linkyard` script (used to start child processes)."""

from linkyard.cli import main

main()
