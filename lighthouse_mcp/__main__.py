"""`python -m lighthouse_mcp` is the `lighthouse` command."""

import sys

from lighthouse_mcp.cli import main

sys.exit(main())
