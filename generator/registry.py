"""The one description of every raw table the hospital ERP exports.

Each table is declared once, below, as a compact column list:

    NAME  TYPE  [FLAGS...]  description

TYPE is one of ``str``, ``int``, ``money`` (two decimals), ``qty`` (three decimals),
``date``, ``ts`` (timestamp to the second), ``time``, ``flag`` (``Y``/``N``).
FLAGS are ``pk`` (the primary key), ``null`` (may be empty), ``>CODE`` (a foreign key to
table CODE), ``>CODE~`` (a foreign key filled after CODE is generated: it breaks a
parent/child cycle), and ``{A|B|C}`` (the accepted codes).

Everything else reads from here: the generator's writer (column order and Arrow types),
the dbt seed ``column_types`` and the staging YAML (checked by tests), and the order of
generation (parents before children).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "money": pa.decimal128(14, 2),
    "qty": pa.decimal128(14, 3),
    "date": pa.date32(),
    "ts": pa.timestamp("s"),
    "time": pa.time32("s"),
    "flag": pa.string(),
}

# How dbt declares each type for the seed loader and the DuckDB loader.
SQL_TYPES: dict[str, str] = {
    "str": "varchar",
    "int": "bigint",
    "money": "decimal(14,2)",
    "qty": "decimal(14,3)",
    "date": "date",
    "ts": "timestamp",
    "time": "time",
    "flag": "varchar",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = False
    primary_key: bool = False
    references: str | None = None
    deferred: bool = False
    values: tuple[str, ...] | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    code: str
    name: str
    grain: str
    columns: tuple[Column, ...] = field(repr=False)

    @property
    def file_stem(self) -> str:
        return f"ehp_{self.code.lower()}"

    @property
    def primary_key(self) -> str:
        (key,) = (c.name for c in self.columns if c.primary_key)
        return key

    @cached_property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type, c.nullable) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def foreign_keys(self) -> list[Column]:
        return [c for c in self.columns if c.references]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.code} has no column {name}")


_LINE = re.compile(
    r"^(?P<name>[A-Z0-9_]+)\s+(?P<type>\w+)\s+(?P<flags>(?:\S+\s+)*?)(?P<desc>[A-Z].*)$"
)

AUDIT = """
REC_CRTD_TS  ts  When the ERP created the record
REC_UPDT_TS  ts  When the ERP last updated the record
"""


def _table(code: str, name: str, grain: str, spec: str) -> Table:
    columns = []
    for raw in (spec + AUDIT).strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m or m["type"] not in ARROW_TYPES:
            raise ValueError(f"bad column line in {code}: {line!r}")
        flags = m["flags"].split()
        values = next((f for f in flags if f.startswith("{")), None)
        ref = next((f for f in flags if f.startswith(">")), None)
        columns.append(
            Column(
                name=m["name"],
                type=m["type"],
                description=m["desc"].strip(),
                nullable="null" in flags,
                primary_key="pk" in flags,
                references=ref.strip(">~") if ref else None,
                deferred=bool(ref and ref.endswith("~")),
                values=tuple(values.strip("{}").split("|")) if values else None,
            )
        )
    return Table(code, name, grain, tuple(columns))


_TABLES = [
    _table(
        "DPMT",
        "departments",
        "One row per hospital department.",
        """
DPMT_ID            str   pk                  Department key
DPMT_CD            str                       Short department code
DPMT_NM            str                       Department name
DPMT_TYP_CD        str   {CLIN|SUPP|ADMN}    Department type: clinical, support or administrative
DPMT_BLDG_CD       str                       Building the department sits in
DPMT_FLR_NO        int                       Floor number
DPMT_CST_CTR_CD    str                       Finance cost centre
DPMT_HEAD_STFF_ID  str   null >STFF~         Head of department
DPMT_PHN_NO        str                       Department phone number (fictional 555-01xx range)
DPMT_ACTV_FLG      flag  {Y|N}               Whether the department is active
""",
    ),
    _table(
        "STFF",
        "staff",
        "One row per employee.",
        """
