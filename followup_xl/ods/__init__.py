"""The OpenDocument spreadsheet (.ods) side of the workbook, as LibreOffice Calc saves it.

One module per step (import from the module; this package re-exports nothing):

- precheck.py one streaming pass over content.xml before pandas reads it: repeats, damage
"""
