"""Build generator/reference/icd10_long_tail.csv: the broad, long-tailed part of the
diagnosis code list, from the public ICD-10-CM code set shipped by the PyPI package
``simple-icd-10-cm`` (a dev dependency; the generator never imports it, it reads the file).

    make icd-reference        # rewrites the file; review its diff like any change
    python scripts/build_icd_reference.py OTHER.csv   # writes elsewhere

The hand-curated codes of ``icd10_codes.csv`` (the common ones, with their weights,
complaints and seasons) stay as they are. This script adds, for each department, the
billable codes of the ICD-10-CM categories that department treats (``FAMILIES`` below:
category ranges, departments, the chief complaint a patient would give, a total weight),
at most ``PER_CATEGORY`` codes of each category, each with:

- its official description (from the package, never edited);
- the sex and ages it fits, by rules a coder would apply (``fit``): pregnancy and
  gynaecological codes for women aged 12-55 or women, prostate and male genital codes for
  men, perinatal and newborn codes for the first year, dementia for the old, cancers and
  chronic adult diseases for adults...;
- a weight: the family's weight spread over its codes, unequally (a stable hash of the
  code), unspecified codes three times as likely: the tail is long, no code dominates.

Injuries and poisonings keep their initial encounter (7th character A) only; accidental
poisonings and adverse effects only (no self-harm or assault); no external-cause (V-Y) codes.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "generator" / "reference"
OUT = REFERENCE / "icd10_long_tail.csv"
CORE = REFERENCE / "icd10_codes.csv"
COLUMNS = ("code", "description", "departments", "sex", "min_age", "max_age", "weight",
           "seasonal", "secondary", "complaint")  # fmt: skip
PER_CATEGORY = 4
# the families' weights are in the units of icd10_codes.csv's; scaled so that the tail
# holds about a third of the primary diagnoses and the curated common codes the rest
TAIL_FACTOR = 0.6
MAX_AGE = 110


@dataclass(frozen=True)
class Family:
    """ICD-10-CM categories ``first``..``last`` (3 characters), the departments that see
    them, the chief complaint, and the weight all their codes share."""

    first: str
    last: str
    departments: str
    complaint: str
    weight: float


# fmt: off
FAMILIES = (
    # infections
    Family("A00", "A09", "GAST|EMER|PEDS|MEDS", "Diarrhea", 6),
    Family("A15", "A19", "PULM|MEDS", "Cough", 1.5),
    Family("A30", "A49", "MEDS|ICU|EMER", "Fever", 4),
    Family("A50", "A64", "FMED|OBGY|UROL", "Genital sores", 1.5),
    Family("A65", "A99", "MEDS|FMED", "Fever", 1),
    Family("B00", "B09", "FMED|PEDS|DERM|EMER", "Rash", 5),
    Family("B15", "B19", "GAST|MEDS", "Jaundice", 2),
    Family("B20", "B20", "MEDS", "Follow-up", 0.8),
    Family("B25", "B34", "FMED|PEDS|MEDS", "Fever", 3),
    Family("B35", "B49", "DERM|FMED", "Skin rash", 4),
    Family("B50", "B89", "MEDS|FMED|DERM", "Fever", 1.5),
    Family("B95", "B97", "MEDS|ICU", "Infection", 1),
    # neoplasms
    Family("C00", "C14", "ONCO", "Mouth sore", 1.2),
    Family("C15", "C26", "ONCO|GAST|SURG", "Abdominal pain", 5),
    Family("C30", "C39", "ONCO|PULM", "Cough", 3),
    Family("C40", "C41", "ONCO|ORTH", "Bone pain", 0.8),
    Family("C43", "C44", "DERM|ONCO", "Skin lesion", 3),
    Family("C45", "C49", "ONCO", "Lump", 1),
    Family("C4A", "C4A", "DERM|ONCO", "Skin lesion", 0.3),
    Family("C50", "C50", "ONCO|SURG", "Breast lump", 3),
    Family("C51", "C58", "ONCO|OBGY", "Pelvic pain", 2.5),
    Family("C60", "C63", "ONCO|UROL", "Urinary problems", 2),
    Family("C64", "C68", "ONCO|UROL", "Blood in urine", 2),
    Family("C69", "C72", "ONCO|NEUR", "Headache", 1),
    Family("C73", "C80", "ONCO|ENDO", "Lump", 1.5),
    Family("C81", "C96", "ONCO|MEDS", "Fatigue", 4),
    Family("D00", "D09", "ONCO|DERM|OBGY", "Abnormal test result", 1.5),
    Family("D10", "D36", "GAST|DERM|SURG|OBGY|ENDO", "Lump", 4),
    Family("D37", "D49", "ONCO", "Abnormal test result", 1.5),
    # blood and immune
    Family("D50", "D64", "MEDS|FMED|ONCO", "Fatigue", 4),
    Family("D65", "D77", "MEDS|ONCO|ICU", "Bleeding", 2.5),
    Family("D80", "D89", "MEDS", "Recurrent infections", 0.8),
    # endocrine and metabolic
    Family("E00", "E07", "ENDO|FMED", "Thyroid problem", 4),
    Family("E08", "E13", "ENDO|MEDS|FMED", "Diabetes follow-up", 6),
    Family("E15", "E35", "ENDO", "Hormone problem", 3),
    Family("E40", "E68", "ENDO|FMED|MEDS", "Weight problem", 2.5),
    Family("E70", "E89", "ENDO|MEDS|NEPH|ICU", "Abnormal test result", 4),
    # mental and behavioural
    Family("F01", "F09", "PSYC|NEUR|MEDS", "Memory loss", 2),
    Family("F10", "F19", "PSYC|EMER|MEDS", "Substance use", 5),
    Family("F20", "F29", "PSYC", "Hearing voices", 2),
    Family("F30", "F39", "PSYC|FMED", "Low mood", 5),
    Family("F40", "F48", "PSYC|FMED", "Anxiety", 5),
    Family("F50", "F69", "PSYC", "Behaviour problem", 2),
    Family("F80", "F98", "PSYC|PEDS", "Behaviour problem", 2.5),
    # nervous system
    Family("G00", "G14", "NEUR|ICU", "Headache", 1.5),
    Family("G20", "G37", "NEUR", "Tremor", 3),
    Family("G40", "G47", "NEUR|EMER|FMED", "Headache", 6),
    Family("G50", "G65", "NEUR|ORTH", "Numbness", 4),
    Family("G70", "G99", "NEUR|ICU", "Weakness", 3),
    # eye and ear (no eye or ENT clinic: seen in family medicine, paediatrics, the ED)
    Family("H00", "H11", "FMED|PEDS|EMER", "Eye redness", 4),
    Family("H15", "H59", "FMED|NEUR", "Vision problem", 2),
    Family("H60", "H95", "FMED|PEDS|EMER", "Ear pain", 5),
    # circulatory
    Family("I05", "I09", "CARD", "Shortness of breath", 1.5),
    Family("I10", "I16", "CARD|MEDS|FMED|NEPH", "High blood pressure", 4),
    Family("I20", "I25", "CARD|MEDS|EMER", "Chest pain", 6),
    Family("I26", "I28", "CARD|PULM|MEDS", "Shortness of breath", 2),
    Family("I30", "I52", "CARD|MEDS|ICU", "Palpitations", 8),
    Family("I60", "I69", "NEUR|ICU|REHB", "Weakness", 5),
    Family("I70", "I79", "CARD|SURG", "Leg pain", 3),
    Family("I80", "I89", "CARD|MEDS|SURG|DERM", "Leg swelling", 4),
    Family("I95", "I99", "CARD|MEDS", "Dizziness", 1.5),
    # respiratory
    Family("J00", "J06", "FMED|PEDS|EMER", "Sore throat", 6),
    Family("J09", "J18", "PULM|MEDS|EMER|PEDS", "Cough", 6),
    Family("J20", "J22", "PULM|FMED|PEDS|EMER", "Cough", 3),
    Family("J30", "J39", "FMED|PULM", "Nasal congestion", 4),
    Family("J40", "J47", "PULM|MEDS|FMED", "Shortness of breath", 5),
    Family("J60", "J84", "PULM", "Shortness of breath", 2),
    Family("J85", "J99", "PULM|ICU|MEDS", "Shortness of breath", 3),
    # digestive
    Family("K00", "K14", "FMED|EMER", "Mouth pain", 2),
    Family("K20", "K31", "GAST|MEDS|FMED", "Heartburn", 5),
    Family("K35", "K46", "SURG|EMER", "Abdominal pain", 4),
    Family("K50", "K52", "GAST", "Diarrhea", 3),
    Family("K55", "K64", "GAST|SURG|MEDS", "Abdominal pain", 5),
    Family("K65", "K68", "SURG|ICU", "Abdominal pain", 1),
    Family("K70", "K77", "GAST|MEDS", "Jaundice", 3),
    Family("K80", "K87", "GAST|SURG", "Abdominal pain", 4),
    Family("K90", "K95", "GAST|SURG", "Abdominal pain", 1.5),
    # skin
    Family("L00", "L08", "DERM|EMER|SURG|FMED", "Skin redness", 4),
    Family("L10", "L45", "DERM", "Skin rash", 5),
    Family("L49", "L75", "DERM", "Skin problem", 4),
    Family("L76", "L99", "DERM|SURG", "Skin lesion", 3),
    # musculoskeletal
    Family("M00", "M14", "ORTH|MEDS|EMER", "Joint pain", 4),
    Family("M15", "M19", "ORTH|FMED|REHB", "Joint pain", 5),
    Family("M20", "M25", "ORTH|REHB", "Joint pain", 6),
    Family("M26", "M36", "MEDS|ORTH", "Joint pain", 1.5),
    Family("M40", "M54", "ORTH|FMED|REHB|NEUR", "Back pain", 6),
    Family("M60", "M79", "ORTH|REHB|FMED", "Muscle pain", 6),
    Family("M80", "M94", "ORTH|ENDO|REHB", "Bone pain", 3),
    Family("M95", "M99", "ORTH|REHB", "Back pain", 1),
    # genitourinary
    Family("N00", "N16", "NEPH", "Swelling", 2),
    Family("N17", "N19", "NEPH|MEDS|ICU", "Abnormal kidney test", 2),
    Family("N20", "N29", "UROL|NEPH|EMER", "Flank pain", 3),
    Family("N30", "N39", "UROL|FMED|EMER", "Urinary problems", 5),
    Family("N40", "N53", "UROL", "Urinary problems", 4),
    Family("N60", "N65", "OBGY|SURG", "Breast lump", 1.5),
    Family("N70", "N77", "OBGY|FMED", "Pelvic pain", 3),
    Family("N80", "N98", "OBGY", "Pelvic pain", 6),
    Family("N99", "N99", "UROL|SURG", "Urinary problems", 0.5),
    # pregnancy (women 12-55)
    Family("O00", "O08", "OBGY|EMER", "Pregnancy bleeding", 2),
    Family("O09", "O16", "OBGY", "Pregnancy follow-up", 4),
    Family("O20", "O29", "OBGY", "Pregnancy follow-up", 4),
    Family("O30", "O48", "OBGY", "Pregnancy follow-up", 4),
    Family("O60", "O77", "OBGY", "Labor", 2),
    Family("O85", "O92", "OBGY", "Postpartum care", 2),
    Family("O94", "O9A", "OBGY", "Pregnancy follow-up", 3),
    # perinatal (the first year)
    Family("P00", "P04", "PEDS", "Newborn care", 1),
    Family("P05", "P15", "PEDS", "Newborn care", 1.5),
    Family("P19", "P29", "PEDS|ICU", "Breathing problems", 1),
    Family("P35", "P39", "PEDS|ICU", "Fever", 1),
    Family("P50", "P61", "PEDS", "Jaundice", 2),
    Family("P70", "P96", "PEDS", "Newborn care", 2),
    # congenital
    Family("Q00", "Q07", "NEUR|PEDS", "Follow-up", 0.5),
    Family("Q20", "Q28", "CARD|PEDS", "Heart murmur", 1),
    Family("Q35", "Q45", "PEDS|SURG", "Follow-up", 0.5),
    Family("Q50", "Q56", "OBGY|UROL", "Follow-up", 0.5),
    Family("Q60", "Q64", "NEPH|UROL|PEDS", "Follow-up", 0.5),
    Family("Q65", "Q79", "ORTH|PEDS", "Follow-up", 1),
    Family("Q80", "Q99", "PEDS|DERM", "Follow-up", 0.5),
    # symptoms and findings
    Family("R00", "R09", "EMER|CARD|PULM|FMED", "Shortness of breath", 6),
    Family("R10", "R19", "EMER|GAST|FMED", "Abdominal pain", 6),
    Family("R20", "R23", "DERM|FMED|NEUR", "Skin problem", 2),
    Family("R25", "R29", "NEUR|REHB|EMER", "Weakness", 3),
    Family("R30", "R39", "UROL|FMED", "Urinary problems", 3),
    Family("R40", "R46", "NEUR|EMER|PSYC", "Confusion", 3),
    Family("R47", "R49", "NEUR", "Speech problem", 1),
    Family("R50", "R69", "EMER|MEDS|FMED", "Fever", 5),
    Family("R70", "R94", "MEDS|FMED|ENDO", "Abnormal test result", 5),
    # injuries (initial encounter)
    Family("S00", "S19", "EMER|NEUR", "Head injury", 8),
    Family("S20", "S39", "EMER|SURG", "Injury", 4),
    Family("S40", "S69", "EMER|ORTH", "Arm injury", 10),
    Family("S70", "S99", "EMER|ORTH", "Leg injury", 10),
    Family("T15", "T34", "EMER", "Injury", 4),
    Family("T36", "T65", "EMER|ICU", "Poisoning", 5),
    Family("T66", "T78", "EMER", "Injury", 2),
    Family("T79", "T88", "SURG|EMER|MEDS", "Complication", 3),
    # factors influencing health status
    Family("Z00", "Z13", "FMED|PEDS", "Check-up", 6),
    Family("Z20", "Z29", "FMED|PEDS", "Vaccination", 2),
    Family("Z30", "Z37", "OBGY", "Pregnancy follow-up", 2.5),
    Family("Z39", "Z39", "OBGY", "Postpartum care", 0.5),
    Family("Z40", "Z53", "SURG|REHB|ONCO|MEDS", "Follow-up", 4),
    Family("Z55", "Z65", "FMED|PSYC", "Social concerns", 1),
    Family("Z66", "Z99", "FMED|MEDS", "Follow-up", 3),
)
# fmt: on

# Codes whose meaning fits only women or only men (besides the categories below)
FEMALE_WORDS = re.compile(
    r"\b(female|uter\w*|ovar\w*|cervi[cx]\w*|vagin\w*|vulv\w*|endometri\w*|fallopian|"
    r"menstrua\w*|menopaus\w*|pregnan\w*|puerper\w*|lactat\w*|maternal)",
    re.I,
)
MALE_WORDS = re.compile(r"\b(male|prostat\w*|testi\w*|scrot\w*|penis|penile|epididym\w*)", re.I)
FEMALE_CATEGORIES = ("C51", "C52", "C53", "C54", "C55", "C56", "C57", "C58", "D06", "D25",
                     "D26", "D27", "D28", "D39", "Q50", "Q51", "Q52", "Z30", "Z31", "Z32",
                     "Z33", "Z34", "Z36", "Z37", "Z39", "Z3A")  # fmt: skip
MALE_CATEGORIES = ("C60", "C61", "C62", "C63", "D29", "D40", "Q53", "Q54", "Q55")
# (category prefixes, youngest, oldest): the ages a code fits
AGE_RULES = (
    (("P", "Z38", "Z00.11"), 0, 0),
    (("Z00.12", "Z00.13"), 0, 17),
    (("O", "Z3"), 12, 55),
    (("F01", "F02", "F03", "G30", "G31.0", "G31.1", "R41.81", "R54"), 60, MAX_AGE),
    (("M80", "M81", "N40", "N95", "Z12.31"), 40, MAX_AGE),
    (("C", "D0", "D3", "D4", "I20", "I21", "I22", "I23", "I24", "I25", "I48", "I50", "I70",
      "I71", "J43", "J44", "M15", "M16", "M17", "M18", "M19", "N18", "E11", "E78", "Z00.0",
      "Z12.11", "Z13.6", "Z79", "Z95", "Z96"), 18, MAX_AGE),
)  # fmt: skip
# words a description must not hold: other encounters than the first, intent other than
# accident or adverse effect, codes meant for other settings
EXCLUDED_WORDS = re.compile(
    r"subsequent encounter|sequela|intentional self-harm|assault|undetermined|"
    r"underdosing|child abuse|adult abuse|maltreatment|legal intervention|war operations|"
    r"coma scale",
    re.I,
)


def fit(code: str, description: str) -> tuple[str, int, int]:
    """(sex F / M / any, youngest, oldest) a code fits."""
    sex = "any"
    if code.startswith(("O", *FEMALE_CATEGORIES)) or FEMALE_WORDS.search(description):
        sex = "F"
    elif code.startswith(MALE_CATEGORIES) or MALE_WORDS.search(description):
        sex = "M"
    if code.startswith(("N40", "N41", "N42", "N43", "N44", "N45", "N46", "N47", "N48", "N49",
                        "N50", "N51", "N52", "N53")):  # fmt: skip
        sex = "M"
    if code.startswith(("N7", "N8", "N90", "N91", "N92", "N93", "N94", "N95", "N96", "N97",
                        "N98")):  # fmt: skip
        sex = "F"
    lo, hi = 0, MAX_AGE
    for prefixes, young, old in AGE_RULES:
        if code.startswith(prefixes):
            lo, hi = young, old
            break
    # words narrow the ages further, never widen them
    if re.search(r"\b(newborn|neonat\w*|perinatal)\b", description, re.I):
        hi = 0
    elif re.search(r"\b(juvenile|childhood|infant\w*)\b", description, re.I):
        hi = min(hi, 17)
    elif re.search(r"\b(senile|age-related)\b", description, re.I):
        lo = max(lo, 60)
    return sex, min(lo, hi), hi


def _stable_unit(code: str) -> float:
    """A number in (0, 1] fixed for each code (independent of Python's hash seed)."""
    return (int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) + 1) / 2**32


