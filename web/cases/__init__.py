"""Cases: the case list and page, the task page, nomination (starting a case), files."""
