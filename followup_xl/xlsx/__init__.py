"""Surgery on an .xlsx package: write the tool-owned parts, copy everything else byte for byte.

One module per part of the job (import from the module; this package re-exports nothing):

- package.py    the zip package and XML helpers; untouched members copied raw
- workbook.py   workbook.xml, its relationships, content types, the owner marks (defined names)
- styles.py     styles.xml: append the tool's cell formats, never renumber
- cells.py      one cell's XML: values, date serials, the tool's styles
- sheetread.py  read the cells already on a worksheet (shared strings, a parsed row's cells)
- sheettext.py  a worksheet as text: rows kept as the user's bytes, cells written into them
- duesheet.py   the tool-owned Due sheet
- columns.py    the three tool-owned mark columns on a user's sheet
- patch.py      patch(): the whole write of the Due sheet and the mark columns
- append.py     append_rows(): add rows to one sheet (the Log, for `followup-xl sent`)
"""
