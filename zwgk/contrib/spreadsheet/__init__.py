"""`zwgk import`: power lists and disclosure catalogues from Excel workbooks (read → headers → powers/entries → write;
`run.py` ties them together, `report.py` prints the outcome)."""
