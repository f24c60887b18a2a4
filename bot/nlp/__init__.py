"""Swedish language processing: the spaCy pipeline that Rasa and the actions share."""
