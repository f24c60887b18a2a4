"""Conversation review: reading Rasa's SQL tracker store, and what admins do with it.

* tracker.py     the tracker store's `events` table (read, delete), through SQLAlchemy
* transcript.py  events → conversations: resident messages with intent and
                 confidence, bot replies and actions, widget feedback
* cache.py       parsed conversations, re-read only when their events change
* service.py     the façade the portal and the command line use, and what
                 purge and erasure do across the pieces below
* filters.py, paging.py, stats.py, export.py  the list, its pages, statistics, CSV/JSON
* inbox.py       the learning inbox's items and the NLU YAML of the corrections
* reviews.py, learning.py, audit.py  the review tables: status, tags and notes
                 per conversation; the inbox decisions; the audit log
* retention.py   the retention period and the result of a purge
* models.py      those tables in the content database; errors.py what the review refuses

Nothing here writes a conversation anywhere but Rasa's own tracker store;
the content database only holds the admins' own review data and an audit log
without message content.
"""
