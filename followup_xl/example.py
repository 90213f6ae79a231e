"""The example job search that `followup-xl demo` and `init --example` fill a workbook with.

Data only, dated relative to the day it is asked for; newbook.py writes it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from . import contract as C


def example_rows(today: date) -> dict[str, list[dict[str, object]]]:
    """Return a small, realistic job search dated relative to `today`, keyed by contract header.

    Situations (calendar days from `today`; for a Wednesday every event falls on a weekday):
    HLB-1 panel interview yesterday 10:30, three interviewers and a receptionist, nothing sent
    yet: thank-yous and a note card due today (R3, R8), one channel unknown (R5).
    GRV-1 five days ago, Want Job = No, nothing sent: thank-you overdue (R4).
    MBH-1 23 days ago, letter and card mailed that day, calls 21, 14 and 7 days ago, the
    expected dates passed (board postponed): next weekly call due today, or on the next
    working day (R12, R13).
    NPL-1 position filled after two calls: keep-in-touch letter due (R14).
    Two references, one told 40 days ago: calling the other is overdue (R10).
    An application sent two days ago, so no "keep searching" warning (R11).
    """

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def at(offset: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day(offset), time(hour, minute))

    profile = {
        "Name": "Jordan A. Whitfield",
        "Street": "48 Linden Street, Apt. 3",
        "City": "Boston",
        "State": "MA",
        "ZIP": "02134",
        "Phone": "617-555-0142",
        "Cell": "617-555-0187",
        "Email": "jordan.whitfield@example.com",
        "Country": "US",
    }
    interviews: list[dict[str, object]] = [
        {
            "Interview ID": "HLB-1",
            "Company": "Hart & Lowe Books",
            "Position": "Marketing Coordinator",
            "Interview Date": at(-1, 10, 30),
            "Status": "Interviewed",
            "Want Job": "Yes",
            "Decision Expected": day(13),
            "Callback Expected": day(6),
            "Hiring Timeline Days": 21,
            "Company Street": "210 Harbor Street",
            "Company City": "Boston",
            "Company State": "MA",
            "Company ZIP": "02110",
            "Strengths": "three years running the author-event calendar at Copperline Café; "
            "a newsletter I grew from 400 to 2,300 readers in a year",
            "Forgot To Mention": "I can design and lay out the quarterly catalog myself, as I "
            "did for the seasonal menus at Copperline Café.",
            "Enclosures": "References; Writing samples",
            "Notes": "Panel of three in the loft meeting room. Garage on Harbor St validates.",
        },
        {
            "Interview ID": "GRV-1",
            "Company": "Greenvale Property Management",
            "Position": "Leasing Consultant",
            "Interview Date": at(-5, 15),
            "Status": "Interviewed",
            "Want Job": "No",
            "Decision Expected": day(2),
            "Company Street": "75 Waverley Oaks Road",
            "Company City": "Waltham",
            "Company State": "MA",
            "Company ZIP": "02453",
            "Strengths": "three years of calm complaint handling at a busy front desk; "
            "fluent Spanish",
            "Notes": "Every weekend on duty and a 70-minute commute: not for me. Thank him anyway.",
        },
        {
            "Interview ID": "MBH-1",
            "Company": "Mill Brook Health",
            "Position": "Patient Communications Specialist",
            "Interview Date": at(-23, 9),
            "Status": "Interviewed",
            "Want Job": "Yes",
            "Decision Expected": day(-9),
            "Callback Expected": day(-16),
            "Hiring Timeline Days": 45,
            "Company Street": "1 Mill Brook Way",
            "Company City": "Framingham",
            "Company State": "MA",
            "Company ZIP": "01701",
            "Strengths": "plain-language writing; experience rewriting an allergy leaflet "
            "with a health inspector's advice",
            "Forgot To Mention": "I completed a patient-privacy training course in October.",
            "Enclosures": "Writing samples",
            "Notes": "Board approves hires once a month; told 30 to 60 days. No call about a "
            "second round yet.",
        },
        {
            "Interview ID": "NPL-1",
            "Company": "Northgate Public Library",
            "Position": "Community Programs Assistant",
            "Interview Date": at(-41, 14),
            "Status": "Position Filled",
            "Want Job": "Yes",
            "Decision Expected": day(-26),
            "Company Street": "9 Northgate Square",
            "Company City": "Cambridge",
            "Company State": "MA",
            "Company ZIP": "02139",
            "Strengths": "experience organizing a monthly reading night for 30 to 50 guests",
            "Notes": "Filled by an internal candidate.",
        },
    ]
    contacts: list[dict[str, object]] = [
        {
            "Contact ID": "HLB-DUBOIS",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Renée",
            "Last Name": "Dubois-Okafor",
            "Job Title": "Director of Marketing",
            "Organization": "Hart & Lowe Books",
            "Email": "r.dubois-okafor@hartlowebooks.example",
            "Phone": "617-555-0110",
            "Preferred Channel": "Mail",
            "Personal Note": "bringing younger readers to poetry nights, and the small-town "
            "libraries we both grew up in",
        },
        {
            "Contact ID": "HLB-OBRIEN",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Daniel",
            "Last Name": "O'Brien",
            "Job Title": "Events Manager",
            "Organization": "Hart & Lowe Books",
            "Phone": "617-555-0111",
            "Personal Note": "a bilingual story hour on Saturday mornings",
            "Notes": "Ask Maggie whether he prefers mail or email.",
        },
        {
            "Contact ID": "HLB-RAMAN",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Priya",
            "Last Name": "Raman",
            "Job Title": "Human Resources Generalist",
            "Organization": "Hart & Lowe Books",
            "Email": "p.raman@hartlowebooks.example",
            "Preferred Channel": "Email",
            "Personal Note": "the three-month onboarding plan and the mentor program for new staff",
        },
        {
            "Contact ID": "HLB-CHEN",
            "Interview ID": "HLB-1",
            "Role": "Receptionist",
            "Honorific": "Ms.",
            "First Name": "Maggie",
            "Last Name": "Chen",
            "Job Title": "Receptionist",
            "Organization": "Hart & Lowe Books",
            "Preferred Channel": "Handwritten Card",
            "Personal Note": "The lemon scones you recommended were every bit as good as you "
            "promised.",
        },
        {
            "Contact ID": "GRV-ORTEGA",
            "Interview ID": "GRV-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Luis",
            "Last Name": "Ortega",
            "Job Title": "Leasing Manager",
            "Organization": "Greenvale Property Management",
            "Phone": "781-555-0123",
            "Fax": "781-555-0124",
            "Preferred Channel": "Fax",
            "Personal Note": "the new rooftop garden and your years as a building superintendent",
        },
        {
            "Contact ID": "MBH-FERNANDEZ",
            "Interview ID": "MBH-1",
            "Role": "Interviewer",
            "Honorific": "Dr.",
            "First Name": "Alicia",
            "Last Name": "Fernández-Webb",
            "Job Title": "Director of Patient Experience",
            "Organization": "Mill Brook Health",
            "Email": "afernandezwebb@millbrookhealth.example",
            "Phone": "508-555-0131",
            "Preferred Channel": "Mail",
            "Personal Note": "discharge letters that a twelve-year-old could follow",
        },
        {
            "Contact ID": "MBH-KOWALSKI",
            "Interview ID": "MBH-1",
            "Role": "Receptionist",
            "Honorific": "Mr.",
            "First Name": "Piotr",
            "Last Name": "Kowalski",
            "Job Title": "Front Desk Coordinator",
            "Organization": "Mill Brook Health",
            "Preferred Channel": "Handwritten Card",
            "Personal Note": "Walking me to the east wing when the elevator was out was a "
            "real kindness.",
        },
        {
            "Contact ID": "NPL-ASANTE",
            "Interview ID": "NPL-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Kwame",
            "Last Name": "Asante",
            "Job Title": "Branch Manager",
            "Organization": "Northgate Public Library",
            "Email": "kasante@northgatelibrary.example",
            "Preferred Channel": "Mail",
            "Personal Note": "the summer reading program and the Friends of the Library board",
        },
        {
            "Contact ID": "REF-MARSH",
            "Role": "Reference",
            "Honorific": "Prof.",
            "First Name": "Helen",
            "Last Name": "Marsh",
            "Job Title": "Professor of English",
            "Organization": "Bayside Community College",
            "Street": "400 Shoreline Drive",
            "City": "Quincy",
            "State": "MA",
            "ZIP": "02169",
            "Email": "hmarsh@baysidecc.example",
            "Phone": "617-555-0150",
            "Preferred Channel": "Email",
            "Personal Note": "my capstone project on community newsletters",
        },
        {
            "Contact ID": "REF-VILLANUEVA",
            "Role": "Reference",
            "Honorific": "Mr.",
            "First Name": "Jorge",
            "Last Name": "Villanueva",
            "Job Title": "Owner",
            "Organization": "Copperline Café",
            "Street": "31 Centre Street",
            "City": "Brookline",
            "State": "MA",
            "ZIP": "02446",
            "Phone": "617-555-0163",
            "Preferred Channel": "Mail",
            "Personal Note": "the event calendar and the newsletter I ran at the café",
        },
    ]
    log: list[dict[str, object]] = [
        {
            "Date": day(-40),
            "Contact ID": "REF-MARSH",
            "Action": "Reference Notified",
            "Outcome": "Happy to be a reference; prefers an email first",
        },
        {
            "Date": day(-40),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Thank-You Letter Mailed",
        },
        {
            "Date": day(-37),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Phone Call",
            "Outcome": "Still interviewing; decision in about two weeks",
        },
        {
            "Date": day(-27),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Phone Call",
            "Outcome": "Position filled by an internal candidate; he will keep my résumé",
        },
        {
            "Date": day(-23),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Thank-You Letter Mailed",
            "Outcome": "Enclosed two writing samples",
        },
        {
            "Date": day(-23),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-KOWALSKI",
            "Action": "Note Card Mailed",
        },
        {
            "Date": day(-21),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Letter arrived; board meets at the end of the month",
        },
        {
            "Date": day(-14),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Two candidates left; call again next week",
        },
        {
            "Date": day(-7),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Board meeting postponed to next month; still a strong candidate",
        },
        {
            "Date": day(-2),
            "Action": "Application Sent",
            "Outcome": "Riverside Arts Council, Program Coordinator: applied online with "
            "cover letter",
        },
    ]
    return {
        C.PROFILE_SHEET: [{"Field": k, "Value": v} for k, v in profile.items()],
        C.INTERVIEWS_SHEET: interviews,
        C.CONTACTS_SHEET: contacts,
        C.LOG_SHEET: log,
    }
