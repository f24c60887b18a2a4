"""The portal's learning loop: train a candidate model in the background, check it
against the frozen evaluation, serve the live model to every Rasa replica, roll back."""
