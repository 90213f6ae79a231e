"""Read the user's workbook into typed, frozen records, reporting every problem at once.

Users type dates, names and numbers by hand for months, in Excel or LibreOffice. This module
accepts what they really type where the meaning is certain (cells.py converts each value),
and reports everything else as a located, fixable Problem (file, sheet, cell, column, and
what to do). It never guesses a date.

One job: finding each sheet and its header row, building the Profile, Interviews, Contacts
and Log records column by column from the contract's column table, and cross-checking their
IDs, sharing one list of problems and one sheet layout per sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from .. import contract as C
from ..contract import col_letter
from ..errors import Problem, WorkbookError
from ..model import Book, Contact, Interview, LogEntry, Profile, SheetLayout
from ..xlsx.package import parse_ref
from .cells import (
    CellError,
    check_encodable,
    choice_index,
    clean_text,
    closest,
    excerpt,
    is_blank,
    parse_date,
    parse_email,
    parse_int,
    plain_text_column,
)
from .frames import Grid, SheetReads, read_frames
from .precheck import Checked, NoResult, SheetCheck, precheck
from .sniff import MAX_CELL_CHARS, ODS, is_ods, newer_sibling, sniff

#: How many leading rows are searched for a misplaced header row.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class ReadResult:
    """A book and the non-blocking warnings found while reading it."""

    book: Book
    warnings: list[Problem] = field(default_factory=list)


def read_workbook(path: Path) -> ReadResult:
    """Read and check a workbook; raise WorkbookError listing every blocking problem."""
    path = Path(path)
    ods = sniff(path) == ODS
    wanted = {C.norm_header(s) for s in C.SHEETS}
    with SheetReads(path) as reads:
        checked = _precheck(path, wanted, ods=ods, ready=reads.start)
        if any(p.blocking for p in checked.problems):
            raise WorkbookError(checked.problems)
        reads.start_together(checked.sheets)  # the tables of an .ods start here
        reader = _Reader(path.name, reads, checked.sheet_names)
        reader.problems.extend(checked.problems)
        book = reader.build(str(path), checked.date1904)
    sibling = newer_sibling(path)
    if sibling is not None:
        reader.problems.append(Problem(path.name, (
            f"{sibling.name} beside it was saved after it — if that is the workbook you keep "
            f"now, run the tool on {sibling.name} instead"), blocking=False))  # fmt: skip
    blocking = [p for p in reader.problems if p.blocking]
    if blocking:
        raise WorkbookError(reader.problems)
    return ReadResult(book=book, warnings=reader.problems)


def check_workbook(path: Path) -> list[Problem]:
    """Return every problem (blocking and warnings) in a workbook; never raise for its content."""
    try:
        return read_workbook(path).warnings
    except WorkbookError as exc:
        return exc.problems


def read_due_sheet(path: Path) -> list[tuple[Any, ...]]:
    """Return the rows of the Due sheet a run wrote, in contract.DUE_COLUMNS order ("" for a
    column it lacks); [] when there is none, or the pre-check finds it unreadable.

    Read like the contract sheets: the same bounded pre-check, then pandas.
    """
    due = C.norm_header(C.DUE_SHEET)
    checked = _precheck(path, {due}, ods=is_ods(path))
    if not checked.sheets or any(p.blocking for p in checked.problems):
        return []
    grid = next(iter(read_frames(path, checked).values()))
    header = [C.norm_header(h) for h in grid.row(0)]
    where = [header.index(C.norm_header(c)) if C.norm_header(c) in header else None
             for c in C.DUE_COLUMNS]  # fmt: skip
    return [tuple("" if i is None else row[i] for i in where) for _, row in grid.data_rows()]


def _precheck(
    path: Path,
    wanted: set[str],
    *,
    ods: bool,
    ready: Callable[[str, SheetCheck], None] | None = None,
) -> Checked:
    """Pre-check the wanted sheets of an .xlsx (calling `ready` for each as it passes), or the
    wanted tables of an .ods."""
    if ods:
        from ..ods.precheck import precheck_ods

        return precheck_ods(path, wanted, C.norm_header)
    return precheck(path, wanted, C.norm_header, ready)


@dataclass(frozen=True)
class _Columns:
    """A contract sheet's rows that hold data: their numbers, and each column's typed values."""

    rows: list[int]
    values: dict[str, list[Any]]

    def raw(self, name: str) -> list[Any]:
        """Return a date, number or list column's typed values (None for an empty cell or a
        missing column); a text column's empty cells may be "" or None: read it with text()."""
        got = self.values.get(name)
        return [None] * len(self.rows) if got is None else got

    def text(self, name: str) -> list[str]:
        """Return a text column's values, "" for an empty cell or a missing column."""
        got = self.values.get(name)
        if got is None:
            return [""] * len(self.rows)
        return [v or "" for v in got] if None in got else got


