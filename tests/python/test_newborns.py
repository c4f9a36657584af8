"""Newborns (generator/newborns.py): every live delivery registers its baby, born on the
mother's delivery day, linked to her by PATN_MTHR_PATN_ID, with a birth stay coded Z38 as
the delivery was vaginal or cesarean; keys never collide and do not depend on the workers.
Fresh extracts of seeds other than 42."""

from __future__ import annotations

import pytest
from helpers import assert_same_bytes, rows, scalar

from generator import engine, scheduling
from generator.core import DAY, Context
from generator.engine import Options, generate
from generator.load import connect

OPTS = {"scale": 1.0, "seed": 31}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("newborns") / "ehp"
    generate(Options(**OPTS, out=out, workers=2))
    return out


@pytest.fixture(scope="module")
def con(run):
    c = connect(run)
    c.execute("""
        create temp view babies as
        select b.patn_id, b.patn_mthr_patn_id as mother_id, b.patn_brth_dt as born,
               b.patn_rgst_dt, b.patn_sex_cd, b.patn_last_nm, b.patn_addr_ln1, b.patn_zip_cd,
               b.patn_phn_no, m.patn_sex_cd as mother_sex, m.patn_brth_dt as mother_born,
               m.patn_last_nm as mother_last, m.patn_addr_ln1 as mother_addr,
               m.patn_zip_cd as mother_zip, m.patn_phn_no as mother_phone
        from patn b left join patn m on m.patn_id = b.patn_mthr_patn_id
        where b.patn_mthr_patn_id is not null""")
    c.execute("""
        create temp view delivery_stays as
        select v.vist_id, v.patn_id, v.vist_admt_ts::date as admitted,
               coalesce(v.vist_dsch_ts::date, date '2024-12-31') as discharged,
               exists (select 1 from trtm t where t.vist_id = v.vist_id
                       and t.trtm_cd = 'CM-SRG-0315') as cesarean
        from vist v join dpmt using (dpmt_id)
        where v.vist_typ_cd = 'INPT' and dpmt.dpmt_cd = 'OBGY'""")
    yield c
    c.close()


def _live_deliveries(opts: Options) -> tuple[int, int]:
    """Mothers' birth stays inside the window as pass (a) wants them, and those that got a
    bed in pass (b) (a mother transferred out for want of one delivers elsewhere)."""
    ctx = Context(opts)
    for _ in engine._master(ctx, engine.MASTER_BEFORE_DEMAND):
        pass
    engine._capacity(ctx, 1)
    wanted = delivered = 0
    for block in range(ctx.n_blocks):
        state: dict = {"columns": {}}
        engine._demand(ctx, block, state)
        d = state["demand"]
        for ev, counter in ((d["ev"], "wanted"),
                            (scheduling._apply_beds(ctx, d["ev"], d["dies"],
                                                    ctx.allocation[block]), "delivered")):  # fmt: skip
            n = int((ev["birth"] & ev["admitted"] & (ev["admit"] <= ctx.days * DAY - 1)).sum())
            if counter == "wanted":
                wanted += n
            else:
                delivered += n
    return wanted, delivered


def test_about_one_newborn_per_live_delivery(con, tmp_path):
    babies = scalar(con, "select count(*) from babies")
    wanted, delivered = _live_deliveries(Options(**OPTS, out=tmp_path))
    assert delivered > 100
    # one baby per delivery here, twins now and then
    assert delivered <= babies <= 1.05 * delivered, (babies, delivered)
    # and the hospital delivers most of the births its patients want
    assert babies >= 0.85 * wanted, (babies, wanted)


def test_born_on_a_day_of_the_mothers_delivery_stay(con):
    orphans = scalar(
        con,
        """
        select count(*) from babies b where not exists (
            select 1 from delivery_stays s where s.patn_id = b.mother_id
              and b.born between s.admitted and s.discharged)""",
    )
    assert orphans == 0
    # registered that day, and their birth stay begins that day
    late = scalar(
        con,
        """
        select count(*) from babies b join vist v using (patn_id)
        where b.patn_rgst_dt <> b.born or v.vist_admt_ts::date <> b.born
           or v.vist_typ_cd <> 'INPT' or v.vist_admt_src_cd <> 'BRTH'""",
    )
    assert late == 0


