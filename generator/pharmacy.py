"""The allergy catalog and the formulary of invented medicines."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator import reference
from generator.columns import Masked, cat, digits, keys
from generator.core import Context, audit

# route a dosage form allows, and the default for it
ROUTES_BY_FORM = {
    "TAB": ("PO",),
    "CAP": ("PO",),
    "SUSP": ("PO",),
    "SOL": ("PO", "IV"),
    "INJ": ("IV", "IM", "SC"),
    "CRM": ("TOP",),
    "INH": ("INH",),
    "PTCH": ("TD",),
}
SC_CLASSES = {"INSULIN", "ANTICOAGULANT"}
IM_CLASSES = {"VACCINE"}
IV_SOLUTION_CLASSES = {"IV_FLUID", "ELECTROLYTE"}
# storage a dosage form allows (controlled substances always go to the vault)
STORAGE_BY_FORM = {
    "TAB": ("ROOM",),
    "CAP": ("ROOM",),
    "INH": ("ROOM",),
    "PTCH": ("ROOM",),
    "CRM": ("ROOM", "REFR"),
    "SUSP": ("ROOM", "REFR"),
    "SOL": ("ROOM", "REFR"),
    "INJ": ("ROOM", "REFR", "FRZN"),
}
CONTROLLED = ("C2", "C3", "C4", "C5")
UNIT_BY_FORM = {
    "TAB": "MG",
    "CAP": "MG",
    "SUSP": "MG_ML",
    "SOL": "MG_ML",
    "INJ": "MG_ML",
    "CRM": "PCT",
    "INH": "MCG",
    "PTCH": "MCG",
}
FORMULARY_SIZE = 400


def allergens(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("ALGY")
    rows = reference.rows("allergens")
    n = len(rows)
    drug_class = reference.column("allergens", "drug_class")
    created = (
        ctx.start_ts
        - np.timedelta64(3000, "D")
        + r.integers(0, 86_400 * 900, n).astype("timedelta64[s]")
    )
    return {
        "ALGY_ID": keys("AL", np.arange(n), 4, salt=8),
        "ALGY_CD": reference.column("allergens", "code"),
        "ALGY_NM": reference.column("allergens", "name"),
        "ALGY_CTGY_CD": reference.column("allergens", "category"),
        "ALGY_DRUG_CLS_CD": Masked(drug_class, drug_class == b""),
        **audit(ctx, created),
    }


def route_for(form: str, therapeutic_class: str) -> str:
    if form == "INJ":
        return (
            "SC"
            if therapeutic_class in SC_CLASSES
            else "IM"
            if therapeutic_class in IM_CLASSES
            else "IV"
        )
    if form == "SOL" and therapeutic_class in IV_SOLUTION_CLASSES:
        return "IV"
    return ROUTES_BY_FORM[form][0]


def storage_for(form: str, class_storage: str, schedule: str) -> str:
    if schedule in CONTROLLED:
        return "VAULT"
    allowed = STORAGE_BY_FORM[form]
    if class_storage in allowed:
        return class_storage
    return "REFR" if class_storage == "FRZN" and "REFR" in allowed else "ROOM"


def unit_for(form: str, class_unit: str) -> str:
    """The strength unit: the class's own where it suits the form (an injection labelled in
    percent or per vial in mg keeps it), the form's usual unit otherwise."""
    if form in ("TAB", "CAP") and class_unit in ("MG", "MCG"):
        return class_unit
    if form in ("INJ", "SOL"):
        return class_unit if class_unit != "MCG" else "MG_ML"
    return UNIT_BY_FORM[form]


def _invent_names(r: np.random.Generator, classes, counts) -> tuple[list[str], list[str]]:
    """Distinct generic names (syllable + the class stem) and brand names, per class."""
    syl = reference.rows("name_syllables")
    starts = [s["syllable"] for s in syl if s["position"] == "generic_start"]
    b1 = [s["syllable"] for s in syl if s["position"] == "brand_start"]
    b2 = [s["syllable"] for s in syl if s["position"] == "brand_end"]
    generics: list[str] = []
    brands: list[str] = []
    seen_g: set[str] = set()
    seen_b: set[str] = set()
    # master data of a few hundred rows: a plain loop keeps the uniqueness rule readable
    for c, k in zip(classes, counts, strict=True):
        stem = c["stem"]
        made = 0
        while made < k:
            s = starts[int(r.integers(len(starts)))]
            g = s + stem[1:] if stem.startswith("-") else stem.rstrip("-") + s
            if g in seen_g:
                s2 = starts[int(r.integers(len(starts)))]
                g = (
                    (s + s2[:2] + stem[1:])
                    if stem.startswith("-")
                    else (stem.rstrip("-") + s + s2[:2])
                )
                if g in seen_g:
                    continue
            b = (b1[int(r.integers(len(b1)))] + b2[int(r.integers(len(b2)))]).capitalize()
            while b in seen_b:
                b = (b1[int(r.integers(len(b1)))] + b2[int(r.integers(len(b2)))] + "x").capitalize()
            seen_g.add(g)
            seen_b.add(b)
            generics.append(g.lower())
            brands.append(b)
            made += 1
    return generics, brands


