"""Invariants 11-14: bills, lines, payments, daily inventory and vendor invoices reconcile."""

from __future__ import annotations

import pytest
from helpers import scalar

END = "date '2024-12-31'"


def test_tables_have_rows(db):
    for t in ("bill", "mdbl", "pmnt", "invn", "vpmt"):
        assert scalar(db, f"select count(*) from {t}") > 0, t


def test_bill_total_is_the_sum_of_its_lines_and_lines_multiply(db):
    assert (
        scalar(db, "select count(*) from mdbl where mdbl_ln_amt <> mdbl_qty * mdbl_unit_prc_amt")
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from bill b left join
        (select bill_id, sum(mdbl_ln_amt) s from mdbl group by 1) l using (bill_id)
        where b.bill_tot_chrg_amt <> coalesce(l.s, 0)""",
        )
        == 0
    )
    assert scalar(db, "select count(*) - count(distinct (bill_id, mdbl_ln_no)) from mdbl") == 0


def test_each_treatment_and_given_dose_of_a_billed_visit_is_billed_once(db):
    assert (
        scalar(db, "select count(*) - count(distinct trtm_id) from mdbl where trtm_id is not null")
        == 0
    )
    assert (
        scalar(db, "select count(*) - count(distinct tmmd_id) from mdbl where tmmd_id is not null")
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from trtm t join bill b using (vist_id)
        where t.trtm_id not in (select trtm_id from mdbl where trtm_id is not null)""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from tmmd d join bill b using (vist_id)
        where d.tmmd_sts_cd = 'GIVN' and d.tmmd_id not in (select tmmd_id from mdbl where tmmd_id is not null)""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from mdbl l join tmmd d using (tmmd_id) where d.tmmd_sts_cd <> 'GIVN'""",
        )
        == 0
    )
    # a line bills something of its own bill's visit
    assert (
        scalar(
            db,
            """select count(*) from mdbl l join bill b using (bill_id) join trtm t using (trtm_id)
        where t.vist_id <> b.vist_id""",
        )
        == 0
    )


def test_room_lines_are_nights_times_the_daily_rate(db):
    bad = scalar(
        db,
        """select count(*) from mdbl l join bill b using (bill_id) join vist v using (vist_id)
        join roms r on r.roms_id = v.roms_id
        where l.mdbl_svc_typ_cd = 'ROOM' and (l.mdbl_unit_prc_amt <> r.roms_dly_rt_amt
           or l.mdbl_qty <> greatest(1, date_diff('day', v.vist_admt_ts::date, v.vist_dsch_ts::date)))""",
    )
    assert bad == 0
    inpatients_billed = scalar(
        db,
        "select count(*) from bill join vist using (vist_id) where vist_typ_cd = 'INPT' and roms_id is not null",
    )
    room_lines = scalar(
        db,
        "select count(*) from mdbl l join bill using (bill_id) join vist v using (vist_id) where l.mdbl_svc_typ_cd = 'ROOM' and v.vist_typ_cd = 'INPT'",
    )
    assert room_lines == inpatients_billed


def test_bill_amounts_add_up_and_payments_stay_within_them(db):
    assert (
        scalar(
            db,
            """select count(*) from bill where bill_tot_chrg_amt <>
        bill_insr_cvrd_amt + bill_cntr_adj_amt + bill_patn_resp_amt""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from bill where least(bill_insr_cvrd_amt, bill_cntr_adj_amt, bill_patn_resp_amt, bill_wrtf_amt) < 0",
        )
        == 0
    )
    paid = """with p as (select bill_id,
        coalesce(sum(pmnt_amt) filter (where pmnt_pyr_typ_cd = 'INSR'), 0) ins,
        coalesce(sum(pmnt_amt) filter (where pmnt_pyr_typ_cd = 'PATN'), 0) pat
        from pmnt group by 1)
        select count(*) from bill b left join p using (bill_id) where {cond}"""
    assert scalar(db, paid.format(cond="coalesce(p.ins, 0) > b.bill_insr_cvrd_amt")) == 0
    assert (
        scalar(db, paid.format(cond="coalesce(p.pat, 0) + b.bill_wrtf_amt > b.bill_patn_resp_amt"))
        == 0
    )
    settled = (
        "coalesce(p.ins, 0) = b.bill_insr_cvrd_amt and coalesce(p.pat, 0) = b.bill_patn_resp_amt"
    )
    assert scalar(db, paid.format(cond=f"(b.bill_sts_cd = 'PAID') <> ({settled})")) == 0
    assert (
        scalar(db, "select count(*) from bill where insr_id is null and bill_insr_cvrd_amt <> 0")
        == 0
    )


def test_money_dates_are_in_order(db):
    assert (
        scalar(
            db,
            """select count(*) from bill b join vist v using (vist_id)
        where v.vist_dsch_ts is null or b.bill_dt < v.vist_dsch_ts::date or b.bill_dt > date '2024-12-31'""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from pmnt p join bill b using (bill_id)
        where p.pmnt_dt < b.bill_dt or p.pmnt_dt > date '2024-12-31' or p.patn_id <> b.patn_id""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from bill b join insr i using (insr_id) where b.patn_id <> i.patn_id",
        )
        == 0
    )