def test_mother_is_a_woman_of_15_to_50(con):
    bad = rows(
        con,
        """
        select patn_id, mother_sex, date_diff('year', mother_born, born) from babies
        where mother_sex is distinct from 'F'
           or date_diff('year', mother_born, born) not between 15 and 50""",
    )
    assert bad == []


def test_birth_stay_is_coded_z38_as_the_delivery(con):
    coded = rows(
        con,
        """
        with baby_stays as (
            select b.patn_id, b.mother_id, b.born, v.vist_id,
                   count(*) over (partition by b.mother_id, b.born) as siblings
            from babies b join vist v using (patn_id)),
        mothers as (
            select b.patn_id, bool_or(s.cesarean) as cesarean
            from babies b join delivery_stays s on s.patn_id = b.mother_id
             and b.born between s.admitted and s.discharged group by 1)
        select s.siblings, m.cesarean, d.diag_icd10_cd, count(*)
        from baby_stays s join mothers m using (patn_id)
        join diag d on d.vist_id = s.vist_id and d.diag_typ_cd = 'PRIM'
        group by all""",
    )
    for siblings, cesarean, code, _ in coded:
        want = {(1, False): "Z38.00", (1, True): "Z38.01", (2, False): "Z38.30",
                (2, True): "Z38.31"}[(siblings, cesarean)]  # fmt: skip
        assert code == want, (siblings, cesarean, code)
    assert sum(n for *_, n in coded) == scalar(con, "select count(*) from babies")
    # nobody else is ever coded Z38, and a baby's admitting diagnosis is its Z38 too
    others = scalar(
        con,
        """
        select count(*) from diag d join vist v using (vist_id) join patn p using (patn_id)
        where d.diag_icd10_cd like 'Z38%'
          and (p.patn_mthr_patn_id is null or d.diag_typ_cd = 'SECD')""",
    )
    assert others == 0


def test_every_delivery_has_its_baby_and_a_third_are_cesareans(con):
    """A delivery procedure is never drawn at random: exactly one on each stay that
    registered a baby, none anywhere else; cesareans at the scenario's 32 %."""
    per_stay = rows(
        con,
        """
        select t.vist_id, count(*) as n, bool_or(t.trtm_cd = 'CM-SRG-0315') as cesarean,
               exists (select 1 from delivery_stays s join babies b on b.mother_id = s.patn_id
                       and b.born between s.admitted and s.discharged
                       where s.vist_id = t.vist_id) as has_baby
        from trtm t where t.trtm_cd in ('CM-PRC-0253', 'CM-SRG-0315')
        group by 1""",
    )
    mothers = scalar(con, "select count(distinct (mother_id, born)) from babies")
    assert len(per_stay) == mothers > 100
    assert all(n == 1 and has_baby for _, n, _, has_baby in per_stay)
    share = sum(c for _, _, c, _ in per_stay) / len(per_stay)
    # about 110 deliveries: a standard error of 4.5 points around 32 %
    assert 0.18 <= share <= 0.46, share
    assert scalar(con, "select count(*) from diag where diag_icd10_cd = 'Z38.01'") > 0


def test_neonatal_codes_at_about_their_rates(con):
    babies = scalar(con, "select count(*) from babies")
    share = dict(
        rows(
            con,
            """
            select left(d.diag_icd10_cd, 3), count(distinct v.patn_id)
            from diag d join vist v using (vist_id) join babies using (patn_id)
            where d.diag_typ_cd = 'SECD' group by 1""",
        )
    )
    assert 0.03 <= share.get("P59", 0) / babies <= 0.2
    assert 0.02 <= share.get("P07", 0) / babies <= 0.16
    boys = scalar(con, "select avg((patn_sex_cd = 'M')::int) from babies")
    assert 0.4 <= boys <= 0.62


