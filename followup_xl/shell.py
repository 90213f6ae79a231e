"""Quote the commands the tool prints for the user to type next, for the user's shell.

A folder named `$HOME's letters` must reach the printed command as it is. POSIX shells take
any text literally inside single quotes. Windows has two shells: cmd.exe takes text inside
double quotes literally but for `%`, and PowerShell expands `$` and backticks there; the
program then splits its command line by the C runtime's rules (backslashes before a quote).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Shell = Literal["posix", "cmd", "powershell"]

#: What cmd.exe treats specially outside double quotes (escaped with ^ there).
_CMD_SPECIAL = set('()%!^"<>&|')
#: What starts an expansion or ends the string inside PowerShell's double quotes (“ ” „ are
#: quotes to PowerShell too); each is escaped with a backtick.
_POWERSHELL_SPECIAL = set('`$"\u201c\u201d\u201e')


def user_shell(os_name: str, environ: Mapping[str, str]) -> Shell:
    """Return the shell the user types in: POSIX, or on Windows (`os.name` "nt") PowerShell
    or cmd.

    PowerShell puts the user's own module folder (under USERPROFILE) into PSModulePath for
    the programs it starts; cmd's PSModulePath holds only the system's folders.
    """
    if os_name != "nt":
        return "posix"
    home = environ.get("USERPROFILE", "").rstrip("\\").lower()
    modules = environ.get("PSModulePath", "").lower().split(";")
    if home and any(m.startswith(home + "\\") for m in modules):
        return "powershell"
    return "cmd"


def shell_quote(text: str, shell: Shell) -> str:
    """Return text quoted so that `shell` passes it to a program as one argument, unchanged."""
    if shell == "posix":
        return "'" + text.replace("'", "'\"'\"'") + "'"
    if shell == "powershell":
        return '"' + "".join("`" + c if c in _POWERSHELL_SPECIAL else c for c in text) + '"'
    if '"' in text:  # cmd would end its quotes there: escape every special character instead
        return "".join("^" + c if c in _CMD_SPECIAL else c for c in _argv_quote(text))
    # inside double quotes cmd expands only %NAME%: each % goes outside them, escaped as ^%
    return "^%".join(_argv_quote(part) for part in text.split("%"))


def _argv_quote(text: str) -> str:
    """Return text in double quotes as a Windows program's C runtime splits its command line:
    backslashes are literal except before a quote, where they are doubled."""
    out = ['"']
    backslashes = 0
    for c in text:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)
