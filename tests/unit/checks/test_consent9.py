"""Ninth pass: patient stories with no PHI span, and non-patients featured (all examples invented).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from reviewq.checks import dates

from tests.unit.checks.helpers import blocks, flags, found


# ---- a patient featured without any identifier: a photo, a role, a permission in another language ------
@pytest.mark.parametrize("text", [
    "Look at that smile! Our knee replacement patient (left) back on the pickleball court with her coach.",
    "Young stroke survivor (pictured) cut the ribbon on our new rehab gym this morning.",
    "Este papá (en la foto) regresó a darle las gracias al equipo que lo atendió.",
    "Nasza pacjentka (zdjęcie za zgodą) znów tańczy po operacji biodra!",
    "Notre jeune patiente (photo publiée avec l'accord de sa famille) a soufflé ses bougies à l'hôpital.",
])
def test_patient_features_without_identifiers(text):
    assert flags(text, "consent")


# ---- volunteers, honoured colleagues, patients in general, products: no patient featured -------------
@pytest.mark.parametrize("text", [
    "Volunteer spotlight: Hortensia Wexley, 83, has greeted visitors at the main lobby since 2009. Thank you!",
    "Our volunteer Bartholomew Quayle, 88, has folded 10,000 origami cranes for the chemo suite 🕊️",
    "Nuestra voluntaria Remedios Ibáñez lleva 20 años leyendo cuentos en pediatría. ¡Gracias!",
    "Congrats to Philippa Oduya, RN, our Daisy Award winner! A patient's daughter nominated her 🌼",
    "Congrats to Osvaldo Trent on his retirement after 31 years in the pharmacy!",
    "Gracias a todo el equipo que cuida a nuestros pacientes cada noche. ¡Son lo máximo!",
    "Our favorite travel mugs for night shift ☕ 20% off with code NIGHTMUG at mugsforrns.shop",
    "This is not a patient. This is Biscuit, our facility cat, on her 3rd birthday 🐱",
    "Two visitors at a time per patient room from Monday. Thank you! 💙",
])
def test_non_patients_are_not_features(text):
    assert not flags(text, "consent")


# ---- assistants' credentials make a staff list ---------------------------------------------------------
def test_assistant_credentials_are_staff():
    assert not flags("Proud of our rehab crew: Odile Fenwick, PTA and Marcus Oyelaran, COTA! 💪", "consent")


# ---- care dates in more languages; a relative's number in Spanish ---------------------------------------
@pytest.mark.parametrize("text, date", [
    ("urodzona 3 lipca 1931 w Łodzi", "3 lipca 1931"),
    ("am 14. März nach der Hüft-OP entlassen", "14. März"),
    ("recebeu alta no dia 9 de setembro", "9 de setembro"),
    ("oo dhashay 25 Nofeembar", "25 Nofeembar"),
])
def test_care_dates_in_more_languages(text, date):
    assert date.lower() in [m.group() for m in dates.DATE.finditer(text.lower())]


def test_a_relatives_number_in_spanish_is_theirs():
    text = "Hoy despedimos a Yesenia Quintero del piso de pediatría. Su papá nos dejó su número: +52 33 4812 7730"
    assert "phone" in {f.category for f in blocks(text) if f.check == "phi"}


# ---- a staff member's rank after the staff word, and their nickname later in the post ---------------------
def test_a_staff_members_nickname_is_staff_too():
    text = "Feliz cumpleaños a nuestra enfermera jefa Leonor Batiz 🎉 ¡Te queremos, Leo! Hay pastel en la sala 3."
    assert not found(text, "name")
    assert not flags(text, "consent")


def test_a_spanish_narrative_about_one_person_is_a_feature():
    text = "Historias que inspiran: una maestra jubilada que venció la leucemia volvió hoy a dar clases de piano. 🎹"
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    "Nuestro voluntario del mes es Don Porfirio Zamudio, que lleva 9 años repartiendo café en urgencias ☕",
    "Gracias a Doña Herlinda Ocampo, voluntaria desde hace 15 años, por organizar la posada del piso 4. 🎄",
    "Volunteer story: Philomena has read to the babies in our NICU every Thursday since 2011. 📚",
])
def test_volunteers_named_in_so_many_words_are_not_patients(text):
    assert not found(text, "name")


def test_a_colon_list_of_volunteers_is_staff():
    text = "Gracias a nuestros voluntarios del centro comunitario: Pancho, Toñita y Rigo 🙏 ¡Sin ustedes no hay feria!"
    assert not [f for f in blocks(text) if f.category == "name"]


@pytest.mark.parametrize("text, cat, value", [
    ("Buscamos al dueño de un sedán gris, placas RTZ-5512 de Sonora, estacionado en urgencias desde el martes.",
     "vehicle", "RTZ-5512"),
    ("Se encontró una cartera en la sala de espera con la licencia de conducir D4410-7723 a nombre de un paciente.",
     "license", "D4410-7723"),
])
def test_plates_and_licences_in_spanish(text, cat, value):
    assert value in found(text, cat)


def test_a_name_from_a_department_is_staff():
    text = ("Today we celebrate Rosalind from EVS, who turned 60 and has kept 4 North spotless for 22 years ✨ "
            "Happy birthday!")
    assert not [f for f in blocks(text) if f.category == "name"]
    assert not [f for f in flags(text, "consent") if f.severity == "block"]


@pytest.mark.parametrize("text, word", [
    ("Gracias por 30 años en el Hospital Santa Eulalia, ¡te queremos! 🎉", "Santa Eulalia"),
    ("Muchas gracias a Farmacias Benavides por patrocinar nuestra feria de salud 🙌 #patrocinado", "Benavides"),
    ("Gracias al equipo de béisbol Los Halcones por visitar pediatría ⚾", "Los Halcones"),
])
def test_an_institution_named_after_its_kind_word_is_not_a_person(text, word):
    assert not any(word in t for t in found(text, "name"))
