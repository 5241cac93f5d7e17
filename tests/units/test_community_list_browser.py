"""The paginated community list in the browser: fits a phone and a desk, the pager tappable."""

import pytest

from tests.factories import PASSWORD, DistrictFactory
from units.models import Community
from units.views import COMMUNITIES_PER_PAGE


@pytest.fixture
def many_communities(staff):
    districts = [DistrictFactory(name="城南片区", position=1), DistrictFactory(name="东部农村片区", position=2)]
    Community.objects.bulk_create(
        Community(name=f"分页测试居民区第{i:03d}号", kind="residential", district=districts[i % 2])
        for i in range(COMMUNITIES_PER_PAGE + 7)
    )


@pytest.mark.parametrize("width", [375, 1366])
def test_the_community_pages_fit_the_screen_and_page_on(new_browser_page, many_communities, width):
    page = new_browser_page(width=width, height=812)
    page.login("alice", PASSWORD)
    assert page.goto("/registry/communities/").status == 200
    page.screenshot(f"community-list-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    next_link = page.locator("nav.pagination a", has_text="下一页")
    assert next_link.bounding_box()["height"] >= 40
    next_link.click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    page.locator("nav.pagination").scroll_into_view_if_needed()
    page.screenshot(f"community-list-page2-{width}")
    assert page.locator("tbody tr").count() == 7
    assert page.errors == []
