"""ZIP3 under HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(B)): census-derived restricted prefixes, fail closed."""
import hashlib
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from clinical_pipelines.deid.errors import PolicyError
from clinical_pipelines.deid.policy import ALL_ZIP3, DEFAULT_POLICY_PATH, Zip3Rule, load_deid_policy
from clinical_pipelines.deid.report import build_report, render_markdown
from clinical_pipelines.deid.scan import restricted_zip3_count
from clinical_pipelines.deid.structured import to_zip3

ROOT = Path(__file__).resolve().parents[2]
# Published lists: HHS (2000 census), the 2010-census list, HRSA's 2020-census list for UDS+.
HHS_2000 = {"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884",
            "890", "893"}
LIST_2010 = {"036", "059", "102", "203", "205", "369", "556", "692", "821", "823", "878", "879", "884", "893"}
HRSA_2020 = {"036", "059", "102", "202", "203", "204", "205", "369", "556", "692", "753", "772", "821", "823", "878",
             "879", "884", "893"}


def zip3_of(policy, zips):
    return list(to_zip3(pd.Series(zips, dtype="string"), policy.restricted_zip3)[0])


def test_prefixes_without_residents_become_000(policy):
    # federal-government (202, 204) and PO-box (753, 772) prefixes have no resident population
    zips = ["75301", "20201", "20401", "77201", "03601", "20260-0001", "753011234", "77210-4433", "75398", "20599"]
    assert zip3_of(policy, zips) == ["000"] * len(zips)


def test_prefixes_the_census_table_does_not_know_become_000(policy):
    # military (090, 340, 962), IRS Holtsville (005), Virgin Islands (008), Guam (969), unassigned (213, 001)
    unknown = ["09012", "34001", "96201", "00501", "00802", "96910", "21301", "00123"]
    assert not {z[:3] for z in unknown} & set(policy.zip3.populations)
    assert zip3_of(policy, unknown) == ["000"] * len(unknown)


def test_populous_prefixes_are_kept(policy):
    assert zip3_of(policy, ["02138", "10001-2345", "90210", "60601", "2051", "99901", "57701"]) == \
        ["021", "100", "902", "606", "020", "999", "577"]
    z, n = to_zip3(pd.Series(["02138", None, "n/a"], dtype="string"), policy.restricted_zip3)
    assert z[0] == "021" and z[1:].isna().all() and n == 0


def test_restricted_set_is_the_census_rule_plus_published_lists(policy):
    rule = policy.zip3
    assert rule.census_year == 2020 and rule.restricted_population_max == 20_000
    assert rule.kept | rule.restricted == ALL_ZIP3 and not rule.kept & rule.restricted
    assert policy.restricted_zip3 == rule.restricted and "000" not in rule.restricted
    assert all(rule.populations[z] > 20_000 for z in rule.kept)
    small = {z for z, n in rule.populations.items() if n <= 20_000}
    assert small == HRSA_2020  # the table reproduces HRSA's 2020-census list exactly
    assert HRSA_2020 | HHS_2000 | LIST_2010 <= rule.restricted
    assert rule.restricted - HHS_2000 - LIST_2010 - HRSA_2020 == ALL_ZIP3 - set(rule.populations)


@pytest.mark.parametrize("limit", [20_000, 25_000])
def test_zip3_rule_boundary_and_union(limit):
    pops = {"100": limit, "101": limit + 1, "102": 5_000_000, "103": 0}
    rule = Zip3Rule.build(pops, restricted_population_max=limit, also_restricted=["102"])
    assert rule.kept == {"101"}  # exactly the limit is restricted; a listed prefix stays restricted
    assert {"100", "102", "103", "104", "999"} <= rule.restricted
    z, n = to_zip3(pd.Series(["10001", "10101", "10201", "10301", "10401"]), rule.restricted)
    assert list(z) == ["000", "101", "000", "000", "000"] and n == 4


def write_policy(tmp_path, edit):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    edit(data)
    p = tmp_path / "policy.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_policy_copy_elsewhere_uses_the_pinned_packaged_table(tmp_path, policy):
    p = write_policy(tmp_path, lambda d: None)
    assert load_deid_policy(p).restricted_zip3 == policy.restricted_zip3


