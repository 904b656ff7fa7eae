"""`python -m app`: the command line without the GUI entry."""

from app.cli import main

raise SystemExit(main())
