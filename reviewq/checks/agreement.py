"""Where context decides, a rule needs a learned signal's agreement to block.

A name, a town, a care date, an age, a patient story: whether they are a patient's is a judgment of
context, and the rules alone block too many posts nobody wrote them for. So a context finding of the
rules blocks only when the CRF tagger tags the same span (NAME/ADDR/DATE) or the story classifier
reads the post as a patient's story; otherwise it is a `warn` (still shown, a person looks). A tagger
sure of the very span raises a context `warn` to `block` (it was trained on patients' names, towns and
care dates, never staff's). Format identifiers (MRN, SSN, phone, e-mail, …) are never asked: their
shape decides. A rules-only consent finding the classifier reads as no story at all is `info` where
nothing else in the post blocks (settle_consent). Pure: the checks call it with their Post; it decides
a severity and says why (the text goes into the finding's message and `source`), it never drops a
finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

ENABLED = True  # training/crossval.py --rules-alone turns it off to measure the rules without it
CONTEXT_PHI = frozenset({"name", "address", "date", "age"})
TAG_OF = {"name": "NAME", "address": "ADDR", "date": "DATE"}
# Two of these the rules block in one post identify someone by their combination (a date does not count:
# an event's date beside an event's name is the commonest innocent pair).
COMBINING = frozenset({"name", "address", "age"})
TAG_AGREE = 0.5  # CRF marginal probability of the span's label that counts as agreement
STORY_AGREE = 0.5  # story classifier probability that counts as agreement
TAG_SURE = 0.9  # a rule's context warn becomes a block when the tagger is this sure of the same span
LIST_NAMES = 3  # this many names with nothing tying them to care: a roll call (a cohort, a team), not raised
CONSENT_AGREE = 0.3  # story probability a consent finding of the rules needs to block
CONSENT_DOUBT = 0.1  # below it, in a post nothing else blocks, the rules' story cues are only `info`
# Chosen by 4-fold cross-validation over the training files (training/crossval.py, docs/checks.md).


@dataclass(frozen=True)
class Verdict:
    severity: str
    signal: str  # the model signal, e.g. "crf NAME p=0.93, story p=0.12"
    changed: bool  # the models moved the rule's severity
    combined: bool = False  # kept its block because the rules combine two context identifiers
    cued: bool = False  # blocks because a patient cue stands right before the span (the models not asked)


def tag_probability(post, start: int, end: int, label: str) -> float | None:
    """The highest CRF marginal of a `label` run overlapping [start, end) (folded offsets), or None."""
    ps = [p for s, e, lab, p in post.tags if lab == label and s < end and start < e]
    return max(ps) if ps else None


def phi(post, start: int, end: int, category: str, severity: str, combined=(), listed: bool = False,
        cued: bool = False) -> Verdict:
    """The severity of a rule's phi finding once the models are asked (context categories only).

    `combined`: the context categories (two or more) the rules block together in this post; a
    combination identifies by itself, so it keeps its block without the models. `listed`: the rules
    found LIST_NAMES or more names in the post and none tied to care (a class, a team, the month's
    volunteers): the tagger, trained on patients' names, is sure of any name, so it raises none of them.
    `cued`: a patient cue stands at the span itself ("get well soon <name>", "our patient <name>"): that is the
    rules' evidence about this very span, not the post's context, so a cued block keeps its block."""
    if not ENABLED or category not in CONTEXT_PHI or severity not in ("block", "warn"):
        return Verdict(severity, "", False)
    label = TAG_OF.get(category)
    story = post.story_p
    if cued and severity in ("block", "warn"):  # the rules' own evidence at the span: the models are not asked
        return Verdict("block", f"story p={story:.2f}", severity == "warn", cued=True)
    if severity == "block" and story >= STORY_AGREE:  # agreed: the tagger (the costly signal) is not asked
        return Verdict("block", f"story p={story:.2f}", False)
    tag = tag_probability(post, start, end, label) if label else None
    signal = (f"crf {label} p={tag:.2f}" if tag is not None else f"crf no {label}" if label else "crf n/a") \
        + f", story p={story:.2f}"
    if severity == "block" and not ((tag or 0.0) >= TAG_AGREE or story >= STORY_AGREE):
        if combined:
            return Verdict("block", f"{signal}; rules combine {'+'.join(combined)}", False, True)
        return Verdict("warn", signal, True)
    if severity == "warn" and (tag or 0.0) >= TAG_SURE and not listed:
        return Verdict("block", signal, True)
    return Verdict(severity, signal, False)


def consent(post, severity: str) -> Verdict:
    """The severity of the rules' patient-story finding once the story classifier is asked."""
    if not ENABLED:
        return Verdict(severity, "", False)
    signal = f"story p={post.story_p:.2f}"
    if severity == "block" and post.story_p < CONSENT_AGREE:
        return Verdict("warn", signal, True)
    return Verdict(severity, signal, False)


