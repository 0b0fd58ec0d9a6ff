from reviewq.drafts.masking import mask_phi


def test_masks_phi_spans_only_and_keeps_length():
    text = "Thanks to 👩‍⚕️ nurse Ana for caring for Mrs. Alvarez in room 412!"
    findings = [{"check": "phi", "start": text.index("Alvarez"), "end": text.index("Alvarez") + 7},
                {"check": "phi", "start": text.index("412"), "end": text.index("412") + 3},
                {"check": "sourcing", "start": 0, "end": 6}]
    masked = mask_phi(text, findings)
    assert "Alvarez" not in masked and "412" not in masked and masked.startswith("Thanks")
    assert len(masked) == len(text)


def test_overlapping_and_bad_spans_do_not_break():
    text = "John Smith 555-0100"
    findings = [{"check": "phi", "start": 0, "end": 10}, {"check": "phi", "start": 5, "end": 19},
                {"check": "phi", "start": 50, "end": 60}, {"check": "phi", "start": None, "end": 3}]
    assert mask_phi(text, findings) == "█" * 19


def test_off_returns_text():
    assert mask_phi("John", [{"check": "phi", "start": 0, "end": 4}], on=False) == "John"
