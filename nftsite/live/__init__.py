"""The live preview's engine: the site in memory, remade piece by piece after each edit."""
