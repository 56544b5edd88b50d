"""`python -m nftsite` runs the command line."""

from nftsite.commands.cli import main

raise SystemExit(main())
