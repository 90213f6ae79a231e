"""Write followup_xl/data/countries.txt: the ISO 3166-1 country codes and their English names.

Run `python tools/make_countries.py` (needs pycountry, which carries Debian's iso-codes data)
and commit the result. The names are ISO 3166-1's own, which change only when ISO changes a
country, not with a library's display-name release. Each line: the alpha-2 code, the alpha-3
code, then every English name ISO gives (short name, official name, common name), tab-separated.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "followup_xl" / "data" / "countries.txt"


def main() -> None:
    """Write the table, one country a line, sorted by code."""
    data = json.loads(files("pycountry").joinpath("databases/iso3166-1.json").read_text("utf-8"))
    lines = ["# ISO 3166-1 from iso-codes (via pycountry); written by tools/make_countries.py"]
    for entry in sorted(data["3166-1"], key=lambda e: e["alpha_2"]):
        names = [entry["name"]]
        for key in ("official_name", "common_name"):
            if entry.get(key) and entry[key] not in names:
                names.append(entry[key])
        lines.append("\t".join([entry["alpha_2"], entry["alpha_3"], *names]))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} countries")


if __name__ == "__main__":
    main()
