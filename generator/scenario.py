"""The scenario: every realism rate of the simulated hospital, as named defaults.

Defaults follow the published figures in docs/data_model.md ("Realism targets"). A user can
change any of them with ``--scenario FILE.json`` (a JSON object of field names and values);
unknown names are refused.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Scenario:
    # --- people
    female_share: float = 0.51
    # age bands at the end of the window: 0-17, 18-44, 45-64, 65+
    age_band_shares: tuple[float, float, float, float] = (0.22, 0.36, 0.25, 0.17)
    blood_type_shares: dict[str, float] = field(
        default_factory=lambda: {
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
    # share of patients already registered when the window opens
    registered_before_start: float = 0.65
    # --- allergies
    penicillin_allergy_rate: float = 0.10
    any_allergy_rate: float = 0.25
    # --- insurance (patients under 65; nearly everybody 65+ is on Medicare)
    medicare_share_65_plus: float = 0.97
    medicaid_share_under_65: float = 0.20
    self_pay_share_under_65: float = 0.09
    medicare_advantage_share: float = 0.48
    medigap_share: float = 0.20
    policy_change_rate: float = 0.12
    # --- staff
    annual_turnover: float = 0.10
    # --- outpatient clinic (generator/scheduling.py)
    appointments_per_patient_year: float = 3.6
    no_show_rate: float = 0.18
    cancellation_rate: float = 0.10
    telehealth_share: float = 0.15
    booking_lead_days_mean: float = 16.0
    # bookings made before the end date for days up to this many days after it (status SCHD)
    future_booking_horizon_days: int = 90
    post_discharge_followup_rate: float = 0.55
    # --- emergency department
    ed_visits_per_patient_year: float = 1.0
    ed_admit_rate: float = 0.20
    # share of emergency arrivals placed in an observation stay instead of a plain ED visit
    observation_share_of_ed: float = 0.06
    ed_weekend_factor: float = 0.88
    # relative arrivals per hour of day, 00:00 .. 23:00: late-morning and evening peaks
    ed_hourly_profile: tuple[float, ...] = (
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
    # --- inpatient care
    elective_admissions_per_patient_year: float = 0.05
    births_per_woman_year_15_44: float = 0.035
    inpatient_los_mean_days: float = 4.8
    inpatient_los_sigma: float = 0.8
    icu_share_of_admissions: float = 0.10
    # extra chance that an inpatient stay is followed by a readmission within 30 days
    readmission_rate: float = 0.13
    # in-hospital death: base chance per stay, times age and ICU factors
    inpatient_mortality: float = 0.011
    # --- seasonality: winter peak of respiratory diagnoses and of emergency arrivals
    respiratory_winter_amplitude: float = 0.8
    ed_winter_amplitude: float = 0.12
    # --- clinical activity per visit (generator/clinical.py)
    secondary_diagnoses_base: float = 0.3
    secondary_diagnoses_per_year_of_age: float = 0.025
    treatments_per_outpatient_visit: float = 0.9
    treatments_per_ed_visit: float = 2.6
    treatments_per_inpatient_day: float = 1.0
    doses_per_outpatient_visit: float = 0.5
    doses_per_ed_visit: float = 2.6
    doses_per_inpatient_day: float = 9.0
    dose_held_rate: float = 0.045
    dose_refused_rate: float = 0.025
    # --- revenue cycle
    claim_denial_rate: float = 0.06
    insurer_pay_days_min: int = 30
    insurer_pay_days_max: int = 60
    patient_nonpayment_rate: float = 0.05
    write_off_after_days: int = 120
    # --- supply chain
    inventory_discrepancy_rate: float = 0.02
    vendor_payment_lateness_mean_days: float = 4.0
    vendor_payment_lateness_sd_days: float = 9.0

    @property
    def commercial_share_under_65(self) -> float:
        return 1.0 - self.medicaid_share_under_65 - self.self_pay_share_under_65

    @classmethod
    def from_file(cls, path: Path) -> Scenario:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            raise ValueError("a scenario file holds one JSON object of field names and values")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown scenario fields: {', '.join(unknown)}")
        defaults = cls()
        for k, v in data.items():
            if isinstance(getattr(defaults, k), tuple):
                data[k] = tuple(v)
        return dataclasses.replace(defaults, **data)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)
