"""Sixth generalisation pass: false blocks and consent (all examples invented; none copied from a corpus).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import blocks, flags, found


# ---- words that are never a person -------------------------------------------------------------------
@pytest.mark.parametrize("text, word", [
    ("🎬 Mira la entrevista: una mamá de la sala de maternidad habla de su parto.", "Mira"),
    ("Damos gracias a Dios por otro año sirviendo a la comunidad de la sierra.", "Dios"),
    ("Thousands walked for World Kidney Day with our dialysis nurses 💚", "Kidney Day"),
    ("một bác sĩ của chúng tôi đã nhận giải thưởng năm nay", "đã nhận"),
])
def test_grammar_words_and_observances_are_not_names(text, word):
    assert not any(word in t for t in found(text, "name"))


# ---- staff, donors and public figures need no patient consent ----------------------------------------
@pytest.mark.parametrize("text", [
    "Thank you, Lt. Governor Priya Vandermeer, for touring our burn unit with the kids this morning 🎈",
    "Thank you, Olympic legend Tobias Kwarteng, for signing casts in our ortho clinic today!",
    "¡Qué semana! Gracias, Leocadia Furtado y a todo el equipo del laboratorio por su trabajo.",
    "Huge thanks to Odalys and Brennan Quill, whose generous gift built our new sensory room 💛",
    "🏆 Ignatius Mbeki of Pinecrest Rural Health is this year's regional Pharmacist of the Year! So deserved.",
])
def test_staff_donors_and_public_figures(text):
    assert not flags(text, "consent")
    assert not blocks(text)


# ---- internal notes and generic thanks are not patient features --------------------------------------
@pytest.mark.parametrize("text", [
    "IT note: the portal login for Reginald Oduya was flagged from 10.4.4.19. If that wasn't you, tell us.",
    "Thank you to every dad who let us share a little of his story this year. Here's to the next 500! 🎉",
    "From a 9-year ER nurse: you're stronger than you think, and it's OK to ask for help. I've seen it.",
])
def test_internal_notes_and_generic_thanks(text):
    assert not flags(text, "consent")


# ---- unnamed patient stories in Spanish and Vietnamese still need consent ----------------------------
@pytest.mark.parametrize("text", [
    "🎥 Un paciente de nuestra clínica de diálisis nos cuenta cómo cambió su vida.",
    "Antes y después de su tratamiento 🥹 Esta pequeña guerrera ya corre por el parque. (foto compartida con permiso de su mamá)",
    "Hôm qua một bệnh nhân của chúng tôi đã trở lại thăm khoa nhi 💙 (ảnh được chia sẻ với sự đồng ý)",
])
def test_unnamed_stories_other_languages(text):
    assert flags(text, "consent")


# ---- events: a date and a venue in an announcement are not a patient's ------------------------------
def test_spanish_event_date_and_venue():
    text = "Jornada de vacunación gratuita el domingo 9 de marzo 💉 Para toda la familia. En 18 N Calle Ocho, Laredo."
    assert not blocks(text)