STFF_ID            str   pk                  Staff key
STFF_EMP_NO        str                       Employee number
STFF_FRST_NM       str                       First name
STFF_LAST_NM       str                       Last name
STFF_SEX_CD        str   {F|M}               Sex
STFF_BRTH_DT       date                      Birth date
STFF_ROLE_CD       str   {PHYS|SURG|RN|NP|PA|PHRM|TECH|THER|ADMN}  Job role
STFF_SPCLTY_CD     str   null                Clinical specialty (clinicians only)
STFF_NPI_NO        str   null                National Provider Identifier (licensed clinicians; never a real one)
STFF_LIC_NO        str   null                State licence number (licensed clinicians; a format no state issues)
DPMT_ID            str   >DPMT               Home department
STFF_HIRE_DT       date                      Hire date
STFF_TERM_DT       date  null                Termination date
STFF_SHFT_CD       str   {DAY|EVE|NGT|ROT}   Usual shift
STFF_EMPL_TYP_CD   str   {FT|PT|PRN|CTR}     Employment type: full time, part time, per diem, contractor
STFF_ANNL_SLRY_AMT money                     Annual salary in dollars
STFF_EMAIL_ADDR    str                       Work email (reserved example domain)
STFF_PHN_NO        str                       Phone number (fictional 555-01xx range)
STFF_STS_CD        str   {ACTV|LOA|TERM}     Employment status at the extract date
""",
    ),
    _table(
        "PATN",
        "patients",
        "One row per registered patient.",
        """
PATN_ID                 str   pk             Patient key
PATN_MRN                str                  Medical record number
PATN_FRST_NM            str                  First name
PATN_MDL_NM             str   null           Middle name
PATN_LAST_NM            str                  Last name
PATN_SEX_CD             str   {F|M}          Sex at birth
PATN_BRTH_DT            date                 Birth date
PATN_SSN_NO             str                  Social security number (an area never issued)
PATN_ADDR_LN1           str                  Street address
PATN_CITY_NM            str                  City
PATN_ST_CD              str                  State
PATN_ZIP_CD             str                  ZIP code
PATN_PHN_NO             str                  Phone number (fictional 555-01xx range)
PATN_EMAIL_ADDR         str   null           Email (reserved example domain)
PATN_MRTL_STS_CD        str   {S|M|D|W|P}    Marital status: single, married, divorced, widowed, partner
PATN_BLD_TYP_CD         str   {O+|O-|A+|A-|B+|B-|AB+|AB-}  ABO/Rh blood type
PATN_LANG_CD            str   {EN|ES|ZH|VI|TL|AR|FR|KO|RU|HT}  Preferred language
PATN_EMRG_CNTCT_NM      str   null           Emergency contact name
PATN_EMRG_CNTCT_PHN_NO  str   null           Emergency contact phone (fictional 555-01xx range)
PATN_EMRG_CNTCT_REL_CD  str   null {SPS|PAR|CHD|SIB|FRD|OTH}  Emergency contact's relationship
PATN_RGST_DT            date                 Registration date
PATN_DTH_DT             date  null           Death date
PATN_ACTV_FLG           flag  {Y|N}          Whether the record is active
PATN_MTHR_PATN_ID       str   null >PATN     Mother (for a baby born in the hospital; empty for everyone else)
""",
    ),
    _table(
        "ALGY",
        "allergy master",
        "One row per allergen in the allergy catalog.",
        """
ALGY_ID            str   pk                  Allergen key
ALGY_CD            str                       Allergen code
ALGY_NM            str                       Allergen name
ALGY_CTGY_CD       str   {DRUG|FOOD|ENVR|LATX|INSC}  Category: drug, food, environmental, latex, insect
ALGY_DRUG_CLS_CD   str   null                Drug class the allergen covers (drug allergens only)
""",
    ),
    _table(
        "PTAL",
        "patient allergies",
        "One row per patient and allergen.",
        """
PTAL_ID               str   pk               Patient allergy key
PATN_ID               str   >PATN            Patient
ALGY_ID               str   >ALGY            Allergen
PTAL_SVRTY_CD         str   {MILD|MOD|SEV}   Severity
PTAL_RCTN_CD          str   {RASH|HIVES|ANAPH|SWELL|GI|RESP}  Reaction
PTAL_ONST_DT          date  null             Onset date, when known
PTAL_RCRD_DT          date                   Date the allergy was recorded
PTAL_RCRD_BY_STFF_ID  str   >STFF            Staff member who recorded it
PTAL_STS_CD           str   {ACTV|INAC|RSLV} Status: active, inactive (entered in error), resolved
""",
    ),
    _table(
        "INSR",
        "insurance policies",
        "One row per insurance policy held by a patient.",
        """
