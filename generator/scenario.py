"""The scenario: every realism rate of the simulated hospital, as named defaults.

Defaults follow the published figures in docs/data_model.md ("Realism targets"). A user can
change any of them with ``--scenario FILE.json`` (a JSON object of field names and values).

Each setting is declared once, with its kind and range: ``rate(0.18)`` is a number from 0 to
1, ``number(3.6, 0, 40)`` a finite number in a range, ``whole(90, 0, 365)`` a whole number,
``shares(...)`` numbers >= 0 summing to 1, ``weights(...)`` numbers >= 0 with a positive sum,
``percents({...})`` blood types summing to 100, ``rates(...)`` a fixed number of rates from 0
to 1 (a prevalence per age band). :func:`problems` checks a file's values
against these declarations and the rules across settings (:data:`RULES`), so a new setting
needs one line. Bad values are refused before anything runs, never half-way.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BLOOD_TYPES = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")


@dataclass(frozen=True)
class Kind:
    """What one setting accepts: its kind, range and, for sequences, its length."""

    kind: str  # number | whole | shares | weights | percents | rates
    lo: float = 0.0
    hi: float = 1.0
    length: int = 0

    def describe(self) -> str:
        lo, hi = f"{self.lo:g}", f"{self.hi:g}"
        return {
            "number": f"a number from {lo} to {hi}",
            "whole": f"a whole number from {lo} to {hi}",
            "shares": f"a list of {self.length} numbers >= 0 summing to 1",
            "weights": f"a list of {self.length} numbers >= 0, not all 0",
            "rates": f"a list of {self.length} numbers from 0 to 1",
            "percents": f"a map of blood types ({', '.join(BLOOD_TYPES)}) to percents "
            "summing to 100",
        }[self.kind]


def _setting(default: Any, kind: Kind) -> Any:
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"kind": kind})
    return field(default=default, metadata={"kind": kind})


def rate(default: float) -> Any:
    return _setting(default, Kind("number", 0, 1))


def number(default: float, lo: float, hi: float) -> Any:
    return _setting(default, Kind("number", lo, hi))


def whole(default: int, lo: int, hi: int) -> Any:
    return _setting(default, Kind("whole", lo, hi))


def shares(default: tuple[float, ...]) -> Any:
    return _setting(default, Kind("shares", length=len(default)))


def weights(default: tuple[float, ...]) -> Any:
    return _setting(default, Kind("weights", length=len(default)))


def rates(default: tuple[float, ...]) -> Any:
    return _setting(default, Kind("rates", length=len(default)))


def percents(default: dict[str, float]) -> Any:
    return _setting(default, Kind("percents"))


@dataclass(frozen=True)
class Scenario:
    # --- people
    female_share: float = rate(0.51)
    # age bands at the end of the window: 0-17, 18-44, 45-64, 65+
    age_band_shares: tuple[float, float, float, float] = shares((0.22, 0.36, 0.25, 0.17))
    # percent of patients per ABO/Rh type: any of the eight, summing to 100
    blood_type_shares: dict[str, float] = percents(  # noqa: RUF009 (a field(), copied)
        {
            "O+": 37.4,
            "A+": 35.7,
            "B+": 8.5,
            "AB+": 3.4,
            "O-": 6.6,
            "A-": 6.3,
            "B-": 1.5,
            "AB-": 0.6,
        }
    )
    # share of the reference window's patients already registered when it opens; the others
    # register over its two years, and as many patients a year leave (generator/people.py)
    registered_before_start: float = rate(0.825)
    # share of patients who move house in a year (a baby moves with its mother): the Census
    # Current Population Survey (CPS ASEC 2021) found 8.4 % of people aged 1 and over living
    # in another home than a year before, 4.9 % of them in the same county; the new home is
    # drawn from the catchment area (generator/moves.py)
    patient_move_rate: float = number(0.084, 0, 0.5)
    # --- allergies
    penicillin_allergy_rate: float = number(0.10, 0, 0.99)
    any_allergy_rate: float = rate(0.25)
    # --- insurance (patients under 65; nearly everybody 65+ is on Medicare)
    medicare_share_65_plus: float = rate(0.97)
    medicaid_share_under_65: float = rate(0.20)
    self_pay_share_under_65: float = rate(0.09)
    medicare_advantage_share: float = rate(0.48)
    medigap_share: float = rate(0.20)
    policy_change_rate: float = rate(0.12)
    # --- staff
    annual_turnover: float = number(0.10, 0, 0.9)
    # --- outpatient clinic (generator/scheduling.py)
    appointments_per_patient_year: float = number(3.6, 1, 40)
    no_show_rate: float = rate(0.18)
    cancellation_rate: float = rate(0.10)
    telehealth_share: float = rate(0.15)
    booking_lead_days_mean: float = number(16.0, 1, 180)
    # relative no-show risk by booking lead time (days from booking to the appointment day:
    # 0-7, 8-30, 31+) and by age on the day (0-17, 18-44, 45-64, 65+); they only spread
    # no_show_rate, which stays the overall rate (the longer the wait, the likelier a
    # no-show; children's and young adults' bookings are missed most, the elderly's least)
    no_show_risk_by_lead_days: tuple[float, float, float] = weights((0.6, 1.0, 1.5))
    no_show_risk_by_age: tuple[float, float, float, float] = weights((1.3, 1.15, 0.85, 0.6))
    # bookings made before the end date for days up to this many days after it (status SCHD)
    future_booking_horizon_days: int = whole(90, 0, 365)
    post_discharge_followup_rate: float = rate(0.55)
    # --- emergency department
    ed_visits_per_patient_year: float = number(1.0, 0.2, 10)
    ed_admit_rate: float = rate(0.20)
    # share of emergency arrivals placed in an observation stay instead of a plain ED visit
    observation_share_of_ed: float = rate(0.06)
    ed_weekend_factor: float = number(0.88, 0.1, 3)
    # relative arrivals per hour of day, 00:00 .. 23:00: late-morning and evening peaks
    ed_hourly_profile: tuple[float, ...] = weights(
        (
            2.2,
            1.8,
            1.5,
            1.3,
            1.2,
            1.3,
            1.8,
            2.8,
            4.0,
            5.0,
            5.6,
            5.9,
            5.7,
            5.4,
            5.2,
            5.1,
            5.2,
            5.5,
            5.8,
            5.9,
            5.4,
            4.6,
            3.6,
            2.8,
        )
    )
    # --- inpatient care
    elective_admissions_per_patient_year: float = number(0.05, 0, 2)
    births_per_woman_year_15_44: float = number(0.035, 0, 0.3)
    # every live delivery registers its baby (generator/newborns.py): twins now and then, a
    # few more boys than girls, neonatal jaundice and late preterm births coded on the stay
    twin_share_of_births: float = rate(0.015)
    newborn_male_share: float = rate(0.51)
    # of live births, delivered by cesarean section (US about 32 %); the others vaginally
    cesarean_share: float = rate(0.32)
    newborn_jaundice_rate: float = rate(0.10)
    newborn_preterm_rate: float = rate(0.08)
    inpatient_los_mean_days: float = number(4.8, 1, 30)
    inpatient_los_sigma: float = number(0.8, 0.05, 2)
    icu_share_of_admissions: float = rate(0.10)
    # extra chance that an inpatient stay is followed by a readmission within 30 days
    readmission_rate: float = rate(0.13)
    # relative length of stay and readmission risk by age at admission (0-17, 18-44, 45-64,
    # 65+) and by acuity (ESI 1, 2, 3: admitted patients are triaged 1-3); they only spread
    # inpatient_los_mean_days and readmission_rate, which stay the overall mean and rate
    los_factor_by_age: tuple[float, float, float, float] = weights((0.7, 0.85, 1.0, 1.25))
    los_factor_by_esi: tuple[float, float, float] = weights((1.35, 1.1, 0.9))
    readmission_risk_by_age: tuple[float, float, float, float] = weights((0.45, 0.75, 1.0, 1.45))
    readmission_risk_by_esi: tuple[float, float, float] = weights((1.6, 1.25, 0.75))
    # relative readmission risk by the number of the data model's chronic conditions the
    # patient has active at admission (0, 1, 2, 3+): it spreads readmission_rate too
    readmission_risk_by_chronic_count: tuple[float, float, float, float] = weights(
        (0.7, 1.0, 1.3, 1.7)
    )
    # in-hospital death: base chance per stay, times age and ICU factors
    inpatient_mortality: float = number(0.011, 0, 0.2)
    # --- seasonality: winter peak of respiratory diagnoses and of emergency arrivals
    respiratory_winter_amplitude: float = number(0.8, 0, 1)
    ed_winter_amplitude: float = number(0.12, 0, 1)
    # --- clinical activity per visit (generator/clinical.py)
    secondary_diagnoses_base: float = number(0.3, 0, 5)
    secondary_diagnoses_per_year_of_age: float = number(0.025, 0, 0.1)
    treatments_per_outpatient_visit: float = number(0.9, 0, 10)
    treatments_per_ed_visit: float = number(2.6, 1, 10)
    treatments_per_inpatient_day: float = number(1.0, 0, 10)
    doses_per_outpatient_visit: float = number(0.5, 0, 10)
    doses_per_ed_visit: float = number(2.6, 0, 20)
    doses_per_inpatient_day: float = number(9.0, 0, 30)
    dose_held_rate: float = rate(0.045)
    dose_refused_rate: float = rate(0.025)
    # --- patients with histories (generator/conditions.py): chronic conditions per patient,
    # the diagnosed prevalence by age at the window's start, 0-17 / 18-44 / 45-64 / 65+
    # (CDC / NHANES orders of magnitude, docs/data_model.md "Patients with histories")
    prevalence_hypertension: tuple[float, ...] = rates((0.0, 0.10, 0.35, 0.60))
    prevalence_type2_diabetes: tuple[float, ...] = rates((0.0, 0.03, 0.13, 0.24))
    prevalence_hyperlipidemia: tuple[float, ...] = rates((0.0, 0.08, 0.30, 0.45))
    prevalence_obesity: tuple[float, ...] = rates((0.06, 0.12, 0.18, 0.15))
    prevalence_asthma: tuple[float, ...] = rates((0.06, 0.08, 0.08, 0.07))
    prevalence_copd: tuple[float, ...] = rates((0.0, 0.01, 0.06, 0.11))
    prevalence_chronic_kidney_disease: tuple[float, ...] = rates((0.0, 0.01, 0.05, 0.18))
    prevalence_heart_failure: tuple[float, ...] = rates((0.0, 0.002, 0.02, 0.08))
    prevalence_atrial_fibrillation: tuple[float, ...] = rates((0.0, 0.002, 0.015, 0.09))
    prevalence_depression: tuple[float, ...] = rates((0.02, 0.09, 0.09, 0.06))
    prevalence_osteoarthritis: tuple[float, ...] = rates((0.0, 0.01, 0.12, 0.33))
    prevalence_hypothyroidism: tuple[float, ...] = rates((0.005, 0.03, 0.06, 0.10))
    # share of the hypothyroid patients who are women (the band's prevalence is kept)
    hypothyroidism_female_share: float = rate(0.80)
    # how strongly the cardiometabolic conditions cluster (diabetes, hypertension,
    # hyperlipidemia, obesity, kidney disease, heart failure, atrial fibrillation): the
    # correlation of their latent risks (0: independent)
    chronic_cluster_correlation: float = rate(0.45)
    # share of the conditions whose onset falls inside the window (the others began before)
    chronic_onset_in_window_share: float = rate(0.08)
    # chance that an active condition is coded as a secondary diagnosis on the patient's
    # first visit with it active, then on an inpatient, observation or emergency visit, and
    # on a clinic or video visit
    chronic_coded_on_first_visit: float = rate(0.95)
    chronic_coded_on_acute_visit: float = rate(0.80)
    chronic_coded_on_clinic_visit: float = rate(0.18)
    # ... and type 2 diabetes on a clinic or video visit of a department that treats it (its
    # code is one of the department's primary codes): the clinic manages and monitors it
    diabetes_coded_in_own_clinic: float = rate(0.9)
    # chance that a clinic visit of a department treating one of the patient's active
    # conditions has that condition as its primary diagnosis
    chronic_primary_in_own_clinic: float = rate(0.25)
    # share of the patients with a condition who come back to a clinic for it at its cadence
    # (conditions.FOLLOWUP_CADENCES: days between visits, departments), those visits' primary
    # diagnosis the patient's code; the spread of a cadence (its standard deviation over
    # it); the patient's random follow-up, annual, consult or video appointments each such
    # visit replaces, at most
    chronic_followup_share: float = rate(0.65)
    chronic_followup_spread: float = number(0.15, 0, 0.5)
    chronic_followup_replaces: float = number(3.0, 0, 5)
    # chance that an emergency visit sent home is followed up in a clinic with its code: an
    # injury in orthopedics 7-21 days later (the injury share), else an infection rechecked
    # in family medicine (paediatrics for children) 5-14 days later
    ed_followup_rate: float = rate(0.08)
    ed_followup_injury_share: float = rate(0.55)
    # chance that an inpatient or observation stay coded with a condition gets its usual
    # medicine (diabetes: an antidiabetic; others: their class, where the formulary has one)
    diabetic_stay_antidiabetic_rate: float = rate(0.90)
    chronic_stay_usual_medicine_rate: float = rate(0.65)
    # chance that a clinic visit (in person) or an inpatient stay coded with diabetes, in a
    # department that tests it, orders a hemoglobin A1c (besides the tests any visit may draw)
    hba1c_per_diabetic_visit: float = rate(0.45)
    # --- revenue cycle
    claim_denial_rate: float = rate(0.06)
    # of the denied claims: won on appeal (paid 60-180 days after the bill), paid after a
    # corrected resubmission (45-120 days); the others (most: few denials are ever
    # reworked) are never paid
    denial_appeal_won_rate: float = rate(0.20)
    denial_resubmitted_rate: float = rate(0.20)
    insurer_pay_days_min: int = whole(30, 1, 365)
    insurer_pay_days_max: int = whole(60, 1, 365)
    # share of clean claims the insurer pays late: after insurer_pay_days_max, up to
    # insurer_late_days_max days after the bill (shorter delays likelier)
    insurer_late_share: float = rate(0.12)
    insurer_late_days_max: int = whole(240, 2, 730)
    patient_nonpayment_rate: float = rate(0.05)
    write_off_after_days: int = whole(120, 1, 730)
    # --- supply chain
    inventory_discrepancy_rate: float = rate(0.02)
    # reorder review: on the first weekday of every quarter each item's reorder level and
    # quantity are set again from its use over the last quarter when that use differs from
    # the use its settings were sized for by more than this share (generator/supply_chain.py)
    supply_review_threshold: float = number(0.25, 0.01, 10)
    vendor_payment_lateness_mean_days: float = number(4.0, -30, 90)
    vendor_payment_lateness_sd_days: float = number(9.0, 0, 60)

    @property
    def commercial_share_under_65(self) -> float:
        return 1.0 - self.medicaid_share_under_65 - self.self_pay_share_under_65

    @classmethod
    def from_file(cls, path: Path) -> Scenario:
        """The default scenario with a JSON file's overrides; ValueError names every problem."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
        except RecursionError:
            raise ValueError("the file nests too deeply") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        if not isinstance(data, dict):
            raise ValueError("a scenario file holds one JSON object of setting names and values")
        found = problems(data)
        if found:
            raise ValueError("; ".join(found))
        kinds = setting_kinds()
        values = {k: _typed(v, kinds[k]) for k, v in data.items()}
        return dataclasses.replace(cls(), **values)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _typed(value: Any, kind: Kind) -> Any:
    """A checked JSON value as the dataclass holds it: lists as tuples, whole numbers as int."""
    if isinstance(value, list):
        return tuple(float(v) for v in value)
    if kind.kind == "whole":
        return int(value)
    if kind.kind == "number":
        return float(value)
    return {k: float(v) for k, v in value.items()}


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows; give a finite number")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _value_ok(kind: Kind, value: Any) -> bool:
    if kind.kind in ("number", "whole"):
        if not _is_number(value) or not kind.lo <= value <= kind.hi:
            return False
        return kind.kind == "number" or float(value).is_integer()
    if kind.kind == "percents":
        return (
            isinstance(value, dict)
            and bool(value)
            and set(value) <= set(BLOOD_TYPES)
            and all(_is_number(v) and v >= 0 for v in value.values())
            and abs(sum(value.values()) - 100) <= 0.01
        )
    if not (
        isinstance(value, list)
        and len(value) == kind.length
        and all(_is_number(v) and v >= 0 for v in value)
    ):
        return False
    if kind.kind == "rates":
        return all(v <= 1 for v in value)
    total = sum(value)
    return abs(total - 1) <= 1e-6 if kind.kind == "shares" else total > 0


