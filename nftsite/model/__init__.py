"""The content model: one frozen dataclass per kind of entry, and recurring dates.

The content stage builds these values; later stages only read them."""
