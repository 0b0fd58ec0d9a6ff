"""The shortcuts the checks take for speed give exactly what the plain computation gives."""
import math

from reviewq.checks import model
from reviewq.checks.names import _phrases
from reviewq.checks.phi import _digits


def test_digit_count_is_str_isdigit_for_ascii_and_other_scripts():
    for text in ("", "abc", "MRN 00123987, bed 12B", "٣٤٥ and ²³ and ４６ and 12", "x" * 50 + "9"):
        assert _digits(text) == sum(map(str.isdigit, text)), text


def _reference_story_p(lower, story):
    z = story["bias"] + sum(story["weights"].get(f, 0.0) for f in set(model.story_features(lower)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def test_story_probability_is_the_logistic_regression_over_story_features():
    bias, weights = model._shipped_story_weights()
    shipped = {"bias": bias, "weights": weights}
    texts = ["our patient Ella Moss went home today!", "Flu shots 10/12 in Room 4 @clinic", "",
             "celebrating 25 years of nursing excellence", "nuestra paciente doña Refugio cumple 103 años"]
    for text in texts:
        assert math.isclose(model.story_probability(text), _reference_story_p(text, shipped), abs_tol=1e-12)


def test_story_probability_follows_a_swapped_in_model_and_back():
    text = "our patient ella went home today"
    shipped = model.story_probability(text)
    other = {"bias": 0.0, "weights": {"w:ella": 3.0, "b:went_home": 1.0, "p:<ell": 0.5, "w:unseen": 9.0}}
    with model.use_models(story=other):
        assert math.isclose(model.story_probability(text), 1 / (1 + math.exp(-4.5)))
        assert math.isclose(model.story_probability(text), _reference_story_p(text, other), abs_tol=1e-12)
    assert model.story_probability(text) == shipped


def test_tagging_features_are_the_known_training_features_as_utf8():
    text = "Sra. María López, de 103 años 🎉 met Dr. Ada Obi"
    words = [w for _, _, w in model.tokenize(text)]
    known = model._known_attributes()
    want = [[f.encode() for f in feats if f in known] for feats in model.sequence_features(model.tokenize(text))]
    assert [sorted(f) for f in model._tagging_features(words)] == [sorted(f) for f in want]


def test_phrases_drop_a_possessive_and_join_words_one_space_apart():
    runs = _phrases("Ana López's  dog met Bo")
    assert [[t[2] for t in run] for run in runs] == [["Ana", "López"], ["dog", "met"], ["Bo"]]
    assert runs[0][1][:2] == (4, 9)  # "López", without "'s"
