"""The OpenDocument spreadsheet (.ods) side of the workbook, as LibreOffice Calc saves it.

One module per step (import from the module; this package re-exports nothing):

- precheck.py one streaming pass over content.xml before pandas reads it: repeats, damage
- content.py  content.xml's tables, cells and named ranges, edited in place
- marks.py    the Due table and the three mark columns written into content.xml, and checked
- append.py   Log rows appended (and taken back) for `sent`, and checked
"""
