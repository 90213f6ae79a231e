"""Read the user's workbook into typed, frozen records, reporting every problem at once.

One module per step (import from the module; this package re-exports nothing):

- sniff.py    the file before it is opened: a real .xlsx, package limits
- parts.py    open the package's parts for streaming (no DTDs, relationships)
- formats.py  number formats that mean dates, shared and rich text
- stream.py   the bounded sheet reader: only the contract sheets' cells that hold data
- frames.py   pandas' engines instead of the stream (cross-checks, benchmarks)
- cells.py    one typed cell into a value: text, dates, emails, numbers, choices
- reader.py   read_workbook: the contract's sheets into records, with located problems
"""
