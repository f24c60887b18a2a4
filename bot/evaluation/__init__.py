"""The frozen evaluation of what residents ask (tests/eval/): cases, scorer, runner.

`make eval` and the portal's retraining gate use the same scorer, so a model
is judged the same way wherever it is judged.
"""