INSR_ID            str   pk                  Policy key
PATN_ID            str   >PATN               Policy holder
INSR_PYR_NM        str                       Payer name
INSR_PYR_TYP_CD    str   {MCR|MCD|COM}       Payer type: Medicare, Medicaid, commercial (self-pay patients hold no policy)
INSR_PLAN_TYP_CD   str   {HMO|PPO|EPO|POS|HDHP|FFS|MA}  Plan type
INSR_MBR_ID        str                       Member id (a format no payer issues)
INSR_GRP_NO        str   null                Group number (employer plans)
INSR_CVRG_PCT      int                       Share of allowed charges the payer covers, in percent
INSR_COPAY_AMT     money                     Copay per visit in dollars
INSR_DDCT_AMT      money                     Annual deductible in dollars
INSR_EFF_DT        date                      Effective date
INSR_END_DT        date  null                End date
INSR_PRMY_FLG      flag  {Y|N}               Whether this is the patient's primary policy
""",
    ),
    _table(
        "ROMS",
        "rooms",
        "One row per room.",
        """
ROMS_ID            str   pk                  Room key
DPMT_ID            str   >DPMT               Department owning the room
ROMS_NO            str                       Room number
ROMS_TYP_CD        str   {EXAM|WARD|PRIV|ICU|OR|EDBY|IMGN|LAB}  Room type
ROMS_BED_CNT       int                       Number of beds (0 for rooms without beds)
ROMS_DLY_RT_AMT    money                     Daily room rate in dollars (0 for rooms not billed by the day)
ROMS_FLR_NO        int                       Floor number
ROMS_STS_CD        str   {AVL|MNT|CLS}       Status: available, under maintenance, closed
""",
    ),
    _table(
        "EQPM",
        "equipment",
        "One row per equipment asset.",
        """
EQPM_ID            str   pk                  Equipment key
EQPM_ASST_TAG      str                       Asset tag
EQPM_TYP_CD        str                       Equipment type
EQPM_NM            str                       Equipment name
EQPM_MFR_NM        str                       Manufacturer
EQPM_MDL_NM        str                       Model
EQPM_SRL_NO        str                       Serial number
DPMT_ID            str   >DPMT               Department owning the asset
ROMS_ID            str   null >ROMS          Room the asset is installed in
EQPM_SPLR_VNDR_ID  str   >VNDR               Supplier
EQPM_PRCH_DT       date                      Purchase date
EQPM_PRCH_CST_AMT  money                     Purchase cost in dollars
EQPM_WRNTY_END_DT  date                      Warranty end date
EQPM_LAST_MNT_DT   date  null                Last maintenance date
EQPM_NEXT_MNT_DT   date  null                Next scheduled maintenance date
EQPM_STS_CD        str   {INSV|MNT|RTRD}     Status: in service, in maintenance, retired
""",
    ),
    _table(
        "VNDR",
        "vendors",
        "One row per vendor.",
        """
VNDR_ID            str   pk                  Vendor key
VNDR_NM            str                       Company name
VNDR_CTGY_CD       str   {PHRM|MSRG|EQPT|LAB|SRVC}  Category: pharma, medical-surgical supply, equipment, lab, services
VNDR_TAX_ID        str                       Tax id (a format the IRS does not issue)
VNDR_CNTCT_NM      str                       Contact person
VNDR_PHN_NO        str                       Phone number (fictional 555-01xx range)
VNDR_EMAIL_ADDR    str                       Email (reserved example domain)
VNDR_ADDR_LN1      str                       Street address
VNDR_CITY_NM       str                       City
VNDR_ST_CD         str                       State
VNDR_ZIP_CD        str                       ZIP code
VNDR_PYMT_TRMS_CD  str   {NET30|NET45|NET60|NET90}  Payment terms
VNDR_ONBRD_DT      date                      Onboarding date
VNDR_ACTV_FLG      flag  {Y|N}               Whether the vendor is active
""",
    ),
    _table(
        "SPLY",
        "supplies",
        "One row per stocked supply item.",
        """
