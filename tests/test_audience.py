"""Who is asking, read from the question: ages, gender, job seeking, newcomers, a child, a group,
the language of instruction, in EN/FR/NL and other languages."""

from __future__ import annotations

import pytest

from bot.audience import Audience, read_audience


@pytest.mark.parametrize(
    "question,expected",
    [
        ("I'm 34 and want to change career to IT", Audience(age=34)),
        ("I am a woman of 48, coding course in Anderlecht?", Audience(age=48, gender="w", for_women=True)),
        ("je suis une femme de 48 ans au chômage", Audience(age=48, gender="w", jobseeker=True, for_women=True)),
        ("j'ai 22 ans et je suis inscrit chez Actiris", Audience(age=22, jobseeker=True)),
        ("woluwe saint lambert, demandeur d emploi, je cherche une formation", Audience(jobseeker=True)),  # typed without an apostrophe
        ("je suis demandeuse demploi a forest", Audience(gender="w", jobseeker=True, for_women=True)),
        ("im a woman looking for an IT course", Audience(gender="w", for_women=True)),
        ("Ik ben 19 jaar en werkzoekend", Audience(age=19, jobseeker=True)),
        ("ik ben een vrouw en zoek werk", Audience(gender="w", jobseeker=True, for_women=True)),
        ("mijn zoon is 10 en wil leren programmeren", Audience(age=10, for_child=True, about_young=True)),
        ("mijn moeder is 80 en wil leren videobellen", Audience(age=80, gender="w", for_women=True)),
        ("je suis maman de 3 enfants au chomage", Audience(gender="w", jobseeker=True, for_women=True)),  # she will learn, not her children
        (
            "ik ben een vrouw en wil een IT-opleiding volgen, maar ik spreek geen Frans",
            Audience(gender="w", instruction_language="nl", for_women=True),
        ),
        ("I don't speak French yet, where can I learn to code?", Audience(instruction_language="en")),
        ("je ne parle pas le néerlandais, un cours d'informatique ?", Audience(instruction_language="fr")),
        ("ik ben vader van twee kinderen en zoek werk", Audience(jobseeker=True)),
        ("I'm a mother, is there a coding club for teenagers?", Audience(gender="w", for_women=True, about_young=True)),
        ("je suis maman et je cherche un atelier de code pour ados", Audience(gender="w", for_women=True, about_young=True)),
        ("my mother has 10 grandchildren", Audience(gender="w", for_women=True)),  # a count, not an age
        ("mijn vader is 10 dagen per maand weg", Audience()),
        ("I don't speak French, is there a computer course in Dutch?", Audience(instruction_language="nl")),  # named first
        ("je suis maman, mon fils de 12 ans veut coder", Audience(age=12, for_child=True, about_young=True)),
        ("my grandfather is 75 and wants to use his tablet", Audience(age=75)),
        ("je suis retraité, où apprendre à utiliser ma tablette ?", Audience(jobseeker=False)),
        ("ik ben gepensioneerd en wil leren videobellen", Audience(jobseeker=False)),
        ("je suis retraitée mais je cherche un emploi", Audience(gender="w", jobseeker=True, for_women=True)),  # she says so
        ("je suis inscrite chez Actiris", Audience(gender="w", jobseeker=True, for_women=True)),
        ("ma fille de 15 ans veut coder", Audience(age=15, gender="w", for_child=True, about_young=True)),
        ("mia figlia ha 9 anni", Audience(age=9, gender="w", for_child=True, about_young=True)),
        ("fata mea are nevoie de laptop pentru scoala", Audience(gender="w", for_child=True, about_young=True)),
        ("Синові потрібен ноутбук для школи", Audience(for_child=True, about_young=True)),
        ("моей дочери нужен ноутбук", Audience(gender="w", for_child=True, about_young=True)),
        ("для мого сина потрібен ноутбук", Audience(for_child=True, about_young=True)),
        ("szukam kursu dla moich dzieci", Audience(for_child=True, about_young=True)),
        ("kızımın okulu için laptop lazım, kızım 12 yaşında", Audience(age=12, gender="w", for_child=True, about_young=True)),
        ("our school needs laptops for the students", Audience(for_group=True)),
        ("notre asbl cherche une formation pour un groupe de jeunes", Audience(for_group=True, about_young=True)),
        ("our company wants to give its old laptops away", Audience(for_group=True)),
        ("nous sommes une maison de quartier à Forest", Audience(for_group=True)),
        ("ons bedrijf heeft oude laptops", Audience(for_group=True)),
        ("our youth club needs laptops for the kids", Audience(for_group=True, about_young=True)),
        ("We are a small non-profit working with young migrants", Audience(for_group=True)),
        ("onze kleine vzw zoekt laptops", Audience(for_group=True)),
        ("jeugdhuis zoekt gratis laptops voor jongeren", Audience(for_group=True, about_young=True)),
        ("une maison de jeunes cherche des ordinateurs", Audience(for_group=True, about_young=True)),
        ("youth centre needs computers", Audience(for_group=True, about_young=True)),
        ("Wij zijn een vzw in Molenbeek. We zoeken tweedehands laptops", Audience(for_group=True)),
        ("on est une petite asbl à Forest", Audience(for_group=True)),
        ("Wir sind ein Verein in Brüssel", Audience(for_group=True)),
        ("onze bewoners willen leren videobellen", Audience(for_group=True)),
        ("nous sommes un CPAS et nos usagers n'ont pas d'ordinateur", Audience(for_group=True)),
        ("notre maison de repos cherche des tablettes", Audience(for_group=True)),
        ("Je suis un homme et je cherche une formation pour ma femme", Audience(gender="w", for_women=True)),
        ("mijn vrouw zoekt een computercursus", Audience(gender="w", for_women=True)),
        ("Je cherche une formation en néerlandais", Audience(instruction_language="nl")),
        ("tengo 19 años y busco trabajo, soy refugiado", Audience(age=19, jobseeker=True, newcomer=True)),
        ("Мне 45 лет, я беженка", Audience(age=45, gender="w", newcomer=True, for_women=True)),
        ("عمري 30 سنة وأنا لاجئ", Audience(age=30, newcomer=True)),
        ("kadınım, 40 yaşındayım", Audience(age=40, gender="w", for_women=True)),
        ("ich bin 22 Jahre alt und arbeitslos", Audience(age=22, jobseeker=True)),
        ("Живу в Схарбеке, нужен компьютер, чтобы искать работу", Audience(jobseeker=True)),
        ("I need a computer to find a job", Audience(jobseeker=True)),
        ("Cursuri de securitate cibernetică pentru femei în Bruxelles?", Audience(for_women=True)),
        ("Где найти курсы программирования только для женщин?", Audience(for_women=True)),
        ("Is there a course for women in Schaerbeek?", Audience(for_women=True)),  # asks for women, says nothing of herself
        ("coding workshops for children in Anderlecht", Audience(about_young=True)),
        ("atelier de code pour ados, je suis en secondaire", Audience(about_young=True)),
        ("programmeren voor jongeren, ik zit in het middelbaar", Audience(about_young=True)),
        ("yo waar kan ik leren games maken? ben 15", Audience(age=15)),
        ("my brother is 15 and wants to learn programming", Audience(age=15)),
        ("دورة برمجة للأطفال", Audience(about_young=True)),
        (
            "ma fille de 15 ans veut un cours pour filles",
            Audience(age=15, gender="w", for_child=True, about_young=True),
        ),  # a girl, not a woman
    ],
)
def test_what_a_question_says_about_the_learner(question: str, expected: Audience) -> None:
    assert read_audience(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Is there a course for women in Schaerbeek?",  # about women's courses, not a woman saying so
        "I live at 1070 Anderlecht, 10 min walk",  # a postcode and minutes are no age
        "coding course 2 times a week",
        "where is the 12 bus stop",
        "ik ben 3 dagen per week vrij",
        "Where can I learn to code in Anderlecht?",  # an adult by default: nothing says young
        "we are a family of four, where can we use a computer in our neighbourhood?",
    ],
)
def test_words_that_are_not_facts_about_the_learner(question: str) -> None:
    audience = read_audience(question)
    assert audience.age is None and audience.gender is None and not audience.for_group and not audience.about_young


