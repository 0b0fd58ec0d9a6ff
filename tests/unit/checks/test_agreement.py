"""Context findings need a learned signal's agreement to block (reviewq/checks/agreement.py).

The posts are real text; the models are stand-ins set with model.use_models, so each test says exactly
which signal agrees: a story classifier that is sure (bias +10) or sure not (bias -10), a tagger that
tags nothing or tags every token NAME.
"""
import pytest

from reviewq.checks import model, run_all


class StubTagger:
    """A pycrfsuite.Tagger stand-in: every token gets `label` at marginal probability `p`."""

    def __init__(self, label="O", p=0.0):
        self.label, self.p = label, p

    def tag(self, features):
        return [self.label] * len(features)

    def marginal(self, label, i):
        return self.p

    def info(self):
        return type("Info", (), {"state_features": {}})()


STORY = {"bias": 10.0, "weights": {}}
NOT_STORY = {"bias": -10.0, "weights": {}}
STORY_POST = "Dana Whitfield went home today after surgery on our rehab floor. Happy trails!"  # no cue at the name


def findings(text, tagger, story):
    with model.use_models(tagger=tagger, story=story):
        return {(f.check, f.category): f for f in run_all(text, ["facebook"])}


UNSURE_STORY = {"bias": -1.3863, "weights": {}}  # p = 0.20


def test_without_model_agreement_a_context_rule_warns_and_says_why():
    fs = findings(STORY_POST, StubTagger(), UNSURE_STORY)
    name, consent = fs[("phi", "name")], fs[("consent", "patient_story")]
    assert name.severity == "warn" and consent.severity == "warn"
    assert name.source.startswith("rule:name; no model agreement, warn: crf no NAME, story p=0.20")
    assert "rule:name" in name.message and "story p=0.20" in name.message
    assert consent.source == "rule:consent.score; no model agreement, warn: story p=0.20"
    assert "Warn, not block" in consent.message


def test_a_story_the_classifier_doubts_is_info_unless_something_else_blocks():
    consent = findings(STORY_POST, StubTagger(), NOT_STORY)[("consent", "patient_story")]
    assert consent.severity == "info"
    assert consent.source == "rule:consent.score; story classifier doubts, info: story p=0.00"
    assert "Info only" in consent.message
    with_mrn = "Dana Whitfield (MRN 00482913) went home today after surgery on our rehab floor. Happy trails!"
    assert findings(with_mrn, StubTagger(), NOT_STORY)[("consent", "patient_story")].severity == "warn"


def test_with_the_story_classifier_agreeing_the_rule_blocks():
    fs = findings(STORY_POST, StubTagger(), STORY)
    assert fs[("phi", "name")].severity == "block"
    assert fs[("phi", "name")].source == "rule:name; model agrees: story p=1.00"
    assert fs[("consent", "patient_story")].severity == "block"


def test_with_the_tagger_agreeing_on_the_span_the_rule_blocks():
    fs = findings(STORY_POST, StubTagger("NAME", 0.95), NOT_STORY)
    assert fs[("phi", "name")].severity == "block"
    assert "model agrees: crf NAME p=0.95" in fs[("phi", "name")].source
    assert fs[("consent", "patient_story")].severity == "warn"  # consent asks the story classifier


def test_a_sure_tagger_raises_a_rules_warn_to_block():
    text = "Thank you Rosa Pruitt for the lovely letter about our shuttle drivers"
    assert findings(text, StubTagger(), NOT_STORY)[("phi", "name")].severity == "warn"
    raised = findings(text, StubTagger("NAME", 0.95), NOT_STORY)[("phi", "name")]
    assert raised.severity == "block"
    assert raised.source == "rule:name; model sure, block: crf NAME p=0.95, story p=0.00"
    assert "the tagger is sure" in raised.message


def test_a_roll_call_of_names_is_not_raised_by_a_sure_tagger():
    text = "Congrats to the spring cohort! Aaliyah Brooks, Tomasz Nowak, Priya Raman and Hannah Oyelaran did it"
    names = [f for f in run_all_with(text, StubTagger("NAME", 0.99), NOT_STORY) if f.category == "name"]
    assert len(names) >= 3 and {f.severity for f in names} == {"warn"}
    # one person named twice is not a list: the sure tagger still raises it
    one = "Thank you Rosa Pruitt for the letter. Rosa, the drivers loved it, and so did Pruitt's neighbours"
    assert {f.severity for f in run_all_with(one, StubTagger("NAME", 0.99), NOT_STORY)
            if f.category == "name"} == {"block"}


@pytest.mark.parametrize("text", ["Get well soon John Smith! The whole floor misses you.",
                                  "Praying for Rosa Pruitt tonight, and for her family.",
                                  "Pronta recuperación, Don Luis Arreola, le esperamos en casa."])
def test_a_patient_cue_at_the_name_keeps_its_block_without_the_models(text):
    name = findings(text, StubTagger(), NOT_STORY)[("phi", "name")]
    assert name.severity == "block"
    assert "a patient cue at the span" in name.source


