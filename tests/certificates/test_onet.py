import pytest

from nwrc_desktop.certificates.onet import (
    SHORT_CREDIT,
    credit_text,
    cumulative_share,
    job_zone_counts,
    job_zone_names,
)


def test_job_zone_counts():
    assert job_zone_counts() == {1: 33, 2: 298, 3: 213, 4: 225, 5: 154}


@pytest.mark.parametrize(
    ("zone", "occupations", "percent"),
    [(1, 33, "3.6%"), (2, 331, "35.9%"), (3, 544, "58.9%"), (4, 769, "83.3%"), (5, 923, "100.0%")],
)
def test_cumulative_share(zone, occupations, percent):
    share = cumulative_share(zone)

    assert share.occupations == occupations
    assert share.occupations_with_zone == 923
    assert share.percent_text == percent


@pytest.mark.parametrize("zone", [0, 6, None])
def test_invalid_zone_rejected(zone):
    with pytest.raises(ValueError, match="invalid Job Zone"):
        cumulative_share(zone)


def test_job_zone_names():
    assert job_zone_names()[3] == "Medium Preparation Needed"
    assert sorted(job_zone_names()) == [1, 2, 3, 4, 5]


def test_credits_name_source_and_licence():
    for text in (SHORT_CREDIT, credit_text()):
        assert "O*NET 30.0" in text
        assert "USDOL/ETA" in text
        assert "CC BY 4.0" in text
        assert "not reviewed or approved" in text
        assert "trademark" in text