def explain(rule_source: str, verdict: Verdict) -> str:
    """The sentence a finding's message gains when the models moved its severity."""
    if not verdict.changed:
        return ""
    if verdict.cued:
        return f" Block: a patient cue stands right before the name ({rule_source}; {verdict.signal})."
    if verdict.severity == "warn":
        return (f" Warn, not block: the rule ({rule_source}) fired, but neither learned signal reads it as a "
                f"patient's ({verdict.signal}).")
    return f" Block: the rule ({rule_source}) said warn, and the tagger is sure it is a patient's ({verdict.signal})."


def source(rule_source: str, verdict: Verdict) -> str:
    """The finding's `source`: the rule, then the model signal and what it did."""
    if not verdict.signal:
        return rule_source
    if verdict.cued:
        did = "a patient cue at the span, block"
    elif verdict.changed:
        did = {"warn": "no model agreement, warn", "block": "model sure, block"}[verdict.severity]
    elif verdict.combined:
        did = "no model agreement, block kept"
    else:
        did = "model agrees" if verdict.severity == "block" else "model unsure"
    return f"{rule_source}; {did}: {verdict.signal}"


# Beside the consent finding's named person, one of these flagged in the same post is an identifier of theirs (a
# date only in a post that tells care: an event's date beside an event's name is the commonest innocent pair).
STORY_DETAILS = frozenset({"date", "age", "address"})
CARE_TOLD = re.compile(r"\b(?:admitted|discharged?|born|brought in|surgery|stay(?:ed)? with us|(?:was|were) with us|"
                       r"nicu|icu|quimio\w*|rehabilitaci[óo]n|quemados|internad[oa]|hospitalizad[oa]|operad[oa]|"
                       r"dad[oa] de alta|alta|naci[óo]|estuvo con nosotros|urodzon[aey]|hospitalis[ée]e?|n[ée]e? le)\b")


def _identified(findings: list, f, cared: bool) -> str:
    """The categories that make the person a rules-only consent finding names identifiable: a flagged phi name on
    the very span and another flagged context identifier (a care date, an age, an address), or ''."""
    phi = [g for g in findings if g.check == "phi" and g.severity in ("warn", "block")]
    if f.start is None or not any(g.category == "name" and g.start is not None and g.start < f.end
                                  and f.start < g.end for g in phi):
        return ""
    other = sorted({g.category for g in phi if g.category in STORY_DETAILS and (g.category != "date" or cared)})
    return "+".join(["name"] + other) if other else ""


def settle_consent(post, findings: list) -> list:
    """`findings` with a rules-only consent warn turned `info` when the classifier reads no patient story.

    Only where no other finding of the post blocks and no two context identifiers are flagged together: a
    post that names someone with an identifier of theirs keeps every flag. The finding stays (shown,
    explained); `info` asks nobody for a consent record."""
    if not ENABLED:
        return findings
    findings = [_keep_identified(post, findings, f) for f in findings]
    if post.story_p >= CONSENT_DOUBT or any(f.severity == "block" and f.check in ("phi", "consent") for f in findings):
        return findings  # (a post over a platform's limit or missing a disclosure identifies nobody by that)
    if len({f.category for f in findings if f.check == "phi" and f.severity == "warn"
            and f.category in CONTEXT_PHI}) >= 2:
        return findings  # two identifiers flagged together (a name and a care date): a person must look
    out = []
    for f in findings:
        if f.check == "consent" and f.severity == "warn" and "; no model agreement" in f.source \
                and not f.source.startswith("rule:consent.permission_assertion"):  # the author says they agreed
            f = replace(f, severity="info", fix="", source=f.source.replace("no model agreement, warn",
                                                                            "story classifier doubts, info"),
                        message=f"{f.message} Info only: nothing else in the post identifies a patient, and the "
                                f"story classifier reads none (story p={post.story_p:.2f}).")
        out.append(f)
    return out


def _keep_identified(post, findings: list, f):
    """A rules-only consent warn keeps its block when the rules also flag the person it names and a detail of
    theirs (a care date, an age, an address): a named patient's story with an identifier, whatever the classifier."""
    if f.check != "consent" or f.severity != "warn" or "; no model agreement, warn" not in f.source:
        return f
    from reviewq.checks.consent import CARE_EVENT  # consent imports this module
    lower = post.folded.lower
    combined = _identified(findings, f, CARE_EVENT.search(lower) is not None or CARE_TOLD.search(lower) is not None)
    if not combined:
        return f
    return replace(f, severity="block", source=f.source.replace("no model agreement, warn", "no model agreement, "
                                                                "block kept") + f"; rules combine consent+{combined}",
                   message=f.message.split(" Warn, not block:")[0] + f" Block kept: the rules flag the person named "
                           f"and a detail of theirs ({combined}).")
