"""Controllers: what happens when the clerk acts — they call app/ through the worker."""
