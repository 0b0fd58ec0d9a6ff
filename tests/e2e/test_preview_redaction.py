"""Previews per network and redaction in Chromium: a long post with an image shows the X cut and the Instagram
crops while it is typed; a draft whose image shows an MRN has the box drawn over the picture, and one click
redacts it so the must-fix finding is gone. axe (WCAG 2.1 AA) on these pages at desktop and phone width."""
from __future__ import annotations

import importlib.util
import re

import pytest

from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.test_journey import sign_in
from tests.images import mrn_case, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.commits]
needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="RapidOCR absent")
WIDTHS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


def _axe_clean(page, where):
    found = run_axe(page, axe_source())
    assert found == [], "\n".join(describe(where, found))


def test_long_post_with_an_image_shows_the_x_cut_and_the_instagram_crop(live_server, new_page, factory, session,
                                                                       tmp_path, shots):
    staff = factory.user("staff")
    session.commit()
    image = tmp_path / "team.png"
    image.write_bytes(png_bytes(mrn_case(3)[0]))
    for viewport in WIDTHS:
        page = new_page(viewport=viewport)
        sign_in(page, live_server, staff)
        page.goto(f"{live_server}/drafts/new")
        page.check("input[name=channels][value=x]")
        page.check("input[name=channels][value=instagram]")
        page.set_input_files("input[name='attachments-0-file']", str(image))
        page.fill("textarea[name='attachments-0-alt_text']", "Our new wristband printer")
        text = "Flu shots are free at every clinic this week, walk in any time. #FluSeason " + \
               "Bring your card and a friend. " * 9 + "THE-END-OF-THE-POST"
        page.locator("#body").press_sequentially(text[:60], delay=2)
        page.locator("#body").fill(text)
        page.locator("#body").press("End")
        page.locator("#body").type(" ")
        x = page.locator("section.pv-x")
        x.locator(".pv-over").wait_for()
        assert "over the limit" in x.inner_text() and "THE-END-OF-THE-POST" in x.locator(".pv-over").inner_text()
        assert "THE-END-OF-THE-POST" not in x.locator(".pv-text").first.inner_text()
        assert x.get_attribute("aria-labelledby") == "pv-x-h"
        ig = page.locator("section.pv-instagram")
        ig.locator("img.crop-1x1").wait_for()
        src = ig.locator("img.crop-1x1").get_attribute("src")
        assert src.startswith("blob:") and ig.locator("img.crop-4x5").count() == 1
        box = ig.locator("img.crop-1x1").bounding_box()
        assert abs(box["width"] - box["height"]) <= 2          # the square crop, whatever the picture's shape
        fit = page.evaluate("() => getComputedStyle(document.querySelector('.pv-instagram img.crop-1x1')).objectFit")
        assert fit == "cover"
        assert "more" in ig.locator(".pv-fold").inner_text() and "Our new wristband printer" in ig.inner_text()
        assert "#FluSeason" in ig.locator(".pv-tag").first.inner_text()
        page.screenshot(path=str(shots / f"previews-{viewport['width']}.png"), full_page=True)
        _axe_clean(page, f"new draft with previews {viewport['width']}")


@needs_ocr
def test_the_mrn_box_is_drawn_over_the_picture_and_redacted_in_one_click(live_server, new_page, factory, session,
                                                                       shots):
    from reviewq.drafts.scans import scan_unlocked
    image, mrn = mrn_case(3)
    staff = factory.user("staff")
    d = factory.draft(staff, body="Our wristband printers are here.", channels=("instagram",),
                      attachments=[("band.png", png_bytes(image), "A wristband")])
    scan_unlocked(session, factory.app.config["REVIEWQ"].upload_dir, None, factory.tick(), draft_id=d.id)
    session.commit()
    page = new_page(viewport=WIDTHS[0])
    sign_in(page, live_server, staff)
    page.goto(f"{live_server}/drafts/{d.id}")
    figure = page.locator("section.image-findings").first
    blocks = figure.locator("svg.overlay g.ov-block")
    assert blocks.count() >= 2
    img_box = figure.locator("img.overlay-img").bounding_box()
    svg_box = figure.locator("svg.overlay").bounding_box()
    assert abs(img_box["width"] - svg_box["width"]) < 2 and abs(img_box["height"] - svg_box["height"]) < 2
    mrn_item = figure.locator("li.imgf-item", has_text=mrn)
    assert "must fix" in mrn_item.inner_text().lower()
    page.screenshot(path=str(shots / "image-findings-1280.png"), full_page=True)
    _axe_clean(page, "draft page with image findings 1280")
    phone = new_page(viewport=WIDTHS[1])
    sign_in(phone, live_server, staff)
    phone.goto(f"{live_server}/drafts/{d.id}")
    _axe_clean(phone, "draft page with image findings 390")
    for viewer, width in ((page, 1280), (phone, 390)):     # the editor previews the stored image (thumbnail)
        viewer.goto(f"{live_server}/drafts/{d.id}/edit")
        viewer.locator("section.pv-instagram img.crop-4x5").wait_for()
        assert "/thumbnail" in viewer.locator("section.pv-instagram img.crop-4x5").get_attribute("src")
        _axe_clean(viewer, f"edit page with previews {width}")
    page.goto(f"{live_server}/drafts/{d.id}")

    figure.get_by_role("button", name=re.compile("Redact all must-fix")).click()
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}#att-\d+$"))
    assert "no must-fix finding" in page.inner_text(".flash, [role=status], main")
    assert page.locator("svg.overlay g.ov-block").count() == 0
    assert mrn not in page.inner_text("main")
    assert not page.locator(".findings .sev-badge.sev-block").count()
    page.screenshot(path=str(shots / "redacted-1280.png"), full_page=True)
    _axe_clean(page, "draft page after redaction 1280")
