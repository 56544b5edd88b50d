"""`nftsite import`: partners' agendas (ICS, OpenAgenda) written as event files for review."""
