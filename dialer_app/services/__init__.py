"""Services: the seeds' rules on top of db/ and engine/, reported to the UI as Qt signals."""