SPLY_ID            str   pk                  Supply key
SPLY_SKU           str                       Stock keeping unit
SPLY_NM            str                       Item name
SPLY_CTGY_CD       str                       Supply category
SPLY_UOM_CD        str   {EA|BX|CS|PK|BT|RL}  Unit of measure
SPLY_UNIT_CST_AMT  money                     Cost per unit of measure in dollars
SPLY_RORD_LVL_QTY  int                       Reorder level: reorder when closing stock falls below it
SPLY_RORD_QTY      int                       Quantity ordered on each reorder
SPLY_LEAD_DAYS     int                       Vendor lead time in days
SPLY_STRG_LOC_CD   str                       Storage location
SPLY_LATX_FLG      flag  {Y|N}               Whether the item contains latex
SPLY_PRF_VNDR_ID   str   >VNDR               Preferred vendor
""",
    ),
    _table(
        "MDCN",
        "medicines",
        "One row per formulary item.",
        """
MDCN_ID             str   pk                 Medicine key
MDCN_FRML_CD        str                      Internal formulary code
MDCN_BRND_NM        str                      Brand name (invented)
MDCN_GNRC_NM        str                      Generic name (invented)
MDCN_THRP_CLS_CD    str                      Therapeutic class
MDCN_DRUG_CLS_CD    str                      Drug class, as the allergy catalog names it
MDCN_SCHD_CD        str   {RX|OTC|C2|C3|C4|C5}  Prescription status or controlled-substance schedule
MDCN_FORM_CD        str   {TAB|CAP|INJ|SOL|SUSP|CRM|INH|PTCH}  Dosage form
MDCN_STRNGTH_QTY    qty                      Strength
MDCN_STRNGTH_UNIT_CD str  {MG|MCG|MG_ML|UNIT_ML|PCT}  Strength unit
MDCN_ROUTE_CD       str   {PO|IV|IM|SC|TOP|INH|TD}  Default route
MDCN_STRG_CD        str   {ROOM|REFR|FRZN|VAULT}  Storage requirement
MDCN_UNIT_CST_AMT   money                    Cost per dose unit in dollars
MDCN_MFR_VNDR_ID    str   >VNDR              Manufacturer
MDCN_ACTV_FLG       flag  {Y|N}              Whether the item is on formulary
""",
    ),
    _table(
        "APPT",
        "appointments",
        "One row per appointment booking.",
        """
APPT_ID             str   pk                 Appointment key
PATN_ID             str   >PATN              Patient
APPT_PRVDR_STFF_ID  str   >STFF              Provider booked
DPMT_ID             str   >DPMT              Department
ROMS_ID             str   null >ROMS         Exam room (empty for telehealth)
APPT_TYP_CD         str   {NEW|FLUP|ANNL|CONS|PROC|TELE}  Appointment type
APPT_SCHD_DT        date                     Scheduled date
APPT_STRT_TM        time                     Scheduled start time
APPT_DUR_MIN        int                      Scheduled duration in minutes
APPT_BKD_TS         ts                       When the booking was made
APPT_STS_CD         str   {COMP|NOSH|CANC|SCHD}  Status: completed, no-show, cancelled, scheduled (future)
APPT_RSN_TXT        str                      Reason for the appointment
APPT_CHKIN_TS       ts    null               Check-in time (completed appointments)
APPT_CANC_TS        ts    null               When the booking was cancelled
""",
    ),
    _table(
        "VIST",
        "visits",
        "One row per patient encounter.",
        """
VIST_ID             str   pk                 Visit key
PATN_ID             str   >PATN              Patient
APPT_ID             str   null >APPT         Appointment the visit came from (empty for walk-ins, emergencies, direct admits)
VIST_ATND_STFF_ID   str   >STFF              Attending provider
DPMT_ID             str   >DPMT              Department
ROMS_ID             str   null >ROMS         Room or bed
VIST_TYP_CD         str   {OUTP|INPT|EMER|OBSV|TELE}  Visit type
VIST_ADMT_TS        ts                       Admission or arrival time
VIST_DSCH_TS        ts    null               Discharge time (empty while the patient is still in)
VIST_ADMT_SRC_CD    str   {CLIN|ED|REF|TRNS|SELF|BRTH}  Admission source (BRTH: born in the hospital)
VIST_DSCH_DISP_CD   str   null {HOME|HHC|SNF|TRNS|AMA|EXPD|ADMT}  Discharge disposition (ADMT: admitted as inpatient)
VIST_CHF_CMPLT_TXT  str                      Chief complaint
VIST_ESI_LVL        int   null               Emergency Severity Index 1-5 (emergency visits)
""",
    ),
    _table(
        "DIAG",
        "diagnoses",
        "One row per diagnosis recorded on a visit.",
        """
