"""The QR sheet prints twelve codes to an A4 page, and each still scans (zxing-cpp)."""

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.factories import PASSWORD, CommunityFactory, JointMeetingFactory, ProjectFactory

pytestmark = pytest.mark.browser


def test_it_prints_twelve_scannable_codes_per_a4_page(new_browser_page, staff):
    meeting = JointMeetingFactory()
    community = CommunityFactory(name="朱泾镇南圩居民区")
    for i in range(24):
        ProjectFactory(title=f"二维码测试项目名称较长的第{i:02d}号", community=community)
    # A4 at 96 dpi is 794 px wide: the print preview's width.
    page = new_browser_page(width=794, height=1123)
    page.login("alice", PASSWORD)
    page.goto(f"/office/meetings/{meeting.pk}/qr/")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 2
    per_page = [p.extract_text().replace("\n", "").count("号") for p in pdf.pages]
    assert per_page == [12, 12], per_page
    # Each printed code still scans, at its printed size.
    cards = page.locator("figure.qr-card")
    for i in (0, 13, 23):
        card = cards.nth(i)
        png = card.locator("img").screenshot()
        size = Image.open(io.BytesIO(png)).size
        assert size[0] >= 140, size  # 37 mm or more on paper
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
        assert [c.text for c in decoded] == [card.locator(".qr-url").inner_text().strip()]
    page.screenshot("qr-sheet-print-794")
    assert page.errors == []
