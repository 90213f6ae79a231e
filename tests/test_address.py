"""Addresses in the destination country's postal format, with a country line when mailed abroad.

The expected lines are written from each post's own addressing conventions (USPS, Royal Mail,
Deutsche Post, La Poste, Japan Post, UPU), not read off the code: the city line's order and
punctuation, the postcode's place, the country's name in capitals as the last line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from factory import make_book as make_workbook
from followup_xl import letters
from followup_xl.letters.address import Address, Post, destination
from followup_xl.letters.render import Renderer
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status

TODAY = date(2026, 11, 25)
#: One batch's post, as render_letters makes it; its methods read as the tests use them.
POST = Post()
lines, missing, country_line = POST.lines, POST.missing, POST.country_line

US_SENDER = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield",
                    state="IL", zip="62704", email="jordan@example.com", country="US")  # fmt: skip
GB_SENDER = Profile(name="Priya Shah", street="3 Clerkenwell Road", city="London",
                    zip="EC1M 5RN", email="priya@example.co.uk", country="GB")  # fmt: skip
DE_SENDER = Profile(name="Lena Vogel", street="Kastanienallee 12", city="Berlin",
                    zip="10435", email="lena@example.de", country="DE")  # fmt: skip

INTERVIEW = Interview(row=2, interview_id="IV-1", company="Northwind", position="Editor",
                      interview_date=date(2026, 11, 24), status="Interviewed")  # fmt: skip
PERSON = Contact(row=2, contact_id="C-1", interview_id="IV-1", honorific="Ms.",
                 first_name="Amy", last_name="Lee", job_title="Head of People",
                 organization="Northwind", preferred_channel="Mail")  # fmt: skip

BOSTON = {"street": "1 Federal Street", "city": "Boston", "state": "MA", "zip": "02110"}
BERLIN = {"street": "Kastanienallee 12", "city": "Berlin", "state": "", "zip": "10435"}
LONDON = {"street": "3 Clerkenwell Road", "city": "London", "state": "", "zip": "EC1M 5RN"}
PARIS = {"street": "12 rue de Rivoli", "city": "Paris", "state": "", "zip": "75001"}
TOKYO = {"street": "1-2-3 Shibuya", "city": "Shibuya-ku", "state": "Tokyo", "zip": "150-0002"}


def _letter(tmp_path: Path, profile: Profile, contact: Contact,
            interview: Interview = INTERVIEW) -> list[str]:  # fmt: skip
    """Render the contact's thank-you letter and return its paragraphs as Word shows them."""
    act = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE, due=TODAY,
                 why="thank-you", channel="Mail", interview_id=interview.interview_id,
                 company=interview.company, position=interview.position,
                 contact_id=contact.contact_id, who=contact.display_name)  # fmt: skip
    book = Book(path="t.xlsx", profile=profile, interviews=(interview,), contacts=(contact,))
    batch = letters.render_letters(book, [act], today=TODAY, out_dir=tmp_path / "out")
    doc = Document(str(batch.files[act.key]))
    return [p.text for p in doc.paragraphs if p.text.strip()]


def _blocks(tmp_path: Path, profile: Profile, **where: str) -> tuple[list[str], list[str]]:
    """Return the sender block and the recipient block of a letter to PERSON at `where`."""
    text = _letter(tmp_path, profile, PERSON._replace(**where))
    return text[1].split("\n"), text[2].split("\n")


# --- across a border: the destination's format and a country line --------------------------------


def test_us_sender_to_berlin_writes_postcode_before_city_then_germany(tmp_path):
    """US → DE: "10435 BERLIN" (the town in the post's capitals), then GERMANY; the sender
    names the US, its own town as typed."""
    sender, recipient = _blocks(tmp_path, US_SENDER, **BERLIN, country="Germany")
    assert recipient == ["Ms. Amy Lee", "Head of People", "Northwind", "Kastanienallee 12",
                         "10435 BERLIN", "GERMANY"]  # fmt: skip
    assert sender[:5] == ["Jordan Ellis", "42 Maple Street", "Springfield, IL 62704",
                          "UNITED STATES", "jordan@example.com"]  # fmt: skip


