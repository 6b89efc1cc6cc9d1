"""``python -m servicekit`` runs the command line."""

from servicekit.cli import main

raise SystemExit(main())