#: The mark of a cell the fast conversion leaves to `convert`.
_SLOW = object()


def _cells_at(keep: list[int], nrows: int) -> Callable[[Sequence[Any]], list[Any]]:
    """Return a function that takes a column's cells in the rows `keep`, sliced or picked in
    C rather than cell by cell."""
    if len(keep) == nrows - 1:  # every row below the first
        return lambda column: list(column[1:])
    if len(keep) > 1:
        getter = itemgetter(*keep)
        return lambda column: list(getter(column))
    return lambda column: [column[r] for r in keep]


def _blank_rows(cells: list[Any], rows: Sequence[int]) -> Sequence[int]:
    """Return those of `rows` whose cell is blank (is_blank); a whole column of dates or
    numbers, or of text without an empty cell, is told at C speed."""
    if isinstance(rows, range) and rows.step == 1:
        below = cells[rows.start : rows.stop]
        kinds = set(map(type, below))
        if not kinds & {str, float, type(None)} and not any(issubclass(k, float) for k in kinds):
            return []
        if kinds == {str} and "" not in below and not any(map(str.isspace, below)):
            return []
    return [r for r in rows if is_blank(cells[r])]


def _reading_order(problem: Problem) -> tuple[int, int]:
    """Return a problem's (row, column) from its cell reference, for sorting."""
    try:
        return parse_ref(problem.cell or "")
    except ValueError:
        return (0, 0)


#: Dangling IDs per column that get a fuzzy "did you mean" (each compares with every ID): when
#: the IDs were renumbered, every row dangles, and the first few tips say what happened.
FUZZY_TIPS = 10


class _IdTips:
    """One sheet's IDs, and the one a dangling ID was probably meant to be, at a bounded cost."""

    def __init__(self, ids: set[str]) -> None:
        self.ids = ids
        #: the IDs sorted, and by their letters and digits alone ("int-7", "INT 7" and "INT-7"
        #: are one): built at the first dangling ID, as most workbooks have none
        self.known: list[str] = []
        self.loose: dict[str, str] = {}
        self.fuzzy: dict[tuple[str, str], int] = {}

    def near(self, ident: str, column: tuple[str, str]) -> str | None:
        """Return the ID `ident` was probably meant to be, or None."""
        if not self.known and self.ids:
            self.known = sorted(self.ids)
            for known in self.known:
                self.loose.setdefault(_loose_id(known), known)
        hit = self.loose.get(_loose_id(ident))
        if hit is not None:
            return hit
        done = self.fuzzy.get(column, 0)
        if done >= FUZZY_TIPS:
            return None
        self.fuzzy[column] = done + 1
        return closest(ident, self.known)


def _loose_id(ident: str) -> str:
    """Return an ID by its letters and digits alone, case folded."""
    return "".join(ch for ch in ident.casefold() if ch.isalnum())


