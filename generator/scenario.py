"""The scenario: every realism rate of the simulated hospital, as named defaults.

Defaults follow the published figures in DATA_MODEL.md ("Realism"). A user can change any
of them with ``--scenario FILE.json`` (a JSON object of field names and values); unknown
names are refused.
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
