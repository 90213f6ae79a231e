"""Read the user's workbook into typed, frozen records, reporting every problem at once.

One module per step (import from the module; this package re-exports nothing):

- sniff.py    the file before it is opened: a real .xlsx, package limits
- formats.py  number formats that mean dates
- precheck.py one pass over the contract sheets' XML: grid size, cells calamine reads otherwise
- frames.py   pandas (calamine engine) reads the contract sheets into grids
- cells.py    one typed cell into a value: text, dates, emails, numbers, choices
- reader.py   read_workbook: the contract's sheets into records, with located problems
"""
