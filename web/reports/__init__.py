"""Report pages under /bao-cao: targets, pipeline, half-year and year figures, sourcing
quotas, their Excel and PDF downloads, and the official documents of a case."""
