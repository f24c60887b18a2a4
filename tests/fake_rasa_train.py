"""A stand-in for `rasa train` in the training tests: Rasa's log lines and DIET's
progress bar (the same tqdm call as rasa.utils.tensorflow.callback), in a second
instead of two minutes. `--fail` ends like a failed training."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm

EPOCHS = 5
WARNING = ("/venv/lib/python3.10/site-packages/pkg_resources/__init__.py:3117: DeprecationWarning: "
           "Deprecated call to `pkg_resources.declare_namespace('ruamel')`.\n"
           "Implementing implicit namespace packages (as specified in PEP 420) is preferred.\n"
           "  declare_namespace(pkg)\n")


def main() -> int:
    log = sys.stderr
    log.write(WARNING)
    log.write("2026-12-02 08:00:00 INFO     rasa.engine.training.hooks  - Starting to train component "
              "'CountVectorsFeaturizer'.\n")
    log.write("2026-12-02 08:00:01 INFO     rasa.engine.training.hooks  - Starting to train component "
              "'DIETClassifier'.\n")
    log.flush()
    if "--fail" in sys.argv:
        log.write("Traceback (most recent call last):\nValueError: the training data has no examples\n")
        return 1
    bar = tqdm(range(EPOCHS), desc="Epochs", mininterval=0)
    for _ in range(EPOCHS):
        time.sleep(0.3)
        bar.update(1)
        bar.set_postfix({"t_loss": 1.5, "i_acc": 0.9})
    bar.close()
    print("Your Rasa model is trained and saved at 'models/bot.tar.gz'.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
