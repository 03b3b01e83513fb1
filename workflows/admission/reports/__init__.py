"""Progress against the plan: targets, sourcing quotas, pipeline, half-year and year
figures, and the official documents generated from a case.

Pure functions over a database session, without Flask: the web pages, the JSON API
and the exports all read the same results, so the numbers cannot disagree. Every
figure keeps the ids of the cases behind it (``facts.Figure``), so a page can link a
count to its cases.
"""
