"""Vänersborg's assistant for international work: content store, NLP and portal."""