DIAG_ID             str   pk                 Diagnosis key
VIST_ID             str   >VIST              Visit
DIAG_ICD10_CD       str                      ICD-10-CM code
DIAG_DESC_TXT       str                      ICD-10-CM description
DIAG_TYP_CD         str   {ADMT|PRIM|SECD}   Type: admitting, primary, secondary
DIAG_SEQ_NO         int                      Sequence on the visit
DIAG_DT             date                     Diagnosis date
DIAG_POA_CD         str   null {Y|N|U|W}     Present on admission (inpatients)
DIAG_BY_STFF_ID     str   >STFF              Diagnosing clinician
""",
    ),
    _table(
        "TRTM",
        "treatments",
        "One row per procedure, therapy, lab test or imaging study.",
        """
TRTM_ID             str   pk                 Treatment key
VIST_ID             str   >VIST              Visit
DIAG_ID             str   >DIAG              Diagnosis the treatment addresses
TRTM_PRF_BY_STFF_ID str   >STFF              Performing staff member
ROMS_ID             str   null >ROMS         Room
TRTM_CD             str                      Chargemaster or HCPCS Level II code
TRTM_DESC_TXT       str                      Description
TRTM_TYP_CD         str   {PROC|SURG|THER|LAB|IMGN}  Type
TRTM_STRT_TS        ts                       Start
TRTM_END_TS         ts                       End
TRTM_CHRG_AMT       money                    Charge in dollars
TRTM_OUTC_CD        str   {SUCC|PART|COMP|NORM|ABNL}  Outcome: successful, partial, complication, normal result, abnormal result
""",
    ),
    _table(
        "MEDT",
        "medical team assignments",
        "One row per staff member assigned to a visit.",
        """
MEDT_ID             str   pk                 Team assignment key
VIST_ID             str   >VIST              Visit
STFF_ID             str   >STFF              Staff member
MEDT_ROLE_CD        str   {ATND|RES|RN|ANES|CNSL|PHRM}  Role on the team
MEDT_ASGN_TS        ts                       Assigned
MEDT_RLS_TS         ts    null               Released (empty while the visit is open)
MEDT_LEAD_FLG       flag  {Y|N}              Whether the member leads the team
""",
    ),
    _table(
        "TMMD",
        "medicine administrations",
        "One row per dose ordered in a visit.",
        """
TMMD_ID               str   pk               Administration key
VIST_ID               str   >VIST            Visit
MDCN_ID               str   >MDCN            Medicine
TMMD_ORDR_BY_STFF_ID  str   >STFF            Ordering clinician
TMMD_ADMN_BY_STFF_ID  str   >STFF            Administering nurse or pharmacist
TMMD_DOSE_QTY         qty                    Dose
TMMD_DOSE_UNIT_CD     str   {MG|MCG|ML|UNIT|APPL|PUFF|PTCH}  Dose unit
TMMD_ROUTE_CD         str   {PO|IV|IM|SC|TOP|INH|TD}  Route
TMMD_ADMN_TS          ts                     Administered (or scheduled, if held or refused)
TMMD_STS_CD           str   {GIVN|HELD|RFSD} Status: given, held, refused
TMMD_CHRG_AMT         money                  Charge in dollars (0 unless given)
""",
    ),
    _table(
        "BILL",
        "bills",
        "One row per billed visit.",
        """