def test_revenue_cycle_rates(db):
    lag = scalar(
        db,
        """select avg(p.pmnt_dt - b.bill_dt) from pmnt p join bill b using (bill_id)
        where p.pmnt_pyr_typ_cd = 'INSR'""",
    )
    assert 30 <= lag <= 60
    instalments = scalar(
        db,
        """select max(n) from (select bill_id, count(*) n from pmnt
        where pmnt_pyr_typ_cd = 'PATN' group by 1)""",
    )
    assert instalments <= 3
    old = "bill_dt <= date '2024-12-31' - interval 240 day and bill_patn_resp_amt > 0"
    wo = scalar(db, f"select avg((bill_wrtf_amt > 0)::int) from bill where {old}")
    assert 0.02 <= wo <= 0.09
    assert scalar(db, "select count(*) from bill where bill_sts_cd = 'OPEN'") > 0  # A/R is real


def test_inventory_rolls_forward_and_never_goes_negative(db):
    assert (
        scalar(
            db,
            """select count(*) from invn where invn_cls_qty <>
        invn_open_qty + invn_rcvd_qty - invn_used_qty + invn_adj_qty or invn_cls_qty < 0""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from (select invn_open_qty, lag(invn_cls_qty) over
        (partition by sply_id order by invn_dt) prev from invn) where prev is not null and prev <> invn_open_qty""",
        )
        == 0
    )
    days = scalar(db, "select count(distinct invn_dt) from invn")
    assert days == 731
    assert scalar(db, "select count(*) from invn") == days * scalar(db, "select count(*) from sply")
    assert (
        scalar(
            db, "select count(*) from invn where (invn_rcvd_qty > 0) <> (invn_po_no is not null)"
        )
        == 0
    )
    assert (
        scalar(
            db, "select count(*) from invn where (invn_adj_qty <> 0) and invn_vrfy_sts_cd <> 'DISC'"
        )
        == 0
    )


def test_restocking_follows_the_reorder_level(db):
    # an order is placed the day closing stock falls below the reorder level; it arrives
    # after the lead time; stock-outs are rare
    stockout_share = scalar(db, "select avg((invn_cls_qty = 0)::int) from invn")
    assert stockout_share < 0.03
    assert scalar(db, "select count(*) from invn where invn_rcvd_qty > 0") > 100


def test_daily_use_follows_clinical_volume(db):
    corr = scalar(
        db,
        """with use as (select invn_dt d, sum(invn_used_qty) u from invn group by 1),
        vis as (select vist_admt_ts::date d, count(*) v from vist where vist_typ_cd <> 'TELE' group by 1)
        select corr(u, v) from use join vis using (d)""",
    )
    assert corr > 0.5


def test_every_receipt_is_invoiced_once_by_the_supply_vendor(db):
    assert (
        scalar(
            db,
            """select count(*) from invn i join sply s using (sply_id)
        left join vpmt v on v.vpmt_po_no = i.invn_po_no
        where i.invn_rcvd_qty > 0 and (v.vpmt_id is null or v.vndr_id <> s.sply_prf_vndr_id
           or v.vpmt_inv_amt <> i.invn_rcvd_qty * s.sply_unit_cst_amt)""",
        )
        == 0
    )
    assert scalar(db, "select count(*) - count(distinct vpmt_po_no) from vpmt") == 0
    assert scalar(db, "select count(*) from vpmt") == scalar(
        db, "select count(*) from invn where invn_rcvd_qty > 0"
    )