def test_gb_sender_to_boston_writes_the_us_city_line_then_united_states(tmp_path):
    """GB → US: "BOSTON, MA 02110" on one line (USPS), then UNITED STATES."""
    sender, recipient = _blocks(tmp_path, GB_SENDER, **BOSTON, country="US")
    assert recipient[-3:] == ["1 Federal Street", "BOSTON, MA 02110", "UNITED STATES"]
    assert recipient[0] == "Ms Amy Lee"  # a British letter
    assert sender[1:4] == ["3 Clerkenwell Road", "London", "EC1M 5RN"]
    assert sender[4] == "UNITED KINGDOM"


def test_de_sender_to_london_puts_the_postcode_on_its_own_line(tmp_path):
    """DE → GB: post town, then the postcode on a line of its own (Royal Mail), then UK."""
    sender, recipient = _blocks(tmp_path, DE_SENDER, **LONDON, country="United Kingdom")
    assert recipient[-4:] == ["3 Clerkenwell Road", "LONDON", "EC1M 5RN", "UNITED KINGDOM"]
    assert sender[1:4] == ["Kastanienallee 12", "10435 Berlin", "GERMANY"]


def test_us_sender_to_paris_writes_the_company_first_and_france(tmp_path):
    """US → FR: company name above the person (NF Z 10-011), "75001 PARIS", then FRANCE."""
    _, recipient = _blocks(tmp_path, US_SENDER, **PARIS, country="FR")
    assert recipient == ["Northwind", "Ms. Amy Lee", "Head of People", "12 rue de Rivoli",
                         "75001 PARIS", "FRANCE"]  # fmt: skip


def test_japan_in_english_goes_from_street_to_ward_and_prefecture_then_postcode():
    """US → JP in Latin letters: street, "Shibuya-ku, Tokyo", the postcode, JAPAN (Japan Post)."""
    got = lines(Address(**TOKYO), "JP", name=["Mr. Ken Sato"], organization="Kaisha KK")
    assert got == ["Mr. Ken Sato", "Kaisha KK", "1-2-3 Shibuya", "Shibuya-ku, Tokyo", "150-0002"]
    assert country_line("Japan", "US") == "JAPAN"


def test_japan_in_japanese_script_goes_from_postcode_down_to_the_name():
    """An address typed in Japanese takes the Japanese order: 〒postcode first, name last."""
    got = lines(Address("渋谷1-2-3", "渋谷区", "東京都", "150-0002"), "JP", name=["佐藤 健"])
    assert got[0] == "〒150-0002" and got[-1] == "佐藤 健"
    assert got.index("東京都") < got.index("渋谷区") < got.index("渋谷1-2-3")
    # the address's script decides: a name in kanji on a Latin address keeps the Latin order
    assert lines(Address(**TOKYO), "JP", name=["佐藤 健"])[0] == "佐藤 健"