def test_baby_shares_the_mothers_home_and_coverage(con):
    strangers = scalar(
        con,
        """
        select count(*) from babies where patn_last_nm <> mother_last
           or patn_addr_ln1 <> mother_addr or patn_zip_cd <> mother_zip
           or patn_phn_no <> mother_phone""",
    )
    assert strangers == 0
    # a policy of the mother's payer from the birth day, exactly when she had one in force
    unlike = scalar(
        con,
        """
        with mine as (
            select b.patn_id, b.born, i.insr_pyr_nm, i.insr_eff_dt
            from babies b left join insr i using (patn_id)),
        hers as (
            select b.patn_id, i.insr_pyr_nm from babies b join insr i
              on i.patn_id = b.mother_id and i.insr_prmy_flg = 'Y'
             and b.born between i.insr_eff_dt and coalesce(i.insr_end_dt, date '2999-12-31'))
        select count(*) from mine full join hers using (patn_id)
        where mine.insr_pyr_nm is distinct from hers.insr_pyr_nm
           or mine.insr_eff_dt <> mine.born""",
    )
    assert unlike == 0
    # self-pay mothers' babies are self-pay: some babies hold no policy, most hold one
    insured = scalar(con, "select avg((patn_id in (select patn_id from insr))::int) from babies")
    assert 0.5 < insured < 1


def test_keys_never_collide(con):
    for column in ("patn_id", "patn_mrn", "patn_ssn_no"):
        assert scalar(con, f"select count(*) - count(distinct {column}) from patn") == 0
    assert scalar(con, "select count(*) - count(distinct insr_id) from insr") == 0
    assert scalar(con, "select count(*) - count(distinct insr_mbr_id) from insr") == 0


def test_newborns_are_the_same_whatever_the_workers(tmp_path):
    one = generate(Options(scale=0.5, seed=23, out=tmp_path / "one", workers=1))
    three = generate(Options(scale=0.5, seed=23, out=tmp_path / "three", workers=3))
    assert one["tables"]["PATN"]["rows"] > 5000  # the babies are there
    assert three["tables"]["PATN"] == one["tables"]["PATN"]
    for name in ("ehp_patn.csv", "ehp_insr.csv", "ehp_vist.csv", "ehp_diag.csv"):
        assert_same_bytes(
            (tmp_path / "three" / name).read_bytes(), (tmp_path / "one" / name).read_bytes(), name
        )


def test_twins_come_in_pairs_born_the_same_day(tmp_path):
    from generator.scenario import Scenario

    out = tmp_path / "twins"
    generate(Options(scale=0.3, seed=5, out=out, workers=1,
                     scenario=Scenario(twin_share_of_births=0.5)))  # fmt: skip
    c = connect(out)
    pairs = rows(
        c,
        """
        select p.patn_mthr_patn_id, p.patn_brth_dt, count(*),
               count(*) filter (where d.diag_icd10_cd in ('Z38.30', 'Z38.31'))
        from patn p join vist v using (patn_id)
        join diag d on d.vist_id = v.vist_id and d.diag_typ_cd = 'PRIM'
        where p.patn_mthr_patn_id is not null group by 1, 2""",
    )
    c.close()
    assert {(n, twins) for *_, n, twins in pairs} == {(1, 0), (2, 2)}


def test_mothers_delivery_stay_records_the_outcome(con):
    # every delivery stay a baby was born in is coded Z37.0 (Z37.2 for twins)
    missing = scalar(
        con,
        """
        select count(*) from (
            select distinct s.vist_id, count(*) over (partition by s.vist_id) as babies
            from babies b join delivery_stays s on s.patn_id = b.mother_id
             and b.born between s.admitted and s.discharged) as stays
        where not exists (
            select 1 from diag d where d.vist_id = stays.vist_id
              and d.diag_icd10_cd = case when stays.babies = 2 then 'Z37.2' else 'Z37.0' end)""",
    )
    assert missing == 0
