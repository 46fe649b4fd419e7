"""Entry point of ``python -m benchmarks``: run benchmark B1 (see :mod:`benchmarks.run`)."""

import sys

from benchmarks.run import main

sys.exit(main())
