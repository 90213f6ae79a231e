"""The text of the "How to use" sheet that `followup-xl init` puts first in a new workbook.

Data only: newbook.py lays it out. Each entry is (kind, text), kind one of the constants
below.
"""

from __future__ import annotations

TITLE, HEADING, TEXT, CODE = "title", "heading", "text", "code"

GUIDE: tuple[tuple[str, str], ...] = (
    (TITLE, "Your job-search follow-up workbook"),
    (
        TEXT,
        "This workbook holds your whole job search in one place: every interview, every "
        "person you met, and everything you did afterwards. Once a week followup-xl reads "
        "it, lists the thank-you notes, calls and letters that are due, and drafts the "
        "letters for you to check, sign and send.",
    ),
    (HEADING, "The sheets"),
    (
        TEXT,
        "Profile - about you. Your name, address, phone, cell and email head every letter. "
        "Country is a two-letter code (US, GB, DE ...) so that calls are never planned on a "
        "weekend or a public holiday.",
    ),
    (
        TEXT,
        "Interviews - one row per interview. A second round is a new row with its own ID "
        "(for example HLB-1, then HLB-2) and the same Company and Position: the rows are "
        "rounds of one application, and the Status of the latest round (Offer, Hired, Not "
        "Selected...) settles them all. Second Interview on a round means a next round was "
        "offered; enter it as its own row. Write down the dates you were given for the "
        "decision and for a call about a second interview; if you were told '30 to 60 days', "
        "put 45 in Hiring Timeline Days. Strengths, Forgot To Mention and Enclosures go into "
        "your letters: write Strengths as short phrases separated by ; that finish the "
        "sentence 'I would bring ...' (for example: five years of customer service; fluent "
        "Spanish), Forgot To Mention as a whole sentence, and Enclosures as the things they "
        "asked you to send, separated by ;. Notes stay private.",
    ),
    (
        TEXT,
        "Contacts - one row per person: everyone who interviewed you, the receptionist or "
        "assistant who looked after you, your references and your network. Copy names and "
        "titles exactly from their business cards. Interview ID links a person to an "
        "interview (someone on two panels: both IDs, as HLB-1; HLB-2); leave it blank for "
        "references and network contacts. Leave the address "
        "blank to use the company's address from the interview. Personal Note is what you "
        "talked about with this person, so that each letter is their own: a topic that "
        "finishes 'our conversation about ...' (for example: your plans for the spring book "
        "fair), or a whole sentence of your own ending with a period.",
    ),
    (
        TEXT,
        "Log - one row per thing you did: an application sent, a letter mailed, an email, a "
        "call (with what you heard under Outcome; Call Received when they called you), a "
        "reference told. The tool reads the Log to know what is already done, so keep it up "
        "to date.",
    ),
    (
        TEXT,
        "Due - made by the tool on every run: what to do now, overdue first, then due, then "
        "coming up. There is no Due sheet until the first run. Do not edit it: it is "
        "rewritten each time.",
    ),
    (HEADING, "Filling it in"),
    (
        TEXT,
        "Start under the header row. Keep the header names as they are; you may add columns "
        "of your own, the tool ignores them.",
    ),
    (
        TEXT,
        "Type dates as 2026-11-24, and an interview time as 2026-11-24 14:30. For Status, "
        "Want Job, Role, Honorific, Preferred Channel and Action, pick a value from the cell's "
        "drop-down arrow.",
    ),
    (
        TEXT,
        "ZIP codes and phone numbers are kept as text, so a leading zero such as 02134 stays "
        "where it is.",
    ),
    (HEADING, "Every Sunday (about 20 minutes)"),
    (
        TEXT,
        "1. Bring the workbook up to date: new interviews, the people you met there, and in "
        "the Log every letter mailed, call made and application sent this week.",
    ),
    (TEXT, "2. Save and close the workbook, then run (with your own file name):"),
    (CODE, "followup-xl run tracker.xlsx"),
    (
        TEXT,
        "The run lists what is due on screen, overdue first, and stops without changing "
        "anything if the workbook has a problem to fix (it names the cell). To look without "
        "writing anything, add --dry-run; followup-xl check tracker.xlsx only checks the "
        "workbook.",
    ),
    (
        TEXT,
        "3. Open the workbook and read the Due sheet: overdue items first, then what is due "
        "now and what is coming. The same status shows in the columns Next Action, Next Due "
        "and Follow-up Status at the right of Interviews and Contacts.",
    ),
    (
        TEXT,
        "4. The letters are in a folder named after the date, next to the workbook. Read "
        "each one, print, sign and mail them (or send the emails), and make the calls listed "
        "for this week.",
    ),
    (TEXT, "5. Log what you did, so that next Sunday's list starts from the real dates."),
    (TEXT, "followup-xl --help lists every command and option."),
    (HEADING, "The habits behind the list"),
    (
        TEXT,
        "Before you leave an interview, ask when they will decide and when they might call "
        "about a second interview, and ask the receptionist how each interviewer prefers to "
        "be reached.",
    ),
    (
        TEXT,
        "Thank every interviewer within 24 hours, each with a letter of their own, and the "
        "receptionist with a handwritten card - even when you no longer want the job. That "
        "cannot wait for Sunday: on the evening after an interview, add it and its people, "
        "and run followup-xl then too. Once, followup-xl schedule tracker.xlsx --install "
        "makes that run come by itself every evening at 18:00; it writes only when something "
        "new is due, and notes in tracker.followup.log beside the workbook when the workbook "
        "was open or had a problem.",
    ),
    (
        TEXT,
        "Phone two or three days after your letters went out, then about once a week until "
        "the position is filled - never every day.",
    ),
    (
        TEXT,
        "Tell your references that they may get a call. Keep applying while you wait. If the "
        "answer is no, stay in touch and ask for the names of others you could talk to.",
    ),
    (HEADING, "What the tool changes"),
    (
        TEXT,
        "Only the Due sheet and the three columns at the right end of Interviews and Contacts "
        "(Next Action, Next Due, Follow-up Status); overdue cells are highlighted. Your rows, "
        "colors, comments, extra columns and extra sheets stay exactly as you left them.",
    ),
    (HEADING, "Backups"),
    (
        TEXT,
        "Before it changes the workbook, followup-xl keeps the previous version, dated, in "
        "a folder beside it named after the workbook (tracker.backups for tracker.xlsx): "
        "every version of the last two weeks, one a week for three months, and the workbook "
        "as it was before the tool first changed it. If something looks wrong after a run, "
        "close the workbook and list them:",
    ),
    (CODE, "followup-xl restore tracker.xlsx"),
    (
        TEXT,
        "then put one back by adding its name from the list (the workbook as it is then is "
        "kept as a backup too, so this can be undone the same way):",
    ),
    (CODE, "followup-xl restore tracker.xlsx tracker.2026-11-22_19-05-12.xlsx"),
)
