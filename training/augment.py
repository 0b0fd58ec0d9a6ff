"""Generated training posts: the data recipe beside the written training files.

`generate(n, seed)` yields posts in the corpus format ({"text", "labels": {"phi": [...], "needs_consent"}})
from templates in several writers' styles (comms, bedside staff, Spanish, shouted, lower-case, hashtag)
filled with names drawn from the bundled lists (reviewq/checks/data: US, international and Hispanic
first names and surnames), towns, ages over 89, care dates, rooms. Negatives are the posts that look
alike without a patient: staff and volunteer news, donors, events, awareness days, health tips, and
text in other languages whose ordinary words must not read as names. Deterministic for a seed.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "reviewq" / "checks" / "data"


def _names(file: str, limit: int = 4000) -> list[str]:
    words = [w.strip() for w in (DATA / file).read_text(encoding="utf-8").splitlines() if len(w.strip()) > 2]
    return [w.capitalize() for w in words[:limit]]


FIRST = _names("first_names.txt") + _names("first_names_intl.txt", 3000)
LAST = _names("surnames.txt") + _names("surnames_intl.txt", 3000)
HISPANIC_FIRST = ("María José Lucía Tomás Iván Valentina Sofía Mateo Santiago Camila Alejandro Guadalupe Rosa "
                  "Carmen Jesús Ximena Dolores Esperanza Joaquín Agustín Renata Inés Beatriz Ramón").split()
HISPANIC_LAST = ("García Hernández López Martínez González Rodríguez Pérez Sánchez Ramírez Torres Flores "
                 "Rivera Gómez Díaz Morales Ortiz Gutiérrez Chávez Ramos Ruiz Mendoza Castillo Vargas").split()
TOWNS = ("Millbrook Elk Springs Council Grove Prairie Village Pharr Fairhaven Oak Hollow Cedar Bluff "
         "Riverton Westfield Mesa Verde Pine Ridge Harlan Bayview Clearwater Marlow Eastgate").split(" ")
TOWNS = [t for t in ("Millbrook", "Elk Springs", "Council Grove", "Prairie Village", "Pharr", "Fairhaven",
                     "Oak Hollow", "Cedar Bluff", "Riverton", "Westfield", "Pine Ridge", "Harlan", "Bayview",
                     "Marlow", "Eastgate", "San Benito", "Las Cruces", "Weslaco")]
MONTHS = "January February March April May June July August September October November December".split()
MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
FOREIGN = ("kaarawan kay siya ngayon gumaling khoa chúng cứu cho geri kansè nou nan parcours après "
           "gratuita este mucha alegría una viejita pediatría ella misma del carro subvención vacuna contra "
           "salud corazón mundial semana jornada feliz gracias equipo hoy todos nuestra comunidad").split()

# {N} a name, {F} a first name, {T} a town, {A} an age over 89, {D} a care date, {R} a room.
STORIES_EN = [
    "Happy {A}th birthday to our patient {N}! 🎉 The whole 4 West team sang for her.",
    "{N} rang the bell today after 30 rounds of chemo. So proud of you!",
    "Everybody meet {F}! Born on {D} at 26 weeks, she is finally going home to {T}.",
    "SHOUT OUT TO {N} WHO WALKED OUT OF OUR ICU TODAY 💪",
    "After her surgery on {D}, {F} is back home in {T} and already gardening.",
    "{F} ({A}) told us her secret to a long life: coffee and stubbornness.",
    "Join the walk in honour of {N}, who had her transplant on {D}.",
    "thank u {f} for the cookies, room {R} misses you already",
    "pt {N} in {R} asked for a copy of the photos from {D}",
    "Congrats to {F} and {F2} on their discharge from the NICU! #PatientLove",
    "\"I never thought I would walk again,\" says {N}, {A}, of {T}.",
    "Welcome home, {F}! Your care team in room {R} is cheering for you.",
]
STORIES_ES = [
    "¡Feliz cumpleaños a nuestra paciente Sra. {N}, que cumple {A} años hoy! 🎉",
    "La Sra. {F} de {A} años salió del hospital el {d} rumbo a {T}.",
    "El Sr. {N} en la habitación {R} nos pidió las fotos de su cirugía del {d}.",
    "Gracias a {F} por compartir su historia: llegó el {d} y hoy camina de nuevo.",
    "Número de expediente del Sr. {N}: favor de no publicar. Habitación {R}.",
    "Felicidades a Gng. {N}, {A} taong gulang, mula sa {T}!",
]
NEGATIVES = [
    "Congratulations to {N}, RN, our Nurse of the Year! 👏",
    "Our volunteer {N} has given 2,000 hours at the gift shop. Thank you!",
    "Thank you to the {L} family for donating 40 blankets to the NICU.",
    "Join us on {Mo} 14 for the Heart Walk in {T}! Register today.",
    "Flu shots are free this Saturday in Conference Room B, 9am to noon.",
    "Meet Dr. {N}, our new cardiologist, who joins us from {T}.",
    "It's Nurses Week! We celebrate our amazing team on 5 West. #NursesWeek",
    "WHAT. A. DAY. Our team finished the 5K in record time!",
    "Ramadan Mubarak to everyone observing in our community.",
    "Staff birthday shout-out: happy birthday to {F} from Patient Transport!",
    "Mayor {N} cut the ribbon on our new clinic today.",
    "Washing your hands is one of the best ways to stay healthy this winter.",
    "¡Feliz Día del Médico a todo nuestro equipo! Gracias por su dedicación.",
    "Vacuna contra la gripe gratuita este sábado en la clínica de pediatría.",
    "Semana Mundial del Corazón: camine 30 minutos al día con su familia.",
    "Maligayang kaarawan sa lahat ng ating mga nars ngayon!",
    "{w1} {w2} {w3} {w4}: nuestra comunidad celebra la salud hoy.",
    "Our mascot Dr. Bear visited the pediatrics wing today 🐻",
]


def _date(rng, spanish=False):
    if spanish:
        return f"{rng.randint(1, 28)} de {rng.choice(MESES)}"
    return rng.choice([f"{rng.choice(MONTHS)} {rng.randint(1, 28)}", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}",
                       f"{rng.randint(1, 12)}-{rng.randint(1, 28)}"])


def _fill(template: str, rng: random.Random, spanish: bool, patient: bool):
    """(text, phi spans) with every slot filled; spans only for a patient's details."""
    hispanic = spanish or rng.random() < 0.2
    first = rng.choice(HISPANIC_FIRST if hispanic else FIRST)
    first2 = rng.choice(FIRST)
    last = rng.choice(HISPANIC_LAST if hispanic else LAST)
    style = rng.random()
    full = f"{first} {last}"
    if style < 0.1:
        full, first = full.lower(), first.lower()
    elif style < 0.18:
        full, first = full.upper(), first.upper()
    slots = {"N": (full, "name"), "F": (first, "name"), "F2": (first2, "name"), "f": (first.lower(), "name"),
             "L": (last, None), "T": (rng.choice(TOWNS), "address"), "A": (str(rng.randint(90, 106)), "age"),
             "D": (_date(rng), "date"), "d": (_date(rng, True), "date"),
             "R": (rng.choice([f"{rng.randint(100, 899)}", f"{rng.randint(1, 40)}B", f"{rng.randint(2, 9)}1{rng.randint(0, 9)}"]), "other_id"),
             "Mo": (rng.choice(MONTHS), None)}
    for i in range(1, 5):
        slots[f"w{i}"] = (rng.choice(FOREIGN).capitalize() if i == 1 else rng.choice(FOREIGN), None)
    out, spans, pos = [], [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(template[pos:m.start()])
        value, cat = slots[m.group(1)]
        start = sum(map(len, out))
        out.append(value)
        if patient and cat:
            spans.append({"start": start, "end": start + len(value), "category": cat})
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def generate(n: int, seed: int = 12):
    """n generated posts (about half patient stories), deterministic for `seed`."""
    rng = random.Random(seed)
    for i in range(n):
        kind = rng.random()
        if kind < 0.3:
            t, spanish, patient = rng.choice(STORIES_EN), False, True
        elif kind < 0.5:
            t, spanish, patient = rng.choice(STORIES_ES), True, True
        else:
            t, spanish, patient = rng.choice(NEGATIVES), False, False
        text, spans = _fill(t, rng, spanish, patient)
        if patient and "expediente" in t or "pidió" in t or "asked for a copy" in t:
            consent = False  # an operational note that leaked: PHI, not a story
        else:
            consent = patient
        yield {"id": f"aug-{seed}-{i:05d}", "text": text,
               "labels": {"phi": spans, "needs_consent": consent}}
