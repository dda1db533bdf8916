"""``python -m geo``: the one entry point for batch work."""

import sys

from geo.cli.main import main

sys.exit(main())
