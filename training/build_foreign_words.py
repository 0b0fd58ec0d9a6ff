"""Rebuild reviewq/checks/data/foreign_words.txt (development time only: `pip install stopwordsiso`).

Ordinary words of the other languages US hospitals post in, so the name rules and the tagger do not read
them as names: stopwordsiso's lists (es, tl, vi, fr, pt, it) minus name particles and US first names and
surnames, plus the hand-written hospital words below (kept whatever the name lists say).
"""
import pathlib

import stopwordsiso

DATA = pathlib.Path(__file__).resolve().parents[1] / "reviewq" / "checks" / "data"
PARTICLES = set("de del la las los van von da das dos di du le el y e al ben bin mac mc st san santa der den ter "
                "ten do".split())
HAND = """salud corazón corazon médico medico médica medica mundial día dia semana mes jornada vacuna vacunas gratuita
gratuito clínica clinica paciente pacientes enfermera enfermero enfermeras doctora cirugía cirugia habitación
habitacion cuarto cama piso expediente número numero años año cumpleaños feliz felicidades gracias equipo comunidad
familia familias mamá papá bebé bebe niño niña niños abuela abuelo abuelita abuelito viejita viejito señora señor
nuestra nuestro nuestros nuestras todos todas hoy mañana ayer sábado domingo lunes martes miércoles jueves viernes
pediatría pediatria cardiopatía cardiopatia subvención subvencion carro alegría alegria mucha mucho misma mismo ella
ellas ellos usted ustedes salió salio llegó llego cumple cumplió camina caminar historia compartir compartió
bienvenidos bienvenida recuperación recuperacion cáncer presión presion sangre donación donacion donantes
voluntarios voluntarias personal trabajo atención atencion servicio servicios cita citas llame llamar información
informacion gripe una este contra kaarawan maligayang salamat pamilya nars doktor ospital pasyente ngayon gumaling
siya kay sila natin namin ating aming mga taong gulang mula anak khoa chúng cứu cho bệnh viện bác cảm ơn gia đình
chúc mừng sinh nhật geri kansè nou nan pou sa ak yo li mwen ou lopital doktè fanmi mèsi parcours après merci équipe
soins famille anniversaire joyeux santé coeur cœur infirmière chambre numéro médecin obrigado obrigada equipe saúde
família parabéns""".split()


def main() -> None:
    names = set()
    for f in ("first_names.txt", "surnames.txt"):
        names |= {w.strip() for w in (DATA / f).read_text(encoding="utf-8").splitlines()}
    words = set()
    for lang in ("es", "tl", "vi", "fr", "pt", "it"):
        words |= {w.lower() for w in stopwordsiso.stopwords(lang)}
    words = {w for w in words if w.isalpha() and len(w) > 1 and w not in PARTICLES and w not in names}
    words |= set(HAND)
    (DATA / "foreign_words.txt").write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(len(words), "words")


if __name__ == "__main__":
    main()
