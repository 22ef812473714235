"""``pactum value``: the table, the JSON contract, errors, solve, sensitivity, schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pactum.cli.main import app
from pactum.valuation.exact import evaluate
from pactum.valuation.model import compile_deal
from pactum.valuation.schema import load, parse
from tests.valuation.cases import FAIR, RICH, variant

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "deals"


def _write(tmp_path: Path, data: dict, name: str = "deal.yaml") -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith("yaml") else json.dumps(data))
    return path


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_example_deal_files_are_valid(example: Path) -> None:
    """The three documented examples load and value."""
    result = evaluate(compile_deal(load(example)))
    assert 0 < result.probability_of_approval < 1


def test_json_contract(tmp_path: Path) -> None:
    """The documented keys, money as numbers, agreeing with the exact evaluator."""
    path = _write(tmp_path, RICH, "deal.json")
    result = runner.invoke(app, ["value", str(path), "--trials", "20000", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    exact = evaluate(compile_deal(parse(RICH)))
    assert data["exact"]["total"]["rnpv"] == pytest.approx(exact.rnpv["total"], abs=0.01)
    assert set(data["exact"]["licensor"]) == {"rnpv", "npv"}
    assert 0 < data["exact"]["probability_of_approval"] < 1
    mc = data["monte_carlo"]
    assert (mc["trials"], mc["seed"]) == (20000, 3)
    for party in ("total", "licensor", "licensee"):
        assert {"mean", "std_error", "p5", "p50", "p95", "prob_negative"} <= set(mc[party])
        assert isinstance(mc[party]["mean"], float)


def test_table_and_conventions(tmp_path: Path) -> None:
    """The readable table; --convention changes the value."""
    path = _write(tmp_path, RICH)
    mid = runner.invoke(app, ["value", str(path), "--trials", "0"])
    assert mid.exit_code == 0, mid.output
    assert "rNPV (exact)" in mid.output
    assert "Where the value comes from" in mid.output
    end = runner.invoke(app, ["value", str(path), "--trials", "0", "--convention", "end", "--json"])
    begin = runner.invoke(
        app, ["value", str(path), "--trials", "0", "--convention", "begin", "--json"]
    )
    assert json.loads(end.output)["exact"]["total"] != json.loads(begin.output)["exact"]["total"]
    bad = runner.invoke(app, ["value", str(path), "--convention", "yearly"])
    assert bad.exit_code == 2


def test_errors_name_the_path_and_the_rule(tmp_path: Path) -> None:
    """A bad deal file lists each problem as ``path: rule`` and exits 2."""
    data = variant(
        RICH,
        asset__phases=[
            {"name": "phase1"},
            {"name": "phase2"},
            {"name": "phase3", "probability": 1.2},
            {"name": "regulatory"},
        ],
    )
    data["terms"]["royalties"]["tiers"][0]["rate"] = -0.1
    data["terms"]["surprise"] = 1
    result = runner.invoke(app, ["value", str(_write(tmp_path, data)), "--trials", "0"])
    assert result.exit_code == 2
    assert "asset.phases[2].probability: must be between 0 and 1, got 1.2" in result.output
    assert "terms.royalties.tiers[0].rate: must be between 0 and 1, got -0.1" in result.output
    assert "terms.surprise: unknown key" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed")
    result = runner.invoke(app, ["value", str(broken)])
    assert result.exit_code == 2
    assert "not valid YAML" in result.output


def test_solve_for_a_fair_royalty(tmp_path: Path) -> None:
    """Solving the first royalty tier gives the licensor the asked share of the rNPV."""
    path = _write(tmp_path, FAIR)
    result = runner.invoke(
        app,
        [
            "value",
            "solve",
            str(path),
            "--term",
            "terms.royalties.tiers[0].rate",
            "--party",
            "licensor",
            "--share",
            "0.6",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "gives the licensor 60.00% of the deal" in result.output
    value = float(result.output.split(" = ")[1].split(" ")[0])
    solved = variant(
        FAIR,
        terms__royalties__tiers=[
            {"from": 0, "rate": value},
            *FAIR["terms"]["royalties"]["tiers"][1:],
        ],
    )
    rnpv = evaluate(compile_deal(parse(solved))).rnpv
    assert rnpv["licensor"] / rnpv["total"] == pytest.approx(0.6, abs=1e-4)
    impossible = runner.invoke(
        app,
        [
            "value",
            "solve",
            str(path),
            "--term",
            "terms.royalties.tiers[0].rate",
            "--party",
            "licensor",
            "--share",
            "0.1",
        ],
    )
    assert impossible.exit_code == 1
    assert "no value of terms.royalties.tiers[0].rate" in impossible.output
    bad = runner.invoke(
        app,
        [
            "value",
            "solve",
            str(path),
            "--term",
            "terms.nothing[3]",
            "--party",
            "licensor",
            "--share",
            "0.4",
        ],
    )
    assert bad.exit_code == 1
    assert "does not exist" in bad.output


def test_iso_value_menu_and_sensitivity(tmp_path: Path) -> None:
    """A bigger upfront needs a smaller royalty for the same split; the tornado lists inputs."""
    path = _write(tmp_path, FAIR)
    menu = runner.invoke(
        app,
        [
            "value",
            "solve",
            str(path),
            "--term",
            "terms.royalties.tiers[0].rate",
            "--party",
            "licensor",
            "--share",
            "0.6",
            "--vary",
            "terms.upfront[0].amount",
            "--values",
            "0,50000000,100000000",
        ],
    )
    assert menu.exit_code == 0, menu.output
    assert "Iso-value menu" in menu.output
    tornado = runner.invoke(app, ["value", "sensitivity", str(path), "--party", "licensor"])
    assert tornado.exit_code == 0, tornado.output
    assert "peak sales" in tornado.output


def test_plot_is_offline_html(tmp_path: Path) -> None:
    """Charts are one HTML file with Plotly embedded (no script from a CDN)."""
    out = tmp_path / "charts.html"
    path = _write(tmp_path, RICH)
    result = runner.invoke(app, ["value", str(path), "--trials", "5000", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Plotly" in html
    assert 'src="http' not in html


def test_schema_command() -> None:
    """``pactum value schema`` prints the JSON Schema of the deal file."""
    result = runner.invoke(app, ["value", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "asset" in schema["properties"]


def test_plot_as_png(tmp_path: Path) -> None:
    """``--plot OUT.png`` writes a PNG image, rendered locally."""
    out = tmp_path / "charts.png"
    path = _write(tmp_path, RICH)
    result = runner.invoke(app, ["value", str(path), "--trials", "5000", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["value", str(path), "--plot", str(tmp_path / "charts.pdf")])
    assert bad.exit_code == 2
