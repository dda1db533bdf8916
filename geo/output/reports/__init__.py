"""Reports: the funding workbook (Excel) for the periodic and final reports."""