def _wanted(code: str, description: str) -> bool:
    """A billable code the tail may hold: an injury or poisoning at its first encounter,
    accidental poisonings and adverse effects only."""
    if EXCLUDED_WORDS.search(description):
        return False
    if code[0] in "ST" and len(code) == 8 and not code.endswith("A"):
        return False
    return not (
        code[0] == "T"
        and "poisoning" in description.lower()
        and "accidental" not in description.lower()
    )


def _pick(codes: list[str], descriptions: list[str], k: int) -> list[str]:
    """At most ``k`` of a category's codes, the ones a coder reaches for first: unspecified
    codes, then the least detailed (shortest), in ICD order."""
    ranked = sorted(
        range(len(codes)),
        key=lambda i: ("unspecified" not in descriptions[i].lower(), len(codes[i]), codes[i]),
    )
    return sorted(codes[i] for i in ranked[:k])


def tail_rows(icd, core_codes: set[str]) -> list[dict[str, str]]:
    """One row per long-tail code: every family's categories, at most PER_CATEGORY codes of
    each, none of the curated core."""
    by_category: dict[str, list[str]] = {}
    for code in dict.fromkeys(icd.get_all_codes(True)):  # the package lists a few twice
        if icd.is_leaf(code) and code not in core_codes:
            by_category.setdefault(code[:3], []).append(code)
    rows = []
    for fam in FAMILIES:
        cats = sorted(c for c in by_category if fam.first <= c <= fam.last)
        chosen = []
        for cat in cats:
            codes = [c for c in by_category[cat] if _wanted(c, icd.get_description(c))]
            chosen += _pick(codes, [icd.get_description(c) for c in codes], PER_CATEGORY)
        shares = [_stable_unit(c) ** 2 * (3 if "unspecified" in icd.get_description(c) else 1)
                  for c in chosen]  # fmt: skip
        total = sum(shares)
        for code, share in zip(chosen, shares, strict=True):
            description = icd.get_description(code)
            sex, lo, hi = fit(code, description)
            rows.append({
                "code": code, "description": description, "departments": fam.departments,
                "sex": sex if sex != "any" else "any", "min_age": str(lo), "max_age": str(hi),
                "weight": f"{max(TAIL_FACTOR * fam.weight * share / total, 0.0005):.4f}",
                "seasonal": "Y" if "J00" <= code[:3] <= "J22" else "N",
                "secondary": "N", "complaint": fam.complaint,
            })  # fmt: skip
    return rows


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd
    with CORE.open(newline="", encoding="utf-8") as fh:
        core = {r["code"] for r in csv.DictReader(fh)}
    rows = tail_rows(icd, core)
    seen: set[str] = set()
    for code in (r["code"] for r in rows):
        if code in seen:
            print(f"{code} belongs to two families: make their ranges disjoint", file=sys.stderr)
            return 2
        seen.add(code)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{out}: {len(rows)} codes from {len(FAMILIES)} families")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
