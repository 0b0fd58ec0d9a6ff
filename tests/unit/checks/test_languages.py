"""Spanish at least as well as English; other languages do not break the English checks."""
import pytest

from reviewq.checks import run_all
from tests.unit.checks.helpers import blocks, found, phi


@pytest.mark.parametrize("text, cat, value", [
    ("¡Feliz cumpleaños a la Sra. Carmen Ibarra, de 103 años! 🎉", "name", "Carmen Ibarra"),
    ("¡Feliz cumpleaños a la Sra. Carmen Ibarra, de 103 años! 🎉", "age", "103"),
    ("El Sr. Huerta en la habitación 412 pidió su número de expediente 00482913", "other_id", "412"),
    ("El Sr. Huerta en la habitación 412 pidió su número de expediente 00482913", "mrn", "00482913"),
    ("Felicidades a Gng. Rosario Dimaculangan, 95 taong gulang, sa kanyang kaarawan!", "name",
     "Rosario Dimaculangan"),
    ("La paciente Lucía salió del hospital el lunes 9 de junio rumbo a casa.", "date", "lunes 9 de junio"),
    ("Tengo una viejita de noventa y siete años en el cuarto 318, ¡qué alegría!", "age", "noventa y siete"),
    ("Tengo una viejita de noventa y siete años en el cuarto 318, ¡qué alegría!", "other_id", "318"),
])
def test_spanish_and_tagalog_phi_is_found(text, cat, value):
    assert value in found(text, cat)


@pytest.mark.parametrize("text", [
    "¡Feliz cumpleaños a la Sra. Carmen Ibarra, de 103 años! 🎉",
    "El Sr. Huerta en la habitación 412 pidió su número de expediente 00482913",
])
def test_a_spanish_patient_identifier_blocks(text):
    assert blocks(text)


@pytest.mark.parametrize("text", [
    "¡Feliz Día del Médico a todo nuestro equipo! Gracias por su dedicación.",
    "Vacuna contra la gripe gratuita este sábado en la clínica de pediatría.",
    "Semana Mundial del Corazón: camine 30 minutos al día con su familia.",
    "Maligayang kaarawan sa lahat ng ating mga nars ngayon!",
    "Nou nan lopital la pou ou, mèsi pou konfyans ou.",
])
def test_ordinary_words_of_other_languages_are_not_names(text):
    assert not [f for f in phi(text) if f.category == "name"]


def test_other_languages_do_not_break_the_english_checks():
    text = ("Happy 100th birthday to our patient Edna Morales! 🎉 ¡Feliz cumpleaños! Maligayang kaarawan! "
            "Her MRN 00482913 is on the card.")
    fs = run_all(text, ["facebook"])
    assert {("phi", "name"), ("phi", "mrn"), ("consent", "patient_story")} <= {(f.check, f.category) for f in fs}
    assert "Edna Morales" in found(text, "name")


@pytest.mark.parametrize("text", [
    "¡Científicamente comprobado! El jugo de nopal baja el azúcar en una semana.",
    "Este té desintoxica tu hígado y quema la grasa abdominal.",
    "Fèy sa a geri kansè, bwè l chak jou!",
])
def test_spanish_and_creole_health_claims_need_a_source(text):
    assert [f for f in run_all(text, ["facebook"]) if f.check == "sourcing"]


@pytest.mark.parametrize("text", [
    "Nuestras enfermeras aman las batas de CuidaMás. Usa el código CUIDA15 para 15% de descuento.",
    "¡Sorteo! Etiqueta a una amiga y participa para ganar una licuadora.",
    "Los zapatos favoritos de nuestro equipo, enlace en la bio 👟",
])
def test_spanish_endorsements_need_a_disclosure(text):
    fs = run_all(text, ["instagram"])
    assert [f for f in fs if f.check == "disclosure"]
    assert not [f for f in fs if f.check == "sourcing"]  # a discount is not a health claim


@pytest.mark.parametrize("text", [
    "Nuestra paciente celebró hoy su último día de quimioterapia 🎉 ¡Qué orgullo!",
    "Regardez la vidéo : Amélie raconte son parcours après sa greffe du cœur 💙",
    "🎥 A grandmother talks about the night her grandson was born in our ambulance bay.",
    "Watch Coach Delgado's heart transplant story: from the ICU to the bench in 6 months.",
])
def test_patient_stories_in_other_languages_and_styles_need_consent(text):
    assert [f for f in run_all(text, ["facebook"]) if f.check == "consent" and f.severity == "block"]


def test_a_staff_birthday_with_a_support_role_is_not_a_patient():
    text = "Happy birthday to Marguerite Olafsdottir, our ward clerk for 22 years! 🎂 Cake in the lounge."
    assert not blocks(text)


def test_a_health_claim_about_cancer_does_not_make_a_blog_link_personal():
    text = "Estudios demuestran que el brócoli reduce el riesgo de cáncer. Más: https://vida-sana.blogspot.com/brocoli"
    assert not blocks(text)
