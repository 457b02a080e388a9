"""Folds of labelled questions, whole paraphrase families at a time.

A model scored on a question it was fitted on, or on a paraphrase of it, looks surer than it will
be on a learner's question; so the topic model, the question margin and the centre classifier are
each scored on the folds they did not learn from, and the folds always keep a family together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CV_FOLDS = 5
"""Folds for scoring labelled questions with models that did not see them (the topic model in
`bot.confidence.fit_topic`, the centre classifier in `bot.calibration`, the question margin in
`bot.question_examples.held_out_margins`)."""


def family_folds(groups: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The rows learnt from and the rows scored in each of CV_FOLDS folds (fewer when there are
    fewer groups), where `groups` names each row's family; [] with fewer than two families."""
    from sklearn.model_selection import GroupKFold

    families = len(set(groups))
    if families < 2:
        return []
    return list(GroupKFold(min(CV_FOLDS, families)).split(np.zeros(len(groups)), groups=list(groups)))
