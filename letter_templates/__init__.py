"""The letter templates shipped with followup-xl, installed as `followup_xl.letter_templates`.

This file only makes the folder a package, so that `importlib.resources` finds the .docx files
in every kind of installation (wheel, sdist, editable, zip). The templates are the .docx files
beside it; README.md here says how to change them.
"""
