"""Build the site: `python build.py` is `nftsite build` (see README)."""

import sys

from nftsite.commands.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
