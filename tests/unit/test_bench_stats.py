"""The benchmark's statistics: nearest-rank percentiles, medians, ratios, verdicts."""
import pytest

from tests.bench.report import Figure, text_table
from tests.bench.stats import median, percentile, rate, ratio


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([3, 1, 2], 100) == 3
    assert percentile([7], 0) == 7


def test_percentile_refuses_nothing_and_bad_ranks():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_median_ratio_and_rate():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert ratio(50, 200) == 0.25
    assert ratio(1, 0) is None
    assert rate(100, 2.0) == 50
    assert rate(5, 0) == 0.0


def test_figure_takes_medians_and_judges_by_ratio():
    figure = Figure("handled", "/s", [300, 100, 200], "bus", [900, 800, 1000],
                    "ratio >= 0.25", lambda value, r: r >= 0.25)
    assert figure.value == 200 and figure.baseline == 900
    assert figure.ratio == pytest.approx(200 / 900)
    assert figure.verdict == "MISS"
    assert "MISS" in text_table([figure])
    assert Figure("only reported", "ms", [1.0]).verdict == "-"
