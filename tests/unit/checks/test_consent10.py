"""Tenth pass: testimonials and videos that feature an anonymous patient (all examples invented).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import flags


# ---- a quote signed by a patient or their family, in any language -------------------------------------
@pytest.mark.parametrize("text", [
    '"They found my son\'s fracture when two urgent cares missed it." ⭐⭐⭐⭐⭐ — a dad from our Yelp reviews',
    '"The night nurse held my hand through every contraction." – a new mother 💛',
    '"Me trataron como familia desde el primer día." — la hija de una paciente 💙',
    '"Napakabait ng mga nars dito." — isang pasyente sa aming klinika',
    '"医生很耐心，解释得很清楚。" —— 一位患者',
])
def test_a_signed_patient_testimonial_is_a_feature(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    '"Every patient deserves a warm welcome." — Dr. Imogen Sato, our chief medical officer',
    '"Our patients come first, always." - a nurse on 5 West',
    '"Care close to home" — our promise to Harlan County since 1952',
    '"Wash your hands, it still works." — our infection prevention team',
])
def test_a_quote_signed_by_staff_or_the_organisation_is_not(text):
    assert not flags(text, "consent")


# ---- an anonymous person telling their own care on video ----------------------------------------------
@pytest.mark.parametrize("text", [
    "🎥 A retired bus driver tells how our cardiac rehab team got him walking again.",
    "New video: a grandmother thanks the stroke unit for catching the signs in time.",
    "🎬 Video: una abuela cuenta cómo nuestra clínica móvil detectó su presión alta.",
])
def test_an_anonymous_teller_on_video_is_a_feature(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    "🎥 Watch: a pharmacist explains how to store insulin in the heat.",
    "New video: one of our dietitians shares three easy swaps for lunch.",
    "🎬 Video: una enfermera explica cómo lavarse las manos correctamente.",
])
def test_staff_explaining_their_work_on_video_is_not(text):
    assert not flags(text, "consent")


# ---- photos and permission in Portuguese and Korean -----------------------------------------------------
@pytest.mark.parametrize("text", [
    "Nossa paciente (na foto) voltou a caminhar depois da cirurgia de quadril 💪",
    "환자분의 허락을 받아 공유합니다: 재활 6개월 후의 모습입니다!",
])
def test_patient_features_in_portuguese_and_korean(text):
    assert flags(text, "consent")
