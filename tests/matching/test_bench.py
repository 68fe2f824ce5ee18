"""`bench/matching.py` at a small size: it generates, ranks, refreshes and reports (the timings are not judged here)."""
from bench.matching import run


def test_the_matching_benchmark_runs_and_ranks_the_fitting_theme_first(tmp_path):
    result = run(f"sqlite:///{tmp_path / 'matching.sqlite'}", companies=60, repeat=2)
    assert result["rows"]["companies"] == result["documents"] == 60
    assert len(result["ranking_ms"]["runs"]) == 2 and result["suggested"] > 0
    name, score, terms = result["top"][0]
    assert score > 0.3 and {"night staff", "care home", "fall night", "resident"} & set(terms)