# Rules across settings: (what must hold, a check over the merged values)
RULES: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    (
        "penicillin_allergy_rate must not exceed any_allergy_rate",
        lambda v: v["penicillin_allergy_rate"] <= v["any_allergy_rate"],
    ),
    (
        "medicaid_share_under_65 + self_pay_share_under_65 must not exceed 1",
        lambda v: v["medicaid_share_under_65"] + v["self_pay_share_under_65"] <= 1,
    ),
    (
        "no_show_rate + cancellation_rate must not exceed 1",
        lambda v: v["no_show_rate"] + v["cancellation_rate"] <= 1,
    ),
    (
        "dose_held_rate + dose_refused_rate must not exceed 1",
        lambda v: v["dose_held_rate"] + v["dose_refused_rate"] <= 1,
    ),
    (
        "insurer_pay_days_min must not exceed insurer_pay_days_max",
        lambda v: v["insurer_pay_days_min"] <= v["insurer_pay_days_max"],
    ),
    (
        "insurer_pay_days_max must be below insurer_late_days_max",
        lambda v: v["insurer_pay_days_max"] < v["insurer_late_days_max"],
    ),
    (
        "denial_appeal_won_rate + denial_resubmitted_rate must not exceed 1",
        lambda v: v["denial_appeal_won_rate"] + v["denial_resubmitted_rate"] <= 1,
    ),
]


def setting_kinds() -> dict[str, Kind]:
    """Every setting's declared kind, by name."""
    return {f.name: f.metadata["kind"] for f in dataclasses.fields(Scenario)}


def problems(data: dict[str, Any]) -> list[str]:
    """Every problem of a scenario's overrides, one short sentence each (none: valid)."""
    kinds = setting_kinds()
    found = [f"unknown setting {_show(k)}" for k in data if k not in kinds]
    for name, value in data.items():
        if name in kinds and not _value_ok(kinds[name], value):
            found.append(f"{name} must be {kinds[name].describe()}, got {_show(value)}")
    if found:
        return found
    merged = {**dataclasses.asdict(Scenario()), **data}
    return [rule for rule, holds in RULES if not holds(merged)]
