"""Administration: user accounts, their grants, and the organisation tree."""
