"""followup_xl: the week after a job interview, as a weekly batch run over one Excel workbook."""

__version__ = "0.1.0"