#: Addresses as each post's addressing guide prints them (the post's own example where it
#: publishes one), from GB and US senders: the sender's country, the destination, the cells
#: as a user types them (Street, City, State, ZIP) with the name and organisation, and the
#: lines the post wants, country line included.
POST_EXAMPLES = [
    ("GB", "FR", ["Mme Claire Martin"], "Société Durand",
     ("25 rue de l'Église", "Mios", "Nouvelle-Aquitaine", "33380"),
     ["Société Durand", "Mme Claire Martin", "25 rue de l'Église", "33380 MIOS", "FRANCE"]),
    ("GB", "ES", ["Sr. D. Miguel Ruiz"], "",
     ("Calle de Alcalá 48", "Madrid", "Madrid", "28014"),
     ["Sr. D. Miguel Ruiz", "Calle de Alcalá 48", "28014 MADRID", "SPAIN"]),
    ("GB", "ES", ["Sra. Lucía Gómez"], "",
     ("Avenida Ricardo Soriano 12", "Marbella", "Málaga", "29601"),
     ["Sra. Lucía Gómez", "Avenida Ricardo Soriano 12", "29601 MARBELLA MÁLAGA", "SPAIN"]),
    ("GB", "DE", [], "Deutsche Post AG", ("Charles-de-Gaulle-Str. 20", "Bonn", "NRW", "53113"),
     ["Deutsche Post AG", "Charles-de-Gaulle-Str. 20", "53113 BONN", "GERMANY"]),
    ("GB", "CH", ["Herr Hans Muster"], "", ("Musterstrasse 12", "Bern", "BE", "3000"),
     ["Herr Hans Muster", "Musterstrasse 12", "CH-3000 Bern", "SWITZERLAND"]),
    ("GB", "JP", ["Mr Taro Yamada"], "", ("1-3-2 Kasumigaseki", "Chiyoda-ku", "Tokyo", "100-8994"),
     ["Mr Taro Yamada", "1-3-2 Kasumigaseki", "Chiyoda-ku, TOKYO", "100-8994", "JAPAN"]),
    ("GB", "JP", ["山田 太郎"], "日本郵便株式会社",
     ("霞が関1-3-2", "千代田区", "東京都", "100-8994"),
     ["〒100-8994", "東京都", "千代田区", "霞が関1-3-2", "日本郵便株式会社", "山田 太郎", "JAPAN"]),
    ("GB", "CN", ["Ms Li Na"], "", ("88 Tianhe Road, Tianhe District", "Guangzhou", "Guangdong",
                                    "510620"),
     ["Ms Li Na", "88 Tianhe Road, Tianhe District", "Guangzhou", "GUANGDONG, 510620", "CHINA"]),
    ("GB", "KR", ["Mr Hong Gildong"], "", ("209 Sejong-daero, Jongno-gu", "Seoul", "Seoul",
                                           "03154"),
     ["Mr Hong Gildong", "209 Sejong-daero, Jongno-gu", "Seoul", "03154", "SOUTH KOREA"]),
    ("GB", "IE", ["Ms Mary Murphy"], "", ("1 Merrion Square", "Dublin 2", "", "d02 p820"),
     ["Ms Mary Murphy", "1 Merrion Square", "DUBLIN 2", "D02 P820", "IRELAND"]),
    ("US", "GB", ["Mr A Smith"], "", ("3 High Street\nHedle End", "Southampton", "Hampshire",
                                      "so31 4ng"),
     ["Mr A Smith", "3 High Street", "Hedle End", "SOUTHAMPTON", "SO31 4NG", "UNITED KINGDOM"]),
    ("US", "BR", ["Sra. Ana Souza"], "", ("Rua Teodoro Sampaio, 417\nPinheiros", "São Paulo",
                                          "SP", "05405-000"),
     ["Sra. Ana Souza", "Rua Teodoro Sampaio, 417", "Pinheiros", "SÃO PAULO-SP", "05405-000",
      "BRAZIL"]),
    ("US", "AU", ["Ms Jane Citizen"], "", ("1 George Street", "Sydney", "NSW", "2000"),
     ["Ms Jane Citizen", "1 George Street", "SYDNEY NSW 2000", "AUSTRALIA"]),
    ("GB", "US", ["Ms Amy Lee"], "", ("1600 Pennsylvania Ave NW", "Washington", "DC", "20500"),
     ["Ms Amy Lee", "1600 Pennsylvania Ave NW", "WASHINGTON, DC 20500", "UNITED STATES"]),
    ("GB", "US", ["Mr Ben Ross"], "", ("350 Fifth Avenue", "New York", "New York", "10118"),
     ["Mr Ben Ross", "350 Fifth Avenue", "NEW YORK, NEW YORK 10118", "UNITED STATES"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "home, to, name, organization, typed, expected", POST_EXAMPLES,
    ids=[f"{home}-{to}-{i}" for i, (home, to, *_) in enumerate(POST_EXAMPLES)],
)  # fmt: skip
def test_each_address_reads_as_its_post_prints_it(home, to, name, organization, typed, expected):
    """The post's capitals for town, region and postcode (a lowercase postcode too), no region
    the layout has no place for, no town printed twice, then the country line."""
    got = lines(Address(*typed), to, name=name, organization=organization, capitals=True)
    assert [*got, country_line(to, home)] == expected


# --- at home: the own format and no country line -------------------------------------------------


@pytest.mark.parametrize(
    "profile, where, tail",
    [
        (US_SENDER, BOSTON, ["1 Federal Street", "BOSTON, MA 02110"]),
        (GB_SENDER, LONDON, ["3 Clerkenwell Road", "LONDON", "EC1M 5RN"]),
        (DE_SENDER, BERLIN, ["Kastanienallee 12", "10435 BERLIN"]),
    ],
)
def test_a_domestic_letter_has_no_country_line(tmp_path, profile, where, tail):
    """US, GB, DE at home: the country's own layout, no country line on either block."""
    for country in ("", profile.country):  # blank: the sender's country
        sender, recipient = _blocks(tmp_path / country, profile, **where, country=country)
        assert recipient[-len(tail) :] == tail
        assert not {"UNITED STATES", "UNITED KINGDOM", "GERMANY"} & {*sender, *recipient}


# --- odd and missing input -----------------------------------------------------------------------


def test_a_multi_line_street_keeps_its_lines(tmp_path):
    """Each line of a multi-line Street cell is a line of the address, in the street's place."""
    where = {**BOSTON, "street": "Floor 3\nOne Federal Street"}
    _, recipient = _blocks(tmp_path, GB_SENDER, **where, country="US")
    assert recipient[-4:] == ["Floor 3", "One Federal Street", "BOSTON, MA 02110",
                              "UNITED STATES"]  # fmt: skip


@pytest.mark.parametrize(
    "blank, city_line",
    [
        ("state", "Boston 02110"),
        ("zip", "Boston, MA"),
        ("city", "MA 02110"),
    ],
)
def test_a_blank_part_leaves_no_stray_comma(blank, city_line):
    """A missing City, State or ZIP drops its comma and space with it."""
    got = lines(Address(**{**BOSTON, blank: ""}), "US")
    assert got == ["1 Federal Street", city_line]


def test_a_blank_address_prints_the_name_alone_and_no_country_line(tmp_path):
    """No address at all (and no company address): name, title, organization; no stray lines."""
    _, recipient = _blocks(tmp_path, US_SENDER, country="DE")
    assert recipient == ["Ms. Amy Lee", "Head of People", "Northwind"]


@pytest.mark.parametrize(
    "country, where, last",
    [
        ("GB", Address("1 High Street", "Canterbury", "Kent", "CT1 2AB"), "CT1 2AB"),
        ("FR", Address("5 rue Gallieni", "Boulogne-Billancourt", "Île-de-France", "92100"),
         "92100 Boulogne-Billancourt"),
        ("DE", Address("Unter den Linden 5", "Berlin", "BE", "10117"), "10117 Berlin"),
        ("NL", Address("Damrak 1", "Amsterdam", "Noord-Holland", "1012 LG"), "1012 LG Amsterdam"),
        ("CH", Address("Bahnhofstrasse 1", "Zürich", "ZH", "8001"), "CH-8001 Zürich"),
    ],
)  # fmt: skip
def test_a_region_the_country_has_no_place_for_is_left_out(country, where, last):
    """A county in the UK, a région, Land, provincie or canton: no line of their own after the
    postcode and town, which stays the last line before the country."""
    got = lines(where, country)
    assert got[-1] == last and where.state not in "\n".join(got)


def test_a_zip_that_does_not_fit_the_country_prints_as_typed():
    """No validation: a 4-digit German postcode and a letter ZIP print where they belong."""
    assert lines(Address("Kastanienallee 12", "Berlin", "", "1043"), "DE")[-1] == "1043 Berlin"
    assert lines(Address("1 Main St", "Boston", "MA", "ABC"), "US")[-1] == "Boston, MA ABC"


def test_an_unknown_country_keeps_every_part_and_is_named_as_typed():
    """A country no post knows: the parts in a plain order, the name typed as the last line."""
    assert lines(Address("1 Main St", "Springfield", "IL", "62704"), "Atlantis") == [
        "1 Main St", "Springfield", "IL 62704"]  # fmt: skip
    assert country_line("Atlantis", "US") == "ATLANTIS"


# --- which country -------------------------------------------------------------------------------


def test_destination_is_the_contacts_then_the_companys_then_the_senders_country():
    """Contacts Country, else Interviews Company Country, else Profile Country."""
    iv = replace(INTERVIEW, company_country="France")
    assert destination(PERSON._replace(country="DE"), iv, US_SENDER) == "DE"
    assert destination(PERSON, iv, US_SENDER) == "France"
    assert destination(PERSON, INTERVIEW, GB_SENDER) == "GB"
    assert destination(PERSON, None, GB_SENDER) == "GB"


def test_country_names_and_codes_are_the_same_country():
    """The names United Kingdom, UK and gb are one country: no country line between them."""
    assert country_line("United Kingdom", "GB") == ""
    assert country_line("UK", "gb") == ""
    assert country_line("Germany", "US") == "GERMANY"
    assert country_line("USA", "GB") == "UNITED STATES"


def test_missing_names_the_columns_the_destination_post_requires():
    """A US address needs a State and ZIP; a UK one no state; a German one a postcode."""
    assert missing(Address("1 Federal Street", "Boston", "", ""), "US") == ["State", "ZIP"]
    assert missing(Address(**LONDON), "GB") == []
    assert missing(Address("Kastanienallee 12", "Berlin", "", ""), "DE") == ["ZIP"]


# --- the envelope and the whole run --------------------------------------------------------------


def test_envelope_mailed_abroad_names_both_countries(tmp_path):
    """A GB sender's envelope to Boston: return address ends UNITED KINGDOM (UPU), the address
    UNITED STATES; both read back from the rendered envelope."""
    contact = PERSON._replace(**BOSTON, country="US")
    act = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE, due=TODAY,
                 why="thank-you", contact_id="C-1", interview_id="IV-1")  # fmt: skip
    ctx = letters.letter_context(letters.LetterData(act, GB_SENDER, contact, INTERVIEW), TODAY)
    renderer = Renderer(letters.check_templates(None))
    data = renderer.render(letters.ENVELOPE, ctx, TODAY, "GB", "Envelope")
    (tmp_path / "envelope.docx").write_bytes(data)
    doc = Document(str(tmp_path / "envelope.docx"))
    blocks = [p.text.split("\n") for p in doc.paragraphs if p.text.strip()]
    assert blocks[0] == ["Priya Shah", "3 Clerkenwell Road", "London", "EC1M 5RN",
                         "UNITED KINGDOM"]  # fmt: skip
    assert blocks[1] == ["Ms Amy Lee", "Head of People", "Northwind", "1 Federal Street",
                         "BOSTON, MA 02110", "UNITED STATES"]  # fmt: skip


def test_run_addresses_a_letter_to_the_companys_country(tmp_path):
    """The real CLI on a real workbook: a GB user's letter to a Boston company whose Interviews
    row says Company Country "United States" (the contact's address cells are blank)."""
    from followup_xl.cli import main

    interview = {"Interview ID": "HL-1", "Company": "Hart & Lowe", "Position": "Editor",
                 "Interview Date": date(2026, 11, 24), "Status": "Interviewed",
                 "Company Street": "1 Federal Street", "Company City": "Boston",
                 "Company State": "MA", "Company ZIP": "02110",
                 "Company Country": "United States"}  # fmt: skip
    person = {"Contact ID": "C1", "Interview ID": "HL-1", "Honorific": "Dr.",
              "First Name": "Amy", "Last Name": "Lee", "Preferred Channel": "Mail"}  # fmt: skip
    path = make_workbook(tmp_path / "tracker.xlsx", interviews=[interview], contacts=[person],
                         profile={"Country": "GB", "Street": "3 Clerkenwell Road",
                                  "City": "London", "State": "", "ZIP": "EC1M 5RN"})  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-25",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (letter,) = [p for p in out.rglob("*Thank-you —*.docx")]
    text = [p.text for p in Document(str(letter)).paragraphs if p.text.strip()]
    assert text[1].startswith("Alex Rivera\n3 Clerkenwell Road\nLondon\nEC1M 5RN\nUNITED KINGDOM\n")
    assert text[2] == "Dr Amy Lee\nHart & Lowe\n1 Federal Street\nBOSTON, MA 02110\nUNITED STATES"


def test_a_missing_postal_part_is_one_finding_naming_the_cell(tmp_path):
    """A German address without its postcode, a US company address without its State and a
    country no list knows: one R9 finding per letter, naming the workbook cells to fill in; a
    whole address passes."""
    from followup_xl.cli import main

    interview = {"Interview ID": "HL-1", "Company": "Hart & Lowe", "Position": "Editor",
                 "Interview Date": date(2026, 11, 24), "Status": "Interviewed",
                 "Company Street": "1 Federal Street", "Company City": "Boston",
                 "Company ZIP": "02110", "Company Country": "US"}  # fmt: skip
    people = [
        {"Contact ID": "C1", "Interview ID": "HL-1", "First Name": "Amy", "Last Name": "Lee",
         "Preferred Channel": "Mail", "Street": "Kastanienallee 12", "City": "Berlin",
         "Country": "DE"},
        {"Contact ID": "C2", "Interview ID": "HL-1", "First Name": "Bo", "Last Name": "Ek",
         "Preferred Channel": "Mail"},
        {"Contact ID": "C3", "Interview ID": "HL-1", "First Name": "Cy", "Last Name": "Roe",
         "Preferred Channel": "Mail", **{k.title() if k != "zip" else "ZIP": v
                                         for k, v in LONDON.items()}, "Country": "GB"},
        {"Contact ID": "C4", "Interview ID": "HL-1", "First Name": "Di", "Last Name": "Fox",
         "Preferred Channel": "Mail", "Street": "Hauptstraße 1", "City": "Wien",
         "ZIP": "1010", "Country": "Österreich"},
    ]  # fmt: skip
    path = make_workbook(tmp_path / "t.xlsx", interviews=[interview], contacts=people,
                         profile={"Country": "GB"})  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-25",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = (out / "2026-11-25 Proofreading.txt").read_text(encoding="utf-8")
    found = [ln for ln in report.splitlines() if "R9 address" in ln]
    assert len(found) == 3, report
    assert "Amy Lee (DE)" in found[0] and found[0].endswith("Contacts!L2 (ZIP)")
    assert "no postcode in the address for Amy Lee" in found[0]  # the country's word, no "ZIP"
    assert "Bo Ek (US)" in found[1] and found[1].endswith("Interviews!L2 (Company State)")
    assert "no state in the address for Bo Ek" in found[1]
    # a country typed in its own language is not guessed at: the cell to retype is named
    assert 'Country "Österreich" for Di Fox is not a country' in found[2]
    assert found[2].endswith("Contacts!M5 (Country)")
    assert "shouting" not in report  # the country lines in capitals are names


@pytest.mark.parametrize(
    ("typed", "iso"),
    [("Saint Helena", "SH"), ("St Kitts and Nevis", "KN"), ("St. Lucia", "LC"),
     ("Saint Vincent and the Grenadines", "VC"), ("Trinidad and Tobago", "TT"),
     ("Hong Kong", "HK"), ("Macao", "MO"), ("Burma", "MM"), ("Myanmar", "MM"),
     ("Côte d’Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("Ivory Coast", "CI"),
     ("The Netherlands", "NL"), ("The Gambia", "GM"), ("Czech Republic", "CZ"),
     ("Czechia", "CZ"), ("Turkey", "TR"), ("South Korea", "KR"), ("Viet Nam", "VN"),
     ("Democratic Republic of the Congo", "CD"), ("United Kingdom", "GB"), ("uk", "GB")],
)  # fmt: skip
def test_everyday_country_names_are_known(typed, iso):
    """ISO 3166 short names and everyday ones, not only as Babel writes them ("St. … & …")."""
    from followup_xl import localize

    assert localize.country_code(typed) == iso


def test_a_country_no_list_knows_stays_as_typed():
    """Not guessed at: the R9 finding then names the cell to retype."""
    from followup_xl import localize

    assert localize.country_code("Deutschland") == "DEUTSCHLAND"
    assert localize.country_code("Congo") == "CONGO"  # two countries: the user must say which


def test_the_posts_own_words_in_an_address_are_not_shouting(tmp_path):
    """Mail to Åland: its layout's own "ÅLAND" line and the country line are no finding."""
    from followup_xl.cli import main

    interview = {"Interview ID": "AX-1", "Company": "Skärgård Ab", "Position": "Editor",
                 "Interview Date": date(2026, 11, 24), "Status": "Interviewed",
                 "Company Street": "Torggatan 2", "Company City": "Mariehamn",
                 "Company ZIP": "22100", "Company Country": "Åland Islands",
                 "Strengths": "ten years of editing"}  # fmt: skip
    person = {"Contact ID": "C1", "Interview ID": "AX-1", "First Name": "Eva",
              "Last Name": "Lind", "Preferred Channel": "Mail",
              "Personal Note": "the ferry timetable"}  # fmt: skip
    path = make_workbook(tmp_path / "t.xlsx", interviews=[interview], contacts=[person],
                         profile={"Country": "GB"})  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-25",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (letter,) = out.glob("*Eva Lind.docx")
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "MARIEHAMN" in text and "ÅLAND" in text
    report = (out / "2026-11-25 Proofreading.txt").read_text(encoding="utf-8")
    assert "shouting" not in report and "R9 address" not in report, report