class _Reader:
    """Collect records and problems from the raw frames of one workbook."""

    def __init__(self, file: str, reads: SheetReads, names: Sequence[str]) -> None:
        self.file = file
        self.reads = reads
        self.names = list(names)
        self.problems: list[Problem] = []
        self.layouts: dict[str, SheetLayout] = {}
        self.country = "US"
        self.profile_sheet: str | None = None

    def problem(
        self, message: str, sheet: str | None = None, cell: str | None = None, blocking: bool = True
    ) -> None:
        """Record one located problem."""
        self.problems.append(Problem(self.file, message, sheet, cell, blocking))

    # sheets and headers

    def sheet(self, canonical: str) -> tuple[str, Grid] | None:
        """Return (actual name, grid) of a contract sheet, matched like headers."""
        for name in self.reads.names():
            if C.norm_header(name) == C.norm_header(canonical):
                return name, self.reads.grid(name)
        found = ", ".join(self.names) or "none"
        self.problem(
            f'has no sheet named "{canonical}" (sheets found: {found}) — add it, or rename the '
            f"sheet that holds it; `followup-xl init new.xlsx` shows the expected layout"
        )
        return None

    def header(
        self, sheet: str, frame: Grid, columns: Sequence[C.Column]
    ) -> tuple[dict[str, int], int] | None:
        """Map canonical column names to 0-based positions in row 1; report a misplaced header."""
        wanted = {C.norm_header(c.name): c.name for c in columns}
        nrows = frame.nrows
        row0 = [C.norm_header(v) if not is_blank(v) else "" for v in frame.row(0)]
        if not any(h in wanted for h in row0):
            for r in range(1, min(nrows, HEADER_SEARCH_ROWS)):
                cells = [C.norm_header(v) for v in frame.row(r) if not is_blank(v)]
                if sum(1 for h in cells if h in wanted) >= 2:
                    self.problem(
                        f"row {r + 1} looks like the header row, but headers must be in row 1 — "
                        f"delete the {r} row(s) above it",
                        sheet,
                        f"A{r + 1}",
                    )
                    return None
            expected = ", ".join(c.name for c in columns)
            self.problem(
                f"row 1 has none of the expected headers ({expected}) — type them in row 1",
                sheet,
                "A1",
            )
            return None
        positions: dict[str, int] = {}
        last = 0
        marks = {C.norm_header(m) for m in C.MARK_COLUMNS}
        for i, h in enumerate(row0):
            if not h:
                continue
            if h not in marks:
                last = i + 1
            if h in wanted:
                name = wanted[h]
                if name in positions:
                    first = col_letter(positions[name] + 1)
                    self.problem(
                        f'column "{name}" appears twice ({first}1 and '
                        f"{col_letter(i + 1)}1) — delete or rename one",
                        sheet,
                        f"{col_letter(i + 1)}1",
                    )
                    continue
                positions[name] = i
        found = ", ".join(excerpt(clean_text(v), 40) for v in frame.row(0) if not is_blank(v))
        # Every column a rule reads must be there; an optional one (docs/workbook.md) reads as
        # empty.
        missing = [c.name for c in columns if c.name not in positions and not c.optional]
        if len(missing) == 1:
            self.problem(
                f'has no column "{missing[0]}" in row 1 (found: {found}) — add it', sheet, "1:1"
            )
        elif missing:
            names = ", ".join(f'"{m}"' for m in missing)
            self.problem(
                f"has no columns {names} in row 1 (found: {found or 'none'}) — add them; "
                "`followup-xl init new.xlsx` shows every header",
                sheet,
                "1:1",
            )
        for col in columns:
            if col.optional and col.warn_missing and col.name not in positions:
                self.problem(
                    f'has no column "{col.name}"; it is treated as empty — add it to use it',
                    sheet,
                    "1:1",
                    blocking=False,
                )
        if missing:
            return None
        return positions, last

    def rows(
        self, sheet: str, frame: Grid, positions: dict[str, int]
    ) -> Iterable[tuple[int, dict[str, Any]]]:
        """Yield (Excel row, {column: raw value}) for each non-blank data row."""
        for r, cells in frame.data_rows():
            raw = {name: cells[i] for name, i in positions.items()}
            if all(is_blank(v) for v in raw.values()):
                continue
            yield r + 1, raw

    # typed cells

    def convert(self, sheet: str, row: int, pos: int, col: C.Column, value: Any) -> Any:
        """Convert one cell by its contract type, recording a problem when it cannot."""
        if type(value) is str and len(value) > MAX_CELL_CHARS:  # only a program writes one
            self.problem(f"holds {len(value):,} characters, more than Excel's limit of "
                         f"{MAX_CELL_CHARS:,} for one cell — shorten it", sheet,
                         f"{col_letter(pos + 1)}{row}")  # fmt: skip
            return None
        try:
            if isinstance(value, NoResult) and not col.required:  # read as empty, said once
                self.problem(f"{col.name} {value.why}; it is read as empty meanwhile", sheet,
                             f"{col_letter(pos + 1)}{row}", blocking=False)  # fmt: skip
                return None
            if isinstance(value, NoResult):
                raise CellError(value.why)
            if is_blank(value):
                if col.required:
                    article = "an" if col.name[0] in "AEIOU" else "a"
                    raise CellError(f"is empty, but every row needs {article} {col.name}")
                return None
            if col.kind == C.DATE:
                return parse_date(value)[0]
            if col.kind == C.DATETIME:
                return parse_date(value, allow_time=True)
            if col.kind == C.INTEGER:
                return parse_int(value)
            if col.kind == C.LIST:
                return self.choice(value, col)
            if col.kind == C.EMAIL:
                return parse_email(value)
            return check_encodable(self.text(value, col))
        except CellError as exc:
            plain = is_blank(value) or isinstance(value, NoResult)
            label = col.name if plain else f'{col.name} "{excerpt(clean_text(value))}"'
            self.problem(f"{label} {exc}", sheet, f"{col_letter(pos + 1)}{row}")
            return None

    def choice(self, value: Any, col: C.Column) -> str:
        """Return the allowed value typed (any case), or raise CellError with a suggestion."""
        text = check_encodable(clean_text(value))
        hit = choice_index(col).get(C.choice_key(text))
        if hit:
            return hit
        near = closest(text, col.choices)
        allowed = ", ".join(col.choices)
        tip = f'did you mean "{near}"? Pick' if near else "pick"
        raise CellError(f"is not in the list — {tip} one of: {allowed}")

    def text(self, value: Any, col: C.Column) -> str:
        """Return text, restoring the leading zeros of ZIP codes stored as numbers."""
        if isinstance(value, datetime | date | time) and col.keep_text:
            raise CellError(
                "was turned into a date by the spreadsheet — format the column as "
                "Text and type it again"
            )
        text = clean_text(value)
        if (
            col.keep_text
            and "ZIP" in col.name
            and isinstance(value, int | float)
            and self.country == "US"
            and text.isdigit()
            and len(text) < 5
        ):
            text = text.zfill(5)
        return text

    def typed_columns(
        self, canonical: str, sheet: str, frame: Grid, columns: Sequence[C.Column]
    ) -> _Columns:
        """Return a contract sheet's rows that hold data, column by column, typed; record
        every problem."""
        head = self.header(sheet, frame, columns)
        if head is None:
            return _Columns([], {})
        positions, last = head
        by_name = {c.name: c for c in columns}
        where = list(positions.values())
        grid_columns = frame.columns
        # the 0-based rows below the first that hold a value in a contract column: a row goes
        # only when it is blank in every one, so each column is looked at only in the rows
        # blank in the columns before it (in most sheets, one pass over one column)
        blank: Sequence[int] = range(1, frame.nrows)
        for i in where:
            blank = _blank_rows(grid_columns[i], blank)
            if not blank:
                break
        gone = set(blank)  # rows blank in every contract column, seldom any
        keep = (
            [r for r in range(1, frame.nrows) if r not in gone]
            if gone
            else list(range(1, frame.nrows))
        )
        pick = _cells_at(keep, frame.nrows)
        start = len(self.problems)
        names = list(positions)
        typed_columns = [
            self.typed_column(sheet, pick(grid_columns[i]), keep, i, by_name[name])
            for name, i in positions.items()
        ]
        # the cells' problems in reading order: by row, then by column
        self.problems[start:] = sorted(self.problems[start:], key=_reading_order)
        out = _Columns([r + 1 for r in keep], dict(zip(names, typed_columns, strict=True)))
        self.layouts[canonical] = SheetLayout(
            name=sheet,
            columns={name: i + 1 for name, i in positions.items()},
            last_column=last,
            data_rows=tuple(out.rows),
        )
        return out

    def typed_column(
        self, sheet: str, values: list[Any], rows: list[int], pos: int, col: C.Column
    ) -> list[Any]:
        """Return one column's cells (of 0-based `rows`) converted by its contract type."""
        convert, kind = self.convert, col.kind
        blank = _SLOW if col.required else None  # an empty required cell is an error
        if kind == C.TEXT and plain_text_column(values):
            # the common case, tested once for the whole column: text that convert only trims
            out: list[Any] = list(map(str.strip, values))
            # an empty cell of an optional column stays "" (text() reads None as "" too); an
            # empty required cell, and one of spaces alone, go to convert
            if "" in out and (blank is not None or out.count("") != values.count("")):
                out = [t or (blank if not v else _SLOW) for t, v in zip(out, values, strict=True)]
        elif kind == C.TEXT:
            # a column with some other cell: the same test, cell by cell, on ASCII text
            out = [
                v.strip()
                if type(v) is str
                and v.isascii()
                and "_x" not in v
                and "\r" not in v
                and len(v) <= MAX_CELL_CHARS
                and not v.isspace()
                and v
                else blank
                if v == ""
                else _SLOW
                for v in values
            ]
        elif kind == C.DATE:
            out = [v.date() if type(v) is datetime else blank if v == "" else _SLOW for v in values]
        elif kind == C.LIST:
            # each distinct plain text looked up once: a Log repeats a dozen actions
            table = choice_index(col)
            known: dict[str, Any] = {}
            for v in set(values):
                if type(v) is str and v.isascii() and "_x" not in v and "\r" not in v:
                    hit = table.get(C.choice_key(v))
                    if hit:
                        known[v] = hit
            known[""] = blank
            out = list(map(known.get, values, repeat(_SLOW)))  # anything else goes to convert
        else:
            out = [blank if v == "" else _SLOW for v in values]
        if _SLOW not in out:
            return out
        for k, got in enumerate(out):
            if got is _SLOW:
                out[k] = convert(sheet, rows[k] + 1, pos, col, values[k])
        return out

    # the four sheets

    def profile(self) -> Profile:
        """Read the Field/Value Profile sheet."""
        found = self.sheet(C.PROFILE_SHEET)
        if not found:
            return Profile()
        name, frame = found
        head = self.header(name, frame, C.PROFILE_COLUMNS)
        if head is None:
            return Profile()
        positions, _ = head
        fields = {C.norm_header(f): f for f in C.PROFILE_FIELDS}
        values: dict[str, str] = {}
        value_pos = positions.get("Value")
        for row, raw in self.rows(name, frame, positions):
            key = C.norm_header(clean_text(raw["Field"]))
            if key not in fields:
                continue
            v = raw.get("Value")
            if isinstance(v, datetime | date) and fields[key] in {"ZIP", "Phone", "Cell"}:
                self.problem(
                    f"{fields[key]} was turned into a date by the spreadsheet — format "
                    "the cell as Text and type it again",
                    name,
                    f"{col_letter((value_pos or 0) + 1)}{row}",
                )
                continue
            text = clean_text(v)
            try:
                check_encodable(text)
                values[fields[key]] = parse_email(text) if fields[key] == "Email" and text else text
            except CellError as exc:
                cell = f"{col_letter((value_pos or 0) + 1)}{row}"
                self.problem(f'{fields[key]} "{excerpt(text)}" {exc}', name, cell)
        country = (values.get("Country") or "US").upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            self.problem(
                f'Country "{values.get("Country")}" is not a two-letter ISO code '
                "(US, GB, DE, …) — US is used",
                name,
                None,
                blocking=False,
            )
            country = "US"
        self.country = country
        zip_code = values.get("ZIP", "")
        if country == "US" and zip_code.isdigit() and len(zip_code) < 5:
            zip_code = zip_code.zfill(5)
        self.profile_sheet = name
        return Profile(
            name=values.get("Name", ""),
            street=values.get("Street", ""),
            city=values.get("City", ""),
            state=values.get("State", ""),
            zip=zip_code,
            phone=values.get("Phone", ""),
            cell=values.get("Cell", ""),
            email=values.get("Email", ""),
            country=country,
        )

    def interviews(self) -> list[Interview]:
        """Read the Interviews sheet."""
        found = self.sheet(C.INTERVIEWS_SHEET)
        if not found:
            return []
        name, frame = found
        cols = self.typed_columns(C.INTERVIEWS_SHEET, name, frame, C.INTERVIEW_COLUMNS)
        text, raw = cols.text, cols.raw
        when = [w or (None, None) for w in raw("Interview Date")]
        enclosures = [
            tuple(e.strip() for e in re.split(r"[;\n]", typed) if e.strip()) if typed else ()
            for typed in text("Enclosures")
        ]
        out = [
            Interview(
                row=row,
                interview_id=iid,
                company=company,
                position=position,
                interview_date=day_time[0],
                interview_time=day_time[1],
                status=status or "Scheduled",
                want_job=want or "Yes",
                decision_expected=decision,
                callback_expected=callback,
                hiring_timeline_days=timeline,
                company_street=street,
                company_city=city,
                company_state=state,
                company_zip=zip_code,
                company_country=country,
                strengths=strengths,
                forgot_to_mention=forgot,
                enclosures=enclosed,
                notes=notes,
                application=application,
            )
            for (
                row, iid, company, position, day_time, status, want, decision, callback, timeline,
                street, city, state, zip_code, country, strengths, forgot, enclosed, notes,
                application,
            ) in zip(
                cols.rows, text("Interview ID"), text("Company"), text("Position"), when,
                text("Status"), text("Want Job"), raw("Decision Expected"),
                raw("Callback Expected"), raw("Hiring Timeline Days"), text("Company Street"),
                text("Company City"), text("Company State"), text("Company ZIP"),
                text("Company Country"), text("Strengths"), text("Forgot To Mention"),
                enclosures, text("Notes"), text("Application"), strict=True,
            )
        ]  # fmt: skip
        self.unique(C.INTERVIEWS_SHEET, [(iv.row, iv.interview_id) for iv in out], "Interview ID")
        return out

    def contacts(self) -> list[Contact]:
        """Read the Contacts sheet."""
        found = self.sheet(C.CONTACTS_SHEET)
        if not found:
            return []
        name, frame = found
        cols = self.typed_columns(C.CONTACTS_SHEET, name, frame, C.CONTACT_COLUMNS)
        text = cols.text
        # one person at several interviews: their IDs in one cell, "BANK-1; BANK-2"
        ids = [
            tuple(dict.fromkeys(i.strip() for i in re.split(r"[;,\n]", typed) if i.strip()))
            if typed and (";" in typed or "," in typed or "\n" in typed)
            else (typed,)
            if typed
            else ()
            for typed in text("Interview ID")
        ]
        out = [
            Contact(
                row=row,
                contact_id=cid,
                interview_id=found[0] if found else "",
                interview_ids=found if len(found) > 1 else (),
                role=role or "Interviewer",
                honorific=honorific,
                first_name=first,
                last_name=last,
                job_title=title,
                organization=organization,
                street=street,
                city=city,
                state=state,
                zip=zip_code,
                country=country,
                email=email,
                phone=phone,
                fax=fax,
                preferred_channel=channel,
                personal_note=note,
                notes=notes,
            )
            for (
                row, cid, found, role, honorific, first, last, title, organization, street, city,
                state, zip_code, country, email, phone, fax, channel, note, notes,
            ) in zip(
                cols.rows, text("Contact ID"), ids, text("Role"), text("Honorific"),
                text("First Name"), text("Last Name"), text("Job Title"), text("Organization"),
                text("Street"), text("City"), text("State"), text("ZIP"), text("Country"),
                text("Email"), text("Phone"), text("Fax"), text("Preferred Channel"),
                text("Personal Note"), text("Notes"), strict=True,
            )
        ]  # fmt: skip
        self.unique(C.CONTACTS_SHEET, [(c.row, c.contact_id) for c in out], "Contact ID")
        return out

    def log(self) -> list[LogEntry]:
        """Read the Log sheet."""
        found = self.sheet(C.LOG_SHEET)
        if not found:
            return []
        name, frame = found
        cols = self.typed_columns(C.LOG_SHEET, name, frame, C.LOG_COLUMNS)
        text, raw = cols.text, cols.raw
        # LogEntry's fields in order; a row without a date or action was already reported
        fields = [cols.rows, raw("Date"), raw("Action"), text("Interview ID"),
                  text("Contact ID"), text("Outcome")]  # fmt: skip
        if None in fields[1] or None in fields[2]:
            whole = [i for i, (day, action) in enumerate(zip(fields[1], fields[2], strict=True))
                     if day is not None and action is not None]  # fmt: skip
            fields = [[values[i] for i in whole] for values in fields]
        return list(map(LogEntry, *fields))

    # cross-sheet checks

    def unique(self, canonical: str, ids: list[tuple[int, str]], column: str) -> None:
        """Report an ID used by more than one row."""
        seen: dict[str, int] = {}
        layout = self.layouts.get(canonical)
        if layout is None:
            return
        sheet, pos = layout.name, layout.columns[column]
        for row, ident in ids:
            if not ident:
                continue
            key = ident.casefold()
            if key in seen:
                self.problem(
                    f'{column} "{excerpt(ident)}" is already used in row {seen[key]} — IDs must '
                    "be unique; rename one",
                    sheet,
                    f"{col_letter(pos)}{row}",
                )
            else:
                seen[key] = row

    def links(
        self, interviews: list[Interview], contacts: list[Contact], log: list[LogEntry]
    ) -> None:
        """Report contacts and log rows that point at IDs that do not exist."""
        iv_ids = _IdTips({iv.interview_id for iv in interviews})
        ct_ids = _IdTips({c.contact_id for c in contacts})

        def check(
            canonical: str, row: int, column: str, ident: str, known: _IdTips, target: str
        ) -> None:
            if not ident or ident in known.ids:
                return
            layout = self.layouts[canonical]
            sheet, pos = layout.name, layout.columns.get(column, 1)
            near = known.near(ident, (canonical, column))
            tip = f'did you mean "{excerpt(near)}"? ' if near else ""
            self.problem(
                f'{column} "{excerpt(ident)}" is not on the {target} sheet — {tip}Fix the ID or '
                f"add that row to {target}",
                sheet,
                f"{col_letter(pos)}{row}",
            )

        # each sheet's rows are walked only when one of its IDs dangles (the sets find out at C
        # speed), so the problems still come in row order
        named = {iid for c in contacts for iid in c.interviews}
        if named - iv_ids.ids - {""}:
            for c in contacts:
                for iid in c.interviews:
                    check(C.CONTACTS_SHEET, c.row, "Interview ID", iid, iv_ids, C.INTERVIEWS_SHEET)
        dangling = {e.interview_id for e in log} - iv_ids.ids
        dangling |= {e.contact_id for e in log} - ct_ids.ids
        if dangling - {""}:
            for e in log:
                check(C.LOG_SHEET, e.row, "Interview ID", e.interview_id, iv_ids,
                      C.INTERVIEWS_SHEET)  # fmt: skip
                check(C.LOG_SHEET, e.row, "Contact ID", e.contact_id, ct_ids, C.CONTACTS_SHEET)

    def build(self, path: str, date1904: bool) -> Book:
        """Read every sheet and cross-check them."""
        profile = self.profile()
        interviews = self.interviews()
        contacts = self.contacts()
        log = self.log()
        self.links(interviews, contacts, log)
        if interviews and not profile.name and self.profile_sheet:
            self.problem(
                "has no Name — type your name in the Value column beside Name; every letter "
                "is signed with it",
                self.profile_sheet,
            )
        return Book(
            path=path,
            profile=profile,
            interviews=tuple(interviews),
            contacts=tuple(contacts),
            log=tuple(log),
            layouts=dict(self.layouts),
            date1904=date1904,
        )