def test_answers_speak_the_eligibility_checks_vocabulary() -> None:
    assert read_audience("je suis une femme de 48 ans au chômage").answers() == {"gender": "w", "age": "48", "jobseeker": "y"}
    assert read_audience("our school: 30 students aged 12").answers() == {"age": "12"}  # a group: no gender or job seeking
    assert Audience().empty and not read_audience("I'm 34").empty


@pytest.mark.parametrize(
    ("question", "gender", "age"),
    [
        ("I'm a 50 year old man, unemployed, and want to retrain in IT", "m", 50),  # was sent to a school for women
        ("I am a 34-year-old woman looking for IT training", "w", 34),
        ("I'm an 18 year old man", "m", 18),
        ("ik ben een 50-jarige man en zoek werk", "m", 50),
    ],
)
def test_an_age_before_the_noun_still_says_who_asks(question: str, gender: str, age: int) -> None:
    audience = read_audience(question)
    assert (audience.gender, audience.age) == (gender, age)


@pytest.mark.parametrize(
    "question",
    [
        "Bruxelles Formation donne accès à quelles formations ?",  # "donne": gives
        "Ma mère a 70 ans et veut apprendre Word",  # a mother, not a course for women
        "I am a mere beginner with computers",
        "I am a man, are there courses not only for women?",
        "help an old lady with her phone",
    ],
)
def test_words_that_do_not_ask_for_women(question: str) -> None:
    audience = read_audience(question)
    assert not audience.for_women and audience.gender != "w"


@pytest.mark.parametrize(
    "question",
    [
        "dans notre foyer personne n'a d'ordinateur",
        "our family members need a computer",
        "notre CPAS m'a envoyé ici pour apprendre l'ordinateur",
        "I was sent by our CPAS",
        "notre mère en maison de repos voudrait apprendre la tablette",
        "Nous sommes une famille de résidents de Forest",
        "We are a family of learners",
        "near our city centre, a computer room?",
        "I need a laptop for school",
        "école de code gratuite ?",
        "My school wants me to learn Excel",
        "De school wil dat ik een laptop heb",
    ],
)
def test_a_household_or_a_place_of_ours_is_no_group(question: str) -> None:
    assert not read_audience(question).for_group


def test_a_curly_apostrophe_and_two_adjectives_still_make_a_group() -> None:
    assert read_audience("we\u2019re a small non-profit").for_group
    assert read_audience("our small youth club needs laptops").for_group