@pytest.mark.parametrize("status", ["PAID", "PEND", "OVRD"])
def test_vendor_invoice_status(db, status):
    assert scalar(db, f"select count(*) from vpmt where vpmt_sts_cd = '{status}'") > 0
    assert (
        scalar(
            db,
            f"""select count(*) from vpmt where not (
        (vpmt_sts_cd = 'PAID' and vpmt_pmnt_dt between vpmt_inv_dt and {END} and vpmt_pd_amt = vpmt_inv_amt)
        or (vpmt_sts_cd = 'PEND' and vpmt_pmnt_dt is null and vpmt_due_dt >= {END} and vpmt_pd_amt = 0)
        or (vpmt_sts_cd = 'OVRD' and vpmt_pmnt_dt is null and vpmt_due_dt < {END} and vpmt_pd_amt = 0))""",
        )
        == 0
    )
    late = scalar(db, "select avg(vpmt_pmnt_dt - vpmt_due_dt) from vpmt where vpmt_sts_cd = 'PAID'")
    assert 0 <= late <= 10


# Invariants 11-14 as queries that must return 0, checked for several seeds and scales.
ZERO_QUERIES = {
    "line = qty x price": "select count(*) from mdbl where mdbl_ln_amt <> mdbl_qty * mdbl_unit_prc_amt",
    "total = sum of lines": """select count(*) from bill b left join (select bill_id, sum(mdbl_ln_amt) s
        from mdbl group by 1) l using (bill_id) where b.bill_tot_chrg_amt <> coalesce(l.s, 0)""",
    "total = covered + adjustment + patient": """select count(*) from bill where bill_tot_chrg_amt <>
        bill_insr_cvrd_amt + bill_cntr_adj_amt + bill_patn_resp_amt""",
    "each given dose billed once": """select count(*) from tmmd d join bill b using (vist_id)
        left join (select tmmd_id, count(*) n from mdbl group by 1) l using (tmmd_id)
        where d.tmmd_sts_cd = 'GIVN' and coalesce(l.n, 0) <> 1""",
    "each treatment billed once": """select count(*) from trtm t join bill b using (vist_id)
        left join (select trtm_id, count(*) n from mdbl group by 1) l using (trtm_id) where coalesce(l.n, 0) <> 1""",
    "payments within amounts": """select count(*) from bill b left join (select bill_id,
        sum(pmnt_amt) filter (where pmnt_pyr_typ_cd = 'INSR') ins,
        sum(pmnt_amt) filter (where pmnt_pyr_typ_cd = 'PATN') pat from pmnt group by 1) p using (bill_id)
        where coalesce(p.ins, 0) > b.bill_insr_cvrd_amt or coalesce(p.pat, 0) + b.bill_wrtf_amt > b.bill_patn_resp_amt
           or (b.bill_sts_cd = 'PAID') <> (coalesce(p.ins, 0) = b.bill_insr_cvrd_amt and coalesce(p.pat, 0) = b.bill_patn_resp_amt)""",
    "dates in order": """select count(*) from pmnt p join bill b using (bill_id) join vist v using (vist_id)
        where p.pmnt_dt < b.bill_dt or b.bill_dt < v.vist_dsch_ts::date""",
    "inventory rolls forward": """select count(*) from (select *, lag(invn_cls_qty) over (partition by sply_id
        order by invn_dt) prev from invn) where invn_cls_qty <> invn_open_qty + invn_rcvd_qty - invn_used_qty
        + invn_adj_qty or invn_cls_qty < 0 or (prev is not null and prev <> invn_open_qty)""",
    "receipts invoiced once": """select count(*) from invn i join sply s using (sply_id)
        left join (select vpmt_po_no, count(*) n, any_value(vndr_id) v, sum(vpmt_inv_amt) a from vpmt group by 1) x
        on x.vpmt_po_no = i.invn_po_no where i.invn_rcvd_qty > 0 and (coalesce(x.n, 0) <> 1
        or x.v <> s.sply_prf_vndr_id or x.a <> i.invn_rcvd_qty * s.sply_unit_cst_amt)""",
}


@pytest.mark.parametrize(("seed", "scale"), [(0, 0.03), (1, 0.08), (2, 0.05), (3, 0.12)])
def test_money_invariants_hold_for_other_seeds_and_scales(tmp_path, seed, scale):
    from generator.engine import Options, generate
    from generator.load import connect

    generate(Options(scale=scale, seed=seed, out=tmp_path, workers=2))
    con = connect(tmp_path)
    try:
        assert scalar(con, "select count(*) from bill") > 0
        for name, sql in ZERO_QUERIES.items():
            assert scalar(con, sql) == 0, name
    finally:
        con.close()