BILL_ID             str   pk                 Bill key
BILL_NO             str                      Bill number
VIST_ID             str   >VIST              Visit billed
PATN_ID             str   >PATN              Patient
INSR_ID             str   null >INSR         Policy billed (empty for self-pay)
BILL_DT             date                     Bill date
BILL_DUE_DT         date                     Due date
BILL_TOT_CHRG_AMT   money                    Total charges in dollars
BILL_INSR_CVRD_AMT  money                    Amount the insurer covers
BILL_CNTR_ADJ_AMT   money                    Contractual adjustment
BILL_PATN_RESP_AMT  money                    Patient responsibility
BILL_WRTF_AMT       money                    Patient balance written off
BILL_STS_CD         str   {OPEN|PART|PAID|DND|WOFF}  Status: open, partially paid, paid, denied, written off
BILL_CLM_NO         str   null               Insurance claim number
""",
    ),
    _table(
        "MDBL",
        "bill lines",
        "One row per charge line on a bill.",
        """
MDBL_ID             str   pk                 Bill line key
BILL_ID             str   >BILL              Bill
MDBL_LN_NO          int                      Line number on the bill
MDBL_SVC_TYP_CD     str   {ROOM|TRTM|MEDN|CONS|LAB|SPLY}  Service type
MDBL_CHRG_CD        str                      Chargemaster code
MDBL_DESC_TXT       str                      Description
TRTM_ID             str   null >TRTM         Treatment billed
TMMD_ID             str   null >TMMD         Dose billed
MDBL_SVC_DT         date                     Service date
MDBL_QTY            int                      Quantity
MDBL_UNIT_PRC_AMT   money                    Unit price in dollars
MDBL_LN_AMT         money                    Line amount in dollars
""",
    ),
    _table(
        "PMNT",
        "payments",
        "One row per payment received against a bill.",
        """
PMNT_ID             str   pk                 Payment key
BILL_ID             str   >BILL              Bill
PATN_ID             str   >PATN              Patient
PMNT_DT             date                     Payment date
PMNT_AMT            money                    Amount in dollars
PMNT_PYR_TYP_CD     str   {INSR|PATN}        Who paid: insurer or patient
PMNT_MTHD_CD        str   {EFT|CHK|CARD|CASH}  Payment method
PMNT_TXN_REF        str                      Transaction reference
""",
    ),
    _table(
        "INVN",
        "daily inventory",
        "One row per supply item per day.",
        """
INVN_ID              str   pk                Inventory row key
SPLY_ID              str   >SPLY             Supply item
INVN_DT              date                    Day
INVN_OPEN_QTY        int                     Opening stock
INVN_RCVD_QTY        int                     Quantity received
INVN_USED_QTY        int                     Quantity used
INVN_ADJ_QTY         int                     Adjustment found on verification (negative for shrinkage)
INVN_CLS_QTY         int                     Closing stock
INVN_PO_NO           str   null              Purchase order received that day
INVN_VRFD_BY_STFF_ID str   null >STFF        Staff member who verified the count
INVN_VRFD_TS         ts    null              When the count was verified
INVN_VRFY_STS_CD     str   {VRFD|DISC|PEND}  Verification: verified, discrepancy booked, pending
""",
    ),
    _table(
        "VPMT",
        "vendor payments",
        "One row per vendor invoice.",
        """
VPMT_ID             str   pk                 Vendor invoice key
VNDR_ID             str   >VNDR              Vendor
VPMT_INV_NO         str                      Vendor's invoice number
VPMT_INV_DT         date                     Invoice date
VPMT_PO_NO          str                      Purchase order invoiced
VPMT_INV_AMT        money                    Invoice amount in dollars
VPMT_DUE_DT         date                     Due date under the vendor's terms
VPMT_PD_AMT         money                    Amount paid in dollars
VPMT_PMNT_DT        date  null               Payment date
VPMT_MTHD_CD        str   null {ACH|CHK|WIRE}  Payment method
VPMT_STS_CD         str   {PAID|PEND|OVRD}   Status: paid, pending (not yet due), overdue
""",
    ),
]

TABLES: dict[str, Table] = {t.code: t for t in _TABLES}


def generation_order() -> list[str]:
    """Table codes, parents before children (deferred references do not count)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(code: str, path: tuple[str, ...]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            raise ValueError(f"cycle in table references: {' -> '.join((*path, code))}")
        state[code] = 1
        for col in TABLES[code].foreign_keys:
            if not col.deferred and col.references != code:
                visit(col.references, (*path, code))
        state[code] = 2
        order.append(code)

    for code in TABLES:
        visit(code, ())
    return order