def medicines(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("MDCN")
    classes = reference.rows("medicine_classes")
    w = np.sqrt(np.array([float(c["weight"]) for c in classes]))
    n_generic = np.clip(np.round(FORMULARY_SIZE * 0.75 * w / w.sum()), 3, 30).astype(int)
    generics, brands = _invent_names(r, classes, n_generic)
    cls_of_generic = np.repeat(np.arange(len(classes)), n_generic)
    # each generic comes in one or two of its class's forms: one formulary item per form
    rows: list[tuple[int, int, str]] = []
    for g, ci in enumerate(cls_of_generic):
        forms = classes[ci]["forms"].split("|")
        k = 1 if len(forms) == 1 or r.random() < 0.6 else 2
        for f in r.choice(forms, k, replace=False):
            rows.append((g, int(ci), str(f)))
    n = len(rows)
    g_idx = np.array([x[0] for x in rows])
    c_idx = np.array([x[1] for x in rows])
    forms = [x[2] for x in rows]
    cl = [classes[i] for i in c_idx]
    strengths = [float(r.choice([float(s) for s in c["strengths"].split("|")])) for c in cl]
    cost_lo = np.array([float(c["unit_cost_min"]) for c in cl])
    cost_hi = np.array([float(c["unit_cost_max"]) for c in cl])
    cost = np.exp(np.log(cost_lo) + r.random(n) * (np.log(cost_hi) - np.log(cost_lo)))
    vendors = ctx.col("VNDR", "VNDR_ID")[ctx.col("VNDR", "VNDR_CTGY_CD") == b"PHRM"]
    form_name = {
        "TAB": "tablet",
        "CAP": "capsule",
        "SUSP": "suspension",
        "SOL": "solution",
        "INJ": "injection",
        "CRM": "cream",
        "INH": "inhaler",
        "PTCH": "patch",
    }
    created = (
        ctx.start_ts
        - np.timedelta64(2500, "D")
        + r.integers(0, 86_400 * 2400, n).astype("timedelta64[s]")  # all on the formulary
    )
    return {
        "MDCN_ID": keys("MD", np.arange(n), 5, salt=9),
        "MDCN_FRML_CD": cat("F", digits(np.arange(n) * 97 + 100_003, 6)),
        "MDCN_BRND_NM": np.array(
            [f"{brands[g]} {form_name[f]}" for g, f in zip(g_idx, forms, strict=True)], dtype="S"
        ),
        "MDCN_GNRC_NM": np.array([generics[g] for g in g_idx], dtype="S"),
        "MDCN_THRP_CLS_CD": np.array([c["therapeutic_class"] for c in cl], dtype="S"),
        "MDCN_DRUG_CLS_CD": np.array([c["drug_class"] for c in cl], dtype="S"),
        "MDCN_SCHD_CD": np.array([c["schedule"] for c in cl], dtype="S"),
        "MDCN_FORM_CD": np.array(forms, dtype="S"),
        "MDCN_STRNGTH_QTY": np.round(np.array(strengths) * 1000).astype(np.int64),
        "MDCN_STRNGTH_UNIT_CD": np.array(
            [unit_for(f, c["strength_unit"]) for f, c in zip(forms, cl, strict=True)], dtype="S"
        ),
        "MDCN_ROUTE_CD": np.array(
            [route_for(f, c["therapeutic_class"]) for f, c in zip(forms, cl, strict=True)],
            dtype="S",
        ),
        "MDCN_STRG_CD": np.array(
            [storage_for(f, c["storage"], c["schedule"]) for f, c in zip(forms, cl, strict=True)],
            dtype="S",
        ),
        "MDCN_UNIT_CST_AMT": np.maximum(1, np.round(cost * 100)).astype(np.int64),
        "MDCN_MFR_VNDR_ID": vendors[r.integers(0, len(vendors), n)],
        "MDCN_ACTV_FLG": np.where(r.random(n) < 0.96, b"Y", b"N"),
        **audit(ctx, created),
    }
