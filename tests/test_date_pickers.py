"""Every date input offers only the dates its form accepts (core.dates): a phone's date
picker cannot propose 9999, a visit next week, or one before the pairing started."""

import datetime
import re

from django.utils import timezone

from core.dates import EARLIEST, latest_date
from tests.crawl import crawled  # noqa: F401 - a fixture: the crawl shared with test_valid_html

DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"date\"[^>]*>")


def _attr(tag, name):
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def _date_inputs(pages):
    """{(page, input name): (min, max)} for every date input on the pages."""
    inputs = {}
    for url, html in pages.items():
        for tag in DATE_INPUT.findall(html):
            inputs[(url, _attr(tag, "name"))] = (_attr(tag, "min"), _attr(tag, "max"))
    return inputs


def test_every_date_input_a_persona_reaches_is_limited_to_what_its_form_accepts(crawled):
    # Local midnight (16:00 UTC) may pass while the pages are crawled: each page's "today"
    # is one of the dates seen before and after.
    inputs = _date_inputs(crawled["pages"])
    names = {name for _url, name in inputs}
    # The forms with dates are among them: visits, pairings, meetings, milestones,
    # resources, contributions, a unit's leaving date.
    for expected in ("visited_on", "started_on", "held_on", "available_from", "contributed_on",
                     "left_on"):
        assert expected in names, (expected, sorted(names))
    assert any(name and name.endswith("due_on") for name in names), sorted(names)

    today = timezone.localdate()
    days = crawled["days"] | {today}
    unlimited = [key for key, (low, high) in inputs.items() if not low or not high]
    assert unlimited == [], unlimited
    for (url, name), (low, high) in inputs.items():
        low, high = datetime.date.fromisoformat(low), datetime.date.fromisoformat(high)
        assert EARLIEST <= low <= high <= latest_date(today), (url, name)
        if name in ("visited_on", "left_on") or name.endswith("done_on"):
            assert high in days, (url, name)
    visit = [v for (url, name), v in inputs.items() if name == "visited_on"]
    started_on = crawled["pairing_started_on"].isoformat()
    assert {(started_on, day.isoformat()) for day in days} & set(visit)