def run_all_with(text, tagger, story):
    with model.use_models(tagger=tagger, story=story):
        return [f for f in run_all(text, ["facebook"]) if f.check == "phi"]


def test_two_context_identifiers_the_rules_combine_keep_their_block():
    fs = findings("Happy 100th birthday to Edna Marsh! The whole unit sang for her.", StubTagger(), NOT_STORY)
    assert fs[("phi", "name")].severity == fs[("phi", "age")].severity == "block"
    assert "rules combine age+name" in fs[("phi", "name")].source


@pytest.mark.parametrize("text, category", [
    ("Patient SSN 123-45-6789 was left on the fax cover sheet, please shred.", "ssn"),
    ("Found a wristband in the lobby, MRN 00482913. Please bring it to the desk.", "mrn"),
])
@pytest.mark.parametrize("tagger, story", [(StubTagger(), NOT_STORY), (StubTagger("NAME", 0.95), STORY)])
def test_format_identifiers_block_whatever_the_models_say(text, category, tagger, story):
    f = findings(text, tagger, story)[("phi", category)]
    assert f.severity == "block" and f.source == f"rule:{category}"


def test_use_models_restores_the_shipped_models():
    before = model.story_probability("happy 100th birthday to our patient edna!")
    with model.use_models(story=NOT_STORY):
        assert model.story_probability("happy 100th birthday to our patient edna!") < 0.001
    assert model.story_probability("happy 100th birthday to our patient edna!") == before


def test_a_name_and_a_date_do_not_combine_without_a_model():
    # an event's date beside a name-like word is the commonest innocent pair
    fs = findings("Gus the Goose is coming to the playroom on November 3! 🎉", StubTagger(), NOT_STORY)
    assert fs[("phi", "name")].severity == fs[("phi", "date")].severity == "warn"
    assert "no model agreement, warn" in fs[("phi", "date")].source


def test_a_story_naming_its_patient_with_a_care_date_keeps_the_consent_block():
    # The rules see a patient feature, flag the person it names and a date in a post that tells care: the consent
    # block stays whatever the classifier says, and its source says why.
    fs = findings("Our patient Dana Whitfield went home today after surgery on 3/14. Happy trails!", StubTagger(),
                  NOT_STORY)
    consent = fs[("consent", "patient_story")]
    assert consent.severity == "block"
    assert consent.source.endswith("no model agreement, block kept: story p=0.00; rules combine consent+name+date")
    # without the date it is the classifier's call (a warn), and an event's date tells no care
    assert findings(STORY_POST, StubTagger(), UNSURE_STORY)[("consent", "patient_story")].severity == "warn"
    gala = findings("Happy trails to our patient Dana Whitfield! See you at the gala on July 5 🎉", StubTagger(),
                    UNSURE_STORY)
    assert gala[("consent", "patient_story")].severity == "warn"


def test_a_length_block_does_not_keep_a_doubted_story_a_warn():
    # only a phi or consent block says someone is identified; a post over a platform's limit does not
    long = STORY_POST + " " + "We are so proud of the whole rehab gym team and every volunteer. " * 6
    fs = run_all_with_channels(long, ["x"])
    assert any(f.check == "platform" and f.severity == "block" for f in fs)
    assert [f.severity for f in fs if f.check == "consent"] == ["info"]


def run_all_with_channels(text, channels):
    with model.use_models(tagger=StubTagger(), story=NOT_STORY):
        return run_all(text, channels)


class WordTagger(StubTagger):
    """Tags NAME (p=1.0) exactly the tokens whose lower-case word is in `words`, O elsewhere."""

    def __init__(self, words):
        super().__init__()
        self.words = set(words)
        self.labels = []

    def tag(self, features):
        names = {f"w={w}" for w in self.words}
        names |= {n.encode() for n in names}  # the tagging features may reach CRFsuite as UTF-8 bytes
        self.labels = ["NAME" if names & set(tok) else "O" for tok in features]
        return self.labels

    def marginal(self, label, i):
        return 1.0 if self.labels[i] == label else 0.0

    def info(self):  # the word attributes it knows: the features code keeps only known ones
        return type("Info", (), {"state_features": {(f"w={w}", "NAME"): 1.0 for w in self.words}})()


def test_a_name_only_the_tagger_sees_makes_the_room_beside_it_phi():
    # No rule reads "zebulon okwuosa" (lower case, in no list) as a name; the tagger is sure of it, so the post
    # is about someone and the bed told beside the name is identifying too: both block.
    text = "Please stop writing patient names on the to-go boxes for floor deliveries. Today: zebulon okwuosa, bed 14."
    got = findings(text, WordTagger({"zebulon", "okwuosa"}), NOT_STORY)
    assert got[("phi", "name")].severity == "block"
    assert got[("phi", "other_id")].severity == "block"
    assert text[got[("phi", "other_id")].start:got[("phi", "other_id")].end] == "14"
    # The same post with a tagger that sees no one: no person, so the bed is a place and nothing blocks.
    assert not any(f.severity == "block" for f in findings(text, StubTagger(), NOT_STORY).values())
