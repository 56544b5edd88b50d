"""`python -m nftsite` runs the command line."""

from .cli import main

raise SystemExit(main())
