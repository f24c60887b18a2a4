"""Rasa plug-ins and wrappers: the tracker and lock stores named in endpoints.yml,
the server launcher with its guards, training, and the quieting of library warnings."""