def test_table_with_another_hash_fails_closed(tmp_path, policy):
    table = tmp_path / "data" / "zip3_population_2020.csv"
    table.parent.mkdir()
    text = Path(policy.zip3.table_path).read_text()
    assert ",13153\n" in text
    table.write_text(text.replace(",13153\n", ",99999\n"))  # 036 made populous
    p = write_policy(tmp_path, lambda d: None)
    with pytest.raises(PolicyError, match="sha256") as exc:
        load_deid_policy(p)
    assert "tools/zip3" in str(exc.value)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["zip3"]["population_table"].update(path="data/missing.csv"), "not found"),
    (lambda d: d["zip3"].update(restricted_population_max=10_000), ">= 20000"),
    (lambda d: d["zip3"]["population_table"].pop("census_year"), "census_year"),
    (lambda d: d["zip3"].update(also_restricted=["03x"]), "3-digit"),
    (lambda d: d.update(restricted_zip3=d.pop("zip3")["also_restricted"]), "zip3.also_restricted"),
])
def test_zip3_section_errors(tmp_path, edit, message):
    with pytest.raises(PolicyError, match=message):
        load_deid_policy(write_policy(tmp_path, edit))


def test_bad_table_rows_fail_closed(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("zip3,zcta_count,population\n021,3,1000000\n21,1,500\n")
    sha = hashlib.sha256(table.read_bytes()).hexdigest()

    def edit(d):
        d["zip3"]["population_table"].update(path=str(table), sha256=sha)
    with pytest.raises(PolicyError, match="line 3"):
        load_deid_policy(write_policy(tmp_path, edit))


def test_rule_check_counts_any_restricted_prefix(policy):
    enc = pd.DataFrame({"zip3": ["000", "021", "202", "753", "969", None]})
    assert restricted_zip3_count(enc, policy) == 3


def test_report_records_source_and_census_year(policy):
    rep = build_report(policy=policy, code_hash="c", model_identity={}, batch_id="b", source_system="s",
                       structured_counts={}, text_counts={}, risk_before={}, risk_after={})
    z = rep["policy"]["zip3_population"]
    assert z["census_year"] == 2020 and "2020 Census" in z["source"] and "ZIP Code Tabulation Area" in z["source"]
    assert z["table_sha256"] == policy.zip3.table_sha256 and z["prefixes_restricted"] == len(policy.restricted_zip3)
    md = render_markdown(rep)
    assert "census year 2020" in md and z["table_sha256"] in md
    item_b = next(i for i in rep["safe_harbor_checklist"] if i["item"] == "B")
    assert "2020 census" in item_b["status"]


def load_tool():
    spec = importlib.util.spec_from_file_location("derive_zip3", ROOT / "tools" / "zip3" / "derive_zip3_population.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tool_reads_census_formats_alike(tmp_path):
    tool = load_tool()
    pops = {"00601": 17242, "00602": 37548, "03601": 376, "03602": 2599, "20204": 0}
    api = tmp_path / "api.json"
    api.write_text(json.dumps([["P1_001N", "zip code tabulation area"]] + [[str(v), k] for k, v in pops.items()]))
    dcg = tmp_path / "dcg.csv"
    dcg.write_text("GEO_ID,NAME,P1_001N\nGeography,Geographic Area Name,!!Total\n"
                   + "".join(f"860Z200US{k},ZCTA5 {k},{v}\n" for k, v in pops.items()))
    two = tmp_path / "two.csv"
    two.write_text("# 2020 Census\r\n" + "".join(f"{k},{v}\r\n" for k, v in pops.items()))
    outs = []
    for i, src in enumerate((api, dcg, two)):
        out = tmp_path / f"out{i}.csv"
        assert tool.main([str(src), "--year", "2020", "--out", str(out)]) == 0
        outs.append(out.read_text())
    assert outs[0] == outs[1] == outs[2]
    assert outs[0] == "zip3,zcta_count,population\n006,2,54790\n036,2,2975\n202,1,0\n"


def test_tool_rejects_duplicates_and_bad_counts(tmp_path, capsys):
    tool = load_tool()
    bad = tmp_path / "bad.csv"
    bad.write_text("00601,17242\n00601,17242\n")
    assert tool.main([str(bad), "--year", "2020", "--out", str(tmp_path / "o.csv")]) == 2
    bad.write_text("00601,many\n")
    assert tool.main([str(bad), "--year", "2020", "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "row 1" in err and "many" not in err


def test_packaged_table_is_consistent():
    policy = load_deid_policy()
    table = Path(policy.zip3.table_path)
    assert table.parent.name == "data" and (table.parent / "README.md").is_file()
    df = pd.read_csv(table, dtype={"zip3": str})
    assert df["zip3"].is_unique and (df["zcta_count"] >= 1).all() and (df["population"] >= 0).all()
    assert 330_000_000 < df["population"].sum() < 335_000_000  # 2020 US + Puerto Rico resident population
