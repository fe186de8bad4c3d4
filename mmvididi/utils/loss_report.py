"""The loss report: what the model last trained, for the engine's messages.

``ViDiDiRecognizer.parse_losses`` writes it (:func:`report_loss`) into the
current message hub at every training step; ``SkipNonFiniteOptimWrapper``
reads it (:func:`last_loss_report`) to say which order pairs and which loss
terms were not finite. The key and the fields are named here, once.
"""
from typing import Dict, Mapping, Sequence

import torch
from mmengine.logging import MessageHub

#: runtime-info key of the report in the message hub
LOSS_REPORT_KEY = 'mmvididi/loss_report'
#: report fields: the active order pairs, and every logged loss term
PAIRS_FIELD = 'pairs'
TERMS_FIELD = 'terms'


def report_loss(pairs: Sequence[Sequence[int]],
                log_vars: Mapping[str, object]) -> None:
    """Leave ``pairs`` and the loss terms ``log_vars`` (as floats) in the
    current message hub.

    The report is saved with the message hub in checkpoints (a few numbers;
    the next step overwrites it): a key kept out of them
    (``resumed=False``) makes mmengine 0.10.7 warn at every resume that it
    "is not defined in message_hub".
    """
    MessageHub.get_current_instance().update_info(
        LOSS_REPORT_KEY,
        {PAIRS_FIELD: [list(pair) for pair in pairs],
         TERMS_FIELD: {name: float(torch.as_tensor(value).detach())
                       for name, value in log_vars.items()}})


def last_loss_report() -> Dict:
    """The last report of the current message hub: ``{'pairs': [[a, b], ...],
    'terms': {name: value}}``, or ``{}`` when nothing reported yet."""
    return MessageHub.get_current_instance().get_info(LOSS_REPORT_KEY) or {}
