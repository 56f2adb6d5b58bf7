"""python -m gamegate: the command line (gamegate/cli.py)."""

import sys

from .cli import main

sys.exit(main())
