"""One module per kind of output; each turns one client's job into files (path → bytes)."""
