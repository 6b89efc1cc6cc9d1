"""``python -m servicekit``: the same as the ``servicekit`` command."""

import sys

from servicekit.cli.main import main

sys.exit(main())
